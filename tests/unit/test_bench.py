"""The benchmark's arithmetic and workload, without servers (tests/e2e/test_bench_quick.py runs it)."""

import pytest

from bot.core.errors import UserError
from bot.ops.bench.load import Turn, percentiles_ms
from bot.ops.bench.measure import median_of_runs
from bot.ops.bench.report import TARGETS, check_targets, to_markdown
from bot.ops.bench.workload import OFFERED_BUTTON, held_out_messages, rejection_conversations, scripted_conversation


def test_runs_are_summarised_by_their_median_and_errors_are_added_up():
    runs = [
        {"p50_ms": 10.0, "errors": 1, "error_kinds": {"timeout": 1}},
        {"p50_ms": 30.0, "errors": 0, "error_kinds": {}},
        {"p50_ms": 20.0, "errors": 2, "error_kinds": {"HTTP 500": 2}},
    ]
    figure = median_of_runs(runs)
    assert figure["p50_ms"] == 20.0 and figure["errors"] == 3
    assert figure["error_kinds"] == {"timeout": 1, "HTTP 500": 2} and figure["runs"] == runs


def test_percentiles_need_at_least_two_replies():
    assert percentiles_ms([i / 1000 for i in range(1, 101)]) == {"p50_ms": 50.5, "p95_ms": 95.05, "p99_ms": 99.01}
    with pytest.raises(UserError, match="too few"):
        percentiles_ms([0.01])


def test_a_target_is_met_only_when_every_limit_is():
    figures = {
        "nlu_parse": {"p50_ms": 10.0, "p95_ms": 31.0, "p99_ms": 40.0},
        "throughput": {
            "replies_per_s": 25.0,
            "p50_ms": 100.0,
            "p95_ms": 900.0,
            "p99_ms": 1000.0,
            "errors": 0,
            "rasa_cpu_ms_per_reply": 30.0,
            "actions_cpu_ms_per_reply": 5.0,
        },
    }
    rows = {row["figure"]: row for row in check_targets(figures)}
    assert rows["NLU parse latency, in process"]["met"] is False  # p95 over 30 ms
    assert rows["NLU parse latency, in process"]["measured"] == "p50 10.0 ms, p95 31.0 ms, p99 40.0 ms"
    assert rows["Throughput, 20 concurrent scripted conversations"]["met"] is True  # at least 25/s
    unmeasured = [row for row in rows.values() if row["met"] is None]
    assert len(unmeasured) == len(TARGETS) - 2
    assert "add --train" in rows[TARGETS[-1].title]["measured"]


def test_the_markdown_table_has_a_row_per_target_and_says_how_to_reproduce():
    report = {
        "date": "2026-01-01T00:00:00+00:00",
        "mode": "full",
        "runs": 3,
        "machine": {
            "cpus": 2,
            "cpu_model": "Test CPU",
            "ram_gb": 4.0,
            "system": "Linux",
            "python": "3.10",
            "rasa": "3.6.21",
        },
        "load_average": {"start": [0.1, 0.2, 0.3], "end": [1.0, 0.5, 0.4]},
        "figures": {"cold_start": {"seconds": 20.0, "load_average_1m": [0.5, 1.5]}},
        "targets": check_targets({}),
    }
    markdown = to_markdown(report)
    assert markdown.count("\n| ") == len(TARGETS) + 2
    assert "2 CPUs (Test CPU), 4.0 GB RAM" in markdown and "make bench" in markdown
    assert "cold_start 0.5 -> 1.5" in markdown


def test_held_out_messages_lose_their_entity_annotations():
    messages = held_out_messages()
    assert len(messages) > 100 and not any("](" in m.text for m in messages)
    assert any(m.text.startswith("Comcast Business says I owe them") for m in messages)


def test_rejection_conversations_spread_over_every_category():
    messages = held_out_messages()
    conversations = rejection_conversations(messages, 20)
    assert len(conversations) == 20 and all(len(c) == 3 for c in conversations)
    intent_of = {m.text: m.intent for m in messages}
    assert len({intent_of[text] for c in conversations for text in c}) >= 20


def test_the_scripted_conversation_presses_the_button_after_the_two_reason_notice():
    script = scripted_conversation(0)
    assert script[4] is OFFERED_BUTTON and "/" in script[3]
    assert (
        Turn(
            0.1,
            [
                {"text": "a", "buttons": [{"title": "x", "payload": "/one"}]},
                {"text": "b", "buttons": [{"title": "y", "payload": "/two"}]},
                {"text": "c"},
            ],
        ).offered_payload()
        == "/two"
    )
    assert Turn(0.1, [{"text": "no buttons"}]).offered_payload() is None

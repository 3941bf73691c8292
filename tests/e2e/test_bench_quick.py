"""`python -m bot.ops.bench --quick` against the real servers: every figure is measured, without errors.

The targets are not asserted here (the machine running the tests may be busy); `make bench`
reports them.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bot.ops.bench.report import TARGETS
from bot.settings import PROJECT_ROOT

LATENCY_FIELDS = ("p50_ms", "p95_ms", "p99_ms")


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def test_quick_bench_writes_every_figure(trained_model, tmp_path):
    finished = subprocess.run(
        [sys.executable, "-m", "bot.ops.bench", "--quick", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    figures = report["figures"]

    for key in ("nlu_parse", "e2e_reply", "throughput"):
        assert all(is_number(figures[key][field]) for field in LATENCY_FIELDS), key
        assert figures[key]["p50_ms"] <= figures[key]["p95_ms"] <= figures[key]["p99_ms"], key
    assert figures["e2e_reply"]["errors"] == 0 and figures["throughput"]["errors"] == 0
    assert figures["throughput"]["replies_per_s"] > 0
    assert figures["throughput"]["rasa_cpu_ms_per_reply"] > 0
    # the scripted conversations are six turns each, all answered
    assert figures["throughput"]["replies"] == 6 * figures["throughput"]["conversations"]

    memory = figures["memory"]
    assert memory["errors"] == 0 and memory["conversations_per_round"] > 0
    assert all(
        is_number(memory[field]) and memory[field] > 0
        for field in ("rss_before_mb", "rss_after_first_mb", "rss_after_second_mb")
    )
    assert 0 < figures["cold_start"]["servers_up_s"] <= figures["cold_start"]["seconds"]
    assert "train" not in figures  # only with --train

    rows = {row["figure"]: row for row in report["targets"]}
    assert len(rows) == len(TARGETS)
    assert all(isinstance(rows[t.title]["met"], bool) for t in TARGETS if t.figure != "train")
    assert report["machine"]["cpus"] >= 1 and report["machine"]["ram_gb"] > 0
    markdown = (tmp_path / "bench.md").read_text()
    assert markdown.count("\n| ") == len(TARGETS) + 2  # header, rule, one row a target
    assert "make bench" in markdown and report["machine"]["cpu_model"] in markdown

"""Every paragraph of the two seed help-center articles, described by a customer, reaches the
right category and its explanation over the REST channel; and `python -m bot classify` on the
trained model gives the contract's JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.catalog import load_catalog
from bot.settings import PROJECT_ROOT

CATALOG = load_catalog()

# (seed article, its paragraph, a customer's own description of it, the category)
SEED_PARAGRAPHS = [
    tuple(row.values()) for row in yaml.safe_load((Path(__file__).parent / "seed_paragraphs.yml").read_text())
]


@pytest.mark.parametrize(
    "seed, paragraph, says, category",
    SEED_PARAGRAPHS,
    ids=[f"{seed}-{paragraph}" for seed, paragraph, _, _ in SEED_PARAGRAPHS],
)
def test_each_seed_paragraph_reaches_its_category_and_explanation(customer, seed, paragraph, says, category):
    answer = customer.texts(says)
    expected = CATALOG.category(category)
    assert expected.title in answer and f"First step: {expected.steps[0]}" in answer, answer
    slots = customer.tracker()["slots"]
    assert slots["rejection_category"] == category


@pytest.mark.parametrize(
    "message",
    ["what's the weather like today", "my invoice is wrong", "our office internet went out an hour ago"],
)
def test_out_of_scope_is_redirected_to_where_to_go(customer, message):
    """Off topic, also with a telecom word in it: a short redirect that says where to go, no menu."""
    answer = customer.texts(message)
    assert "only help with moving a phone number" in answer and "Support page" in answer
    assert "Is your rejection about one of these" not in answer
    assert customer.tracker()["slots"]["rejection_category"] is None


def classify(*lines: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify"],
        input="\n".join(lines) + "\n",
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    # Python's warnings from the libraries (~30 lines) are silenced; TensorFlow's C++ log is not ours
    assert not re.search(r"^\S+:\d+: \w+Warning: ", result.stderr, re.MULTILINE), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_classify_prints_the_contract_json_for_each_line(trained_model):
    name, two, weather, invoice, tmobile = classify(
        "Order is being rejected at this time for End User name mismatch.",
        "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID",
        "what's the weather",
        "my invoice is wrong",
        "T-Mobile says my PIN is wrong, number is (404) 555-0108",
    )
    # the contract's fields, and the FAQ answer the response selector picked (None for a notice)
    assert set(name) == {"text", "intent", "category", "categories", "confidence", "entities", "answer"}
    assert name["category"] == "name_mismatch" and name["intent"] == "rejection_name_mismatch"
    assert set(two["categories"]) == {"name_mismatch", "pin_invalid"}
    assert weather["category"] is None and invoice["category"] is None
    values = {(e["entity"], e["value"]) for e in tmobile["entities"]}
    assert {("carrier", "T-Mobile"), ("phone_number", "+14045550108")} <= values


def test_classify_without_a_model_says_to_train(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify", "--model", str(tmp_path / "none.tar.gz"), "--text", "hello"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: no trained model at {tmp_path / 'none.tar.gz'}: run `make train` first"

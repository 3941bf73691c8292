"""Every paragraph of the two seed help-center articles, described by a customer, reaches the
right category and its explanation over the REST channel; and `python -m bot classify` on the
trained model gives the contract's JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from bot.core.catalog import load_catalog
from bot.settings import PROJECT_ROOT

CATALOG = load_catalog()

# (seed article, its paragraph, a customer's own description of it, the category)
SEED_PARAGRAPHS = [
    (
        "000",
        "Unsatisfactory Business Relationship",
        "my old carrier says I owe them money so they won't release my number",
        "unpaid_balance",
    ),
    ("000", "All Data Mismatch", "the rejection said all data mismatch, nothing we sent matches", "all_info_mismatch"),
    ("000", "Name Mismatch", "they rejected it because the name on the account doesn't match", "name_mismatch"),
    ("000", "Address Mismatch", "rejected: address mismatch with the customer service record", "address_mismatch"),
    ("000", "Company name Mismatch", "BUSINESS_NAME_MISMATCH on our port request", "name_mismatch"),
    ("000", "Inactive Number", "the carrier says the numbers are not in service anymore", "inactive_number"),
    (
        "000",
        "Unauthorized Signature",
        "they say the person who signed the LOA isn't authorized on the account",
        "authorized_signer",
    ),
    ("000", "Wrong Wireless Account PIN", "my wireless PIN was wrong according to Verizon", "pin_invalid"),
    (
        "000",
        "Incorrect/Missing Account Number",
        "the port failed because the account number is missing",
        "account_number",
    ),
    ("000", "Invalid Billing Telephone Number", "rejected for an invalid BTN", "btn_invalid"),
    ("000", "Unportable Numbers", "they say my number can't be moved from that region", "not_portable"),
    ("000", "Resold Account", "the losing carrier says it's a resold account", "resold_account"),
    (
        "001",
        "numbers from multiple accounts",
        "our order has numbers from two different accounts and it got rejected",
        "multiple_accounts",
    ),
    (
        "001",
        "information does not match / resold number",
        "the service address on the order doesn't match what the carrier has on file",
        "address_mismatch",
    ),
    (
        "001",
        "additional services on the account",
        "they need to know what happens to the DSL and other lines left on the account",
        "remaining_services",
    ),
    (
        "001",
        "all end-user information incorrect",
        "they said all the end user information is incorrect: company name, authorized name and address",
        "all_info_mismatch",
    ),
    ("001", "freeze", "there's a port freeze on my account", "port_freeze"),
    ("001", "hunt group", "our main number is in a hunt group and the port was rejected", "hunt_group"),
    (
        "001",
        "inactive account / does not ring through",
        "port rejected because the number doesn't ring through",
        "inactive_number",
    ),
    ("001", "incorrect authorized name", "rejected for invalid authorized name", "authorized_signer"),
    ("001", "PIN required", "MagicJack rejected it, they need a PIN", "pin_invalid"),
    (
        "001",
        "pending orders",
        "there's another pending order on the account so they rejected the port",
        "pending_order",
    ),
    ("001", "under contract", "my line is still under contract with the old carrier", "under_contract"),
    (
        "001",
        "Google Voice unlock",
        "I haven't unlocked my Google Voice number yet and the port got rejected",
        "google_voice_unlock",
    ),
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


@pytest.mark.parametrize("message", ["what's the weather like today", "my invoice is wrong"])
def test_out_of_scope_is_redirected_politely(customer, message):
    answer = customer.texts(message)
    assert "only help with number porting" in answer
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
    assert set(name) == {"text", "intent", "category", "categories", "confidence", "entities"}
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

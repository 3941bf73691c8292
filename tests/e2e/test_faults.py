"""Faults in the middle of a conversation, on a stack of their own (processes are killed here):

- the action server killed (SIGKILL) in the identity check, in the fix form and at the
  confirmation: one clear "try again" reply each time, and once it is restarted, sending the
  same message again carries on with nothing lost, up to the resubmitted order;
- the order database unreachable in the fix form and at the confirmation: a clear reply, an
  error in var/logs/actions.log, never "resubmitted", and the order unchanged until it is back.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bot.core.orders.store import OrderStore
from bot.core.replies import ACTION_SERVER_TROUBLE, CONFIRM_AGAIN, ORDERS_UNAVAILABLE
from bot.core.secrets import SecretBox
from bot.ops.stack import Stack
from tests.conftest import RestClient, sign_if_asked, stack_settings
from tests.outage import UnreachableSqlite

PIN = "739154"


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DATABASE_URL", raising=False)  # the SQLite orders file in this stack's var/
        with Stack(stack_settings(tmp_path_factory.mktemp("faults"))).start() as running:
            yield running


@pytest.fixture
def customer(stack, request) -> RestClient:
    return RestClient(stack, sender=f"fault-{request.node.name.replace('_', '-')}-{os.getpid()}")


def say(customer: RestClient, message: str) -> list[str]:
    """The texts of the bot's answer; the REST channel must answer 200, never 500."""
    response = requests.post(
        f"{customer.stack.settings.rasa_url}/webhooks/rest/webhook",
        json={"sender": customer.sender, "message": message},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return [reply.get("text", "") for reply in response.json()]


def expect(customer: RestClient, message: str, expected: str) -> None:
    answer = "\n".join(say(customer, message))
    assert expected.lower() in answer.lower(), f"after {message!r} expected {expected!r} in:\n{answer}"


def store(stack: Stack) -> OrderStore:
    return OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))


def kill_action_server(stack: Stack) -> None:
    process = stack.processes["actions"]
    process.kill()  # SIGKILL: no goodbye, as in a crash or an OOM kill
    process.wait(timeout=30)


def slots(customer: RestClient, *names: str) -> dict:
    tracker = customer.tracker()
    return {name: tracker["slots"][name] for name in names}


def test_the_action_server_killed_mid_conversation(stack, customer):
    expect(customer, "T-Mobile says my PIN is wrong", "Shall we fix your port order now?")
    expect(customer, "fix my order", "PO-12345")
    expect(customer, "PO-10007", "ZIP code")

    # in the identity check: the ZIP code answer can't be checked
    kill_action_server(stack)
    assert say(customer, "30309") == [ACTION_SERVER_TROUBLE.text]
    assert say(customer, "30309") == [ACTION_SERVER_TROUBLE.text]  # still down: the same, once
    stack.restart("actions")
    assert slots(customer, "order_id", "requested_slot") == {"order_id": "PO-10007", "requested_slot": "order_verifier"}
    expect(customer, "30309", "found PO-10007")

    # in the fix form, after a first wrong answer (its failure count must survive too)
    expect(customer, "12", "4 to 10 letters or digits")
    kept = slots(customer, "verified_order_id", "rejection_category", "slot_failures", "requested_slot")
    kill_action_server(stack)
    assert say(customer, PIN) == [ACTION_SERVER_TROUBLE.text]
    stack.restart("actions")
    assert (
        slots(customer, *kept)
        == kept
        == {
            "verified_order_id": "PO-10007",
            "rejection_category": "pin_invalid",
            "slot_failures": {"pin": 1},
            "requested_slot": "pin",
        }
    )
    expect(customer, PIN, "Shall I go ahead?")

    # at the confirmation: nothing is resubmitted while the action server is away
    kill_action_server(stack)
    assert say(customer, "yes") == [ACTION_SERVER_TROUBLE.text]
    assert store(stack).get("PO-10007").status.value == "rejected"
    stack.restart("actions")
    expect(customer, "yes", "PO-10007 is corrected and resubmitted")
    orders = store(stack)
    assert orders.get("PO-10007").status.value == "resubmitted" and orders.reveal_pin("PO-10007") == PIN

    log = (stack.settings.log_dir / "rasa.log").read_text()
    for action in ("verify_form", "fix_form", "confirm_form"):
        assert f"Running '{action}' for conversation {customer.sender} failed" in log


def test_the_order_database_unreachable_mid_conversation(stack, customer):
    assert stack.settings.database_url.startswith("sqlite:///")
    orders_file = UnreachableSqlite(Path(stack.settings.database_url.removeprefix("sqlite:///")))
    expect(customer, "the rejection says invalid billing telephone number", "Shall we fix your port order now?")
    expect(customer, "fix my order", "PO-12345")
    expect(customer, "PO-10009", "ZIP code")
    expect(customer, "11103", "found PO-10009")
    before = store(stack).get("PO-10009")

    # in the fix form: the answer can't be checked against the order; the same question comes back
    orders_file.break_it()
    try:
        answer = say(customer, "(718) 555-0110")
    finally:
        orders_file.restore()
    assert answer[0] == ORDERS_UNAVAILABLE.text and "billing telephone number" in answer[-1].lower()
    expect(customer, "(718) 555-0110", "Shall I go ahead?")

    # at the confirmation: no success is claimed, and nothing is written
    orders_file.break_it()
    try:
        answer = say(customer, "yes")
    finally:
        orders_file.restore()
    assert answer == [ORDERS_UNAVAILABLE.text, CONFIRM_AGAIN.text]  # the change is kept for a later yes
    assert store(stack).get("PO-10009") == before
    # the BTN is on the letter of authorization: resubmitted once the account holder signs it
    answer = "\n".join(say(customer, "yes"))
    assert "I've corrected PO-10009" in answer and sign_if_asked(answer, None), answer
    after = store(stack).get("PO-10009")
    assert after.status.value == "resubmitted" and after.btn == "+17185550110"

    log = (stack.settings.log_dir / "actions.log").read_text()
    for action in ("validate_fix_form", "validate_confirm_form"):
        assert f"{action} could not reach the order store: unable to open database file" in log

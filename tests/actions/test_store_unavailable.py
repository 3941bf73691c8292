"""Every action that uses the order store, run while the database can't be opened: one clear
answer, an error in the log, the customer's message forgotten, nothing claimed and nothing written."""

from __future__ import annotations

import logging

import pytest
from rasa_sdk import Tracker

from actions.conversation import _store_for, order_store, secret_box
from actions.forms.confirm import ActionAskFixConfirmed
from actions.forms.fix import ValidateFixForm
from actions.forms.verify import ValidateVerifyForm
from actions.handoff import ActionHandoff
from actions.orders import (
    ActionAfterVerification,
    ActionApplyFix,
    ActionOrderStatus,
    ActionShowOrder,
    ActionStartFix,
)
from bot.core.replies import CONFIRM_AGAIN, ORDERS_UNAVAILABLE
from tests.actions.conftest import make_tracker, run_action, validate
from tests.outage import UnreachableSqlite

FIXING_PIN = {"verified_order_id": "PO-10007", "rejection_category": "pin_invalid"}
PIN = "583920"
LISTEN = {"event": "followup", "timestamp": None, "name": "action_listen"}
FORGET_AND_LISTEN = [{"event": "rewind", "timestamp": None}, LISTEN]


@pytest.fixture(autouse=True)
def database(demo_store, tmp_path):
    database = UnreachableSqlite(tmp_path / "orders.db")
    yield database
    if database.broken:
        database.restore()


def answering(text: str, intent: str, slots: dict, *after: dict) -> Tracker:
    """A tracker as the action server gets it: the customer's message, then `after` (events of
    actions that already ran for it)."""
    tracker = make_tracker(text, intent, slots=slots)
    tracker.events.extend(
        [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
            *after,
        ]
    )
    return tracker


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text") or "" for m in messages]


ACTIONS = [
    (ActionStartFix, "fix my order", "start_fix", FIXING_PIN),
    (ActionOrderStatus, "status?", "ask_status", {"verified_order_id": "PO-10003"}),
    (ActionShowOrder, "PO-10003", "provide_order_id", {"order_id": "PO-10003", "verified_order_id": "PO-10003"}),
    (ActionAfterVerification, "30309", "inform", {**FIXING_PIN, "after_verification": "fix"}),
    (ActionApplyFix, "yes", "affirm", {**FIXING_PIN, "pin": "7391"}),
    (ActionHandoff, "a person please", "request_human", FIXING_PIN),
]


@pytest.mark.parametrize("action_class, text, intent, slots", ACTIONS, ids=[a[0].__name__ for a in ACTIONS])
def test_an_order_action_answers_clearly_when_the_database_is_down(database, caplog, action_class, text, intent, slots):
    database.break_it()
    action = action_class()
    with caplog.at_level(logging.ERROR):
        events, messages = run_action(action, answering(text, intent, slots))
    assert texts(messages) == [ORDERS_UNAVAILABLE.text]
    assert events == FORGET_AND_LISTEN  # as before the message, and the bot listens
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.name == "actions.conversation" and action.name() in record.getMessage()
    assert "unable to open database file" in record.getMessage()


def test_after_another_action_of_the_same_turn_the_message_is_kept(database):
    # e.g. the identity check finished in this turn: Rasa folded it, so a revert would reach too far
    database.break_it()
    tracker = answering(
        "30309", "inform", {**FIXING_PIN, "after_verification": "fix"}, {"event": "action", "name": "verify_form"}
    )
    events, messages = run_action(ActionAfterVerification(), tracker)
    assert texts(messages) == [ORDERS_UNAVAILABLE.text] and events == [LISTEN]


def test_a_store_first_opened_while_the_database_is_down_answers_the_same(database):
    database.break_it()
    _store_for.cache_clear()  # as after an action server restart: the store is created now, and fails
    _, messages = run_action(ActionOrderStatus(), answering("status?", "ask_status", {"verified_order_id": "PO-10003"}))
    assert texts(messages) == [ORDERS_UNAVAILABLE.text]


def test_a_resubmission_is_never_claimed_and_goes_through_once_the_database_is_back(database, caplog):
    pin = secret_box().encrypt(PIN)
    tracker = answering("yes", "affirm", {**FIXING_PIN, "pin": pin})
    before = order_store().get("PO-10007")
    database.break_it()
    with caplog.at_level(logging.ERROR):
        _, messages = run_action(ActionApplyFix(), tracker)
    assert texts(messages) == [ORDERS_UNAVAILABLE.text]  # never "resubmitted"
    assert PIN not in caplog.text and pin not in caplog.text  # the log names the action, not the answers
    database.restore()
    assert order_store().get("PO-10007") == before and order_store().reveal_pin("PO-10007") != PIN
    _, messages = run_action(ActionApplyFix(), answering("yes", "affirm", {**FIXING_PIN, "pin": pin}))
    assert "resubmitted" in texts(messages)[0]
    assert order_store().get("PO-10007").status.value == "resubmitted" and order_store().reveal_pin("PO-10007") == PIN


def test_the_fix_form_drops_the_unchecked_answer_and_asks_the_same_question_again(database):
    database.break_it()
    events, messages = validate(
        ValidateFixForm(),
        answers={"pin": PIN},
        slots={**FIXING_PIN, "requested_slot": "pin", "slot_failures": {"pin": 1}},
    )
    assert messages == [ORDERS_UNAVAILABLE.text]
    # no revert here: Rasa adds these to the form's step, and the form's other answers stay as they are
    assert events == [
        {"event": "slot", "timestamp": None, "name": "pin", "value": None},
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "pin"},
        LISTEN,
    ]


def test_the_identity_check_neither_verifies_nor_counts_a_failure_while_the_database_is_down(database):
    database.break_it()
    events, messages = validate(
        ValidateVerifyForm(),
        answers={"order_verifier": "30309"},
        slots={"order_id": "PO-10007", "requested_slot": "order_verifier"},
    )
    assert messages == [ORDERS_UNAVAILABLE.text]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "order_verifier", "value": None},
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "order_verifier"},
        LISTEN,
    ]  # neither verified nor counted as a failure
    database.restore()
    events, messages = validate(
        ValidateVerifyForm(),
        answers={"order_verifier": "30309"},
        slots={"order_id": "PO-10007", "requested_slot": "order_verifier"},
    )
    assert {"event": "slot", "timestamp": None, "name": "verified_order_id", "value": "PO-10007"} in events


def test_other_errors_are_not_mistaken_for_an_unreachable_database(database):
    # an unknown order is the customer's mistake, answered by the action itself as before
    events, messages = run_action(
        ActionOrderStatus(), make_tracker("status?", "ask_status", slots={"verified_order_id": "PO-19999"})
    )
    assert ORDERS_UNAVAILABLE.text not in texts(messages)
    assert {"event": "slot", "timestamp": None, "name": "fix_next", "value": "verify"} in events


def test_the_summary_question_is_asked_without_the_summary_when_the_store_is_down(database):
    database.break_it()
    _, messages = run_action(ActionAskFixConfirmed(), answering("7391", "inform", {**FIXING_PIN, "pin": "7391"}))
    assert texts(messages) == [CONFIRM_AGAIN.text]

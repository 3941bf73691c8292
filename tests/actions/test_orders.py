"""The order actions and form validations, run as the action server runs them, on a real SQLite store."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop

from actions.forms.confirm import ActionAskFixConfirmed, ValidateConfirmForm
from actions.forms.fix import ValidateFixForm
from actions.forms.verify import ValidateVerifyForm
from actions.handoff import ActionHandoff
from actions.orders import (
    ActionAfterVerification,
    ActionApplyFix,
    ActionCancelFix,
    ActionExplainWhy,
    ActionFieldHelp,
    ActionOrderStatus,
    ActionShowOrder,
    ActionStartFix,
)
from bot.core.replies import QUESTION_WITHOUT_ANSWER
from bot.core.secrets import is_ciphertext
from tests.actions.conftest import make_tracker, run_action, validate

pytestmark = pytest.mark.usefixtures("demo_store")


def slots(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_the_right_zip_verifies_the_order():
    events, _ = validate(ValidateVerifyForm(), answers={"order_verifier": "30309"}, slots={"order_id": "PO-10007"})
    assert slots(events)["verified_order_id"] == "PO-10007"


def test_an_unknown_order_and_a_wrong_zip_get_the_same_answer():
    _, unknown = validate(ValidateVerifyForm(), answers={"order_verifier": "30309"}, slots={"order_id": "PO-19999"})
    _, wrong = validate(ValidateVerifyForm(), answers={"order_verifier": "11111"}, slots={"order_id": "PO-10007"})
    assert unknown == wrong and "couldn't match" in wrong[0]


def test_five_wrong_answers_lock_the_order_for_every_conversation():
    """The lock is the order's, kept in the store: a guesser who starts a new conversation for
    each try (a new sender id) is locked all the same, and the right ZIP then shows nothing."""
    for attempt in range(5):
        events, texts = validate(
            ValidateVerifyForm(),
            answers={"order_verifier": f"1111{attempt}"},
            slots={"order_id": "PO-10007"},
            sender=f"guesser-{attempt}",
        )
    assert "can't check that order right now" in texts[0] and slots(events)["requested_slot"] is None
    events, texts = validate(
        ValidateVerifyForm(), answers={"order_verifier": "30309"}, slots={"order_id": "PO-10007"}, sender="owner"
    )
    assert "ask for a person" in texts[0] and "verified_order_id" not in slots(events)
    # the same answer for an order id that does not exist, once it has had as many wrong answers
    wrong_answers("PO-19999", 5)
    _, unknown = validate(
        ValidateVerifyForm(), answers={"order_verifier": "11111"}, slots={"order_id": "PO-19999"}, sender="other-last"
    )
    assert unknown == texts


def wrong_answers(order_id: str, count: int) -> None:
    """`count` wrong ZIPs for the order, each from a conversation (and so a client) of its own."""
    for attempt in range(count):
        validate(
            ValidateVerifyForm(),
            answers={"order_verifier": "11111"},
            slots={"order_id": order_id},
            sender=f"guesser-{order_id}-{attempt}",
        )


def test_the_lock_goes_to_the_audit_trail(demo_store):
    wrong_answers("PO-10007", 5)
    notes = [event.note for event in demo_store.audit("PO-10007") if event.actor == "identity check"]
    assert len(notes) == 1 and "after 5 wrong answers" in notes[0]


def test_one_client_is_slowed_across_orders():
    """Ten wrong answers from one client, each about another order, lock that client out of
    every order, also the one it then answers right; another client is not affected."""
    for number in range(10):
        validate(
            ValidateVerifyForm(),
            answers={"order_verifier": "11111"},
            slots={"order_id": f"PO-{10001 + number}"},
            sender="sweeper",
        )
    _, texts = validate(
        ValidateVerifyForm(), answers={"order_verifier": "30309"}, slots={"order_id": "PO-10007"}, sender="sweeper"
    )
    assert "can't check that order right now" in texts[0]
    events, _ = validate(
        ValidateVerifyForm(), answers={"order_verifier": "30309"}, slots={"order_id": "PO-10007"}, sender="owner"
    )
    assert slots(events)["verified_order_id"] == "PO-10007"


def test_a_badly_formed_order_id_is_explained():
    events, texts = validate(ValidateVerifyForm(), answers={"order_id": "order 12"}, slots={})
    assert slots(events)["order_id"] is None and "PO-12345" in texts[0]


FIXING_PIN = {"verified_order_id": "PO-10007", "rejection_category": "pin_invalid", "requested_slot": "pin"}


def test_a_pin_answer_is_checked_and_kept_encrypted():
    events, texts = validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))
    assert is_ciphertext(slots(events)["pin"]) and texts == []
    assert slots(events)["requested_slot"] is None  # the PIN was the only field: form done


def test_two_bad_answers_explain_the_field_and_offer_a_person():
    events, texts = validate(ValidateFixForm(), answers={"pin": "1"}, slots=dict(FIXING_PIN))
    assert slots(events)["slot_failures"] == {"pin": 1} and len(texts) == 1
    dispatcher_events, texts = validate(
        ValidateFixForm(), answers={"pin": "2"}, slots={**FIXING_PIN, "slot_failures": {"pin": 1}}
    )
    assert slots(dispatcher_events)["slot_failures"] == {"pin": 2}
    assert "T-Mobile" in texts[1] and "person" in texts[1]


def test_confirmation_corrects_and_resubmits_with_an_audit_trail(demo_store):
    box_pin = validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0]
    tracker = make_tracker("yes", "affirm", slots={**FIXING_PIN, "pin": slots(box_pin)["pin"]})
    _, messages = run_action(ActionApplyFix(), tracker)
    assert "resubmitted" in messages[0]["text"]
    order = demo_store.get("PO-10007")
    assert order.status.value == "resubmitted" and demo_store.reveal_pin("PO-10007") == "583920"
    assert [e.field for e in demo_store.audit("PO-10007") if e.actor == "chat:tester"][0] == "pin"


# "yes" at the summary of a multi-account fix that keeps only +19195550114 on PO-10012
SPLIT_CONFIRMED = {
    "verified_order_id": "PO-10012",
    "rejection_category": "multiple_accounts",
    "numbers": ["+19195550114"],
}


def test_a_split_moves_the_other_numbers_to_a_new_draft_order(demo_store):
    _, messages = run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=dict(SPLIT_CONFIRMED)))
    assert demo_store.get("PO-10012").numbers == ("+19195550114",)
    drafts = demo_store.list(status="draft")
    assert [d.numbers for d in drafts] == [("+19195550115",)] and drafts[0].order_id in messages[0]["text"]


def test_the_split_off_order_is_completed_and_submitted_in_the_same_chat(demo_store):
    events, _ = run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=dict(SPLIT_CONFIRMED)))
    [draft] = demo_store.list(status="draft")
    offered = slots(events)
    assert offered["verified_order_id"] == draft.order_id
    assert any(e["event"] == "followup" and e["name"] == "action_show_order" for e in events)
    events, messages = run_action(ActionShowOrder(), make_tracker("yes", "affirm", slots=offered))
    assert "Shall we fill them in now?" in messages[-1]["text"]
    offered.update(slots(events))

    events, messages = run_action(ActionStartFix(), make_tracker("yes", "affirm", slots=offered))
    # AT&T wants a PIN for every port: asked with the details of the other account
    assert slots(events)["fix_next"] == "fix_form" and "5 details" in messages[-1]["text"]

    answers = {
        "account_number": "287331190004",
        "account_name": "Northside Tutoring",
        "service_address": "88 Glenwood Ave",
        "service_zip": "27603",
        "pin": "4471",
    }
    kept = {**offered}
    for field, answer in answers.items():
        kept.update(
            slots(validate(ValidateFixForm(), answers={field: answer}, slots={**kept, "requested_slot": field})[0])
        )
    _, messages = run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=kept))
    submitted = demo_store.get(draft.order_id)
    assert submitted.status.value == "submitted" and "complete and submitted to AT&T" in messages[0]["text"]
    assert (submitted.account_number, submitted.service_address) == ("287331190004", "88 Glenwood Ave")
    assert demo_store.reveal_pin(draft.order_id) == "4471"


def test_start_fix_asks_for_the_order_when_nothing_proves_identity():
    events, _ = run_action(ActionStartFix(), make_tracker("fix it", "start_fix"))
    assert slots(events)["fix_next"] == "verify" and slots(events)["after_verification"] == "fix"


def test_cancel_leaves_the_form_and_changes_nothing(demo_store):
    before = demo_store.get("PO-10002")
    events, messages = run_action(ActionCancelFix(), make_tracker("stop", "stop", slots={"account_name": "X"}))
    assert ActiveLoop(None) in events and slots(events)["account_name"] is None
    assert "Nothing on your order was changed" in messages[0]["text"] and demo_store.get("PO-10002") == before


def test_handoff_stores_a_ticket_with_secrets_masked(demo_store):
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    tracker = make_tracker("get me a person", "request_human", slots={**FIXING_PIN, "pin": pin})
    _, messages = run_action(ActionHandoff(), tracker)
    [ticket] = demo_store.tickets("PO-10007")
    assert ticket.ticket_id in messages[0]["text"] and ticket.category == "pin_invalid"
    assert "583920" not in ticket.summary and "pin: ••••" in ticket.summary


def test_status_of_a_verified_order_comes_from_the_store():
    events, messages = run_action(
        ActionOrderStatus(), make_tracker("status?", "ask_status", slots={"verified_order_id": "PO-10003"})
    )
    assert "PO-10003" in messages[0]["text"] and "rejected by Comcast Business" in messages[0]["text"]
    assert slots(events)["fix_next"] == "none"


def test_after_verification_shows_the_order_and_its_rejection():
    events, messages = run_action(
        ActionAfterVerification(),
        make_tracker("30309", "inform", slots={"verified_order_id": "PO-10007", "after_verification": "explain"}),
    )
    texts = " ".join(m["text"] for m in messages)
    assert "found PO-10007" in texts and "PASSCODE_PIN_INVALID" in texts and "First step" in texts
    assert slots(events)["rejection_category"] == "pin_invalid"


def test_a_different_order_id_than_the_verified_one_needs_its_own_check():
    events, _ = run_action(
        ActionShowOrder(),
        make_tracker("PO-10003", "provide_order_id", slots={"verified_order_id": "PO-10007", "order_id": "PO-10003"}),
    )
    assert slots(events)["verified_order_id"] is None and slots(events)["fix_next"] == "verify"


def test_the_summary_masks_the_pin_and_asks_to_confirm():
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    _, messages = run_action(ActionAskFixConfirmed(), make_tracker(slots={**FIXING_PIN, "pin": pin}))
    assert "583920" not in messages[0]["text"] and "pin: ••••" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_why_and_dont_know_explain_the_field_being_asked():
    why = run_action(ActionExplainWhy(), make_tracker(slots={"requested_slot": "pin"}))[1]
    help_ = run_action(
        ActionFieldHelp(), make_tracker(slots={"requested_slot": "pin", "losing_carrier": "Verizon Wireless"})
    )[1]
    assert why[0]["text"].startswith("Why we ask") and "encrypted" in why[0]["text"]
    assert "Verizon" in help_[0]["text"] and help_[0]["buttons"][0]["payload"] == "/request_human"


@pytest.mark.parametrize("answer", ["the zip is 30309", "I already told you. 30309!!", "it's JORDAN@example.com"])
def test_a_zip_or_email_in_a_sentence_verifies_the_order(answer):
    events, _ = validate(ValidateVerifyForm(), answers={"order_verifier": answer}, slots={"order_id": "PO-10007"})
    assert slots(events)["verified_order_id"] == "PO-10007"


def test_a_message_without_a_zip_or_email_is_asked_again_and_not_counted():
    events, texts = validate(
        ValidateVerifyForm(), answers={"order_verifier": "I told you already"}, slots={"order_id": "PO-10007"}
    )
    assert "ZIP code of the service address" in texts[0] and "tries left" not in texts[0]


def test_a_wrong_zip_keeps_the_order_number_so_only_the_zip_is_asked_again():
    events, texts = validate(ValidateVerifyForm(), answers={"order_verifier": "30308"}, slots={"order_id": "PO-10007"})
    assert "order_id" not in slots(events) and "(4 tries left)" in texts[0]


def confirming(text: str, pin: str) -> tuple[list, list]:
    return validate(
        ValidateConfirmForm(),
        text=text,
        answers={"fix_confirmed": text},
        slots={**FIXING_PIN, "requested_slot": "fix_confirmed", "pin": pin},
    )


@pytest.mark.parametrize("text, decided", [("ya go", "yes"), ("ok fine, go ahead i guess", "yes"), ("nope", "no")])
def test_the_summary_reads_a_casual_yes_or_no(text, decided):
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    assert slots(confirming(text, pin)[0])["fix_confirmed"] == decided


def test_a_change_at_the_summary_changes_that_field_and_asks_again():
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    events, texts = confirming("wait, the pin should be 583921", pin)
    changed = slots(events)
    assert changed["fix_confirmed"] is None and is_ciphertext(changed["pin"]) and changed["pin"] != pin
    assert texts == ["Changed: PIN."]


def test_anything_else_at_the_summary_keeps_the_change_and_asks_again():
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    events, texts = confirming("hmm let me think", pin)
    assert slots(events) == {"fix_confirmed": None} and "I haven't sent anything yet" in texts[0]
    # a question the FAQ has no sure answer to is not a guess, nor the reminder of what to say
    events, texts = confirming("will my phone keep working meanwhile?", pin)
    assert slots(events) == {"fix_confirmed": None} and texts == [QUESTION_WITHOUT_ANSWER.text]


def test_a_second_request_for_a_person_reaches_the_same_ticket(demo_store):
    tracker = make_tracker("get me a person", "request_human", slots={"verified_order_id": "PO-10007"})
    _, first = run_action(ActionHandoff(), tracker)
    _, second = run_action(
        ActionHandoff(), make_tracker("i need someone today", "request_human", slots={"verified_order_id": "PO-10007"})
    )
    [ticket] = demo_store.tickets("PO-10007")
    assert ticket.ticket_id in first[0]["text"] and "already with our porting team" in second[0]["text"]


def faq_parse(confidence: float) -> dict:
    answer = {
        "responses": [{"text": "Your number keeps working until the port completes."}],
        "confidence": confidence,
    }
    return {"faq": {"response": answer}}


def test_a_question_asked_at_the_summary_is_answered_and_nothing_is_sent(demo_store):
    pin = slots(validate(ValidateFixForm(), answers={"pin": "583920"}, slots=dict(FIXING_PIN))[0])["pin"]
    text = "looks right, and will my phone keep working meanwhile?"
    events, texts = validate(
        ValidateConfirmForm(),
        answers={"fix_confirmed": text},
        text=text,
        intent="affirm",
        slots={**FIXING_PIN, "pin": pin, "requested_slot": "fix_confirmed"},
        response_selector=faq_parse(0.99),
    )
    assert slots(events)["fix_confirmed"] is None and texts == ["Your number keeps working until the port completes."]
    assert demo_store.get("PO-10007").status.value == "rejected"

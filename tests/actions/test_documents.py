"""The chat's side of the documents: a fix that changes the letter waits for its signature and
links to it, the status says where the signature stands, and a fix that wants a bill says where
to send one."""

from __future__ import annotations

import io

from pypdf import PdfReader

from actions.conversation import document_desk
from actions.orders import ActionApplyFix, ActionOrderStatus, ActionStartFix
from bot.core.documents import links
from tests.actions.conftest import make_tracker, run_action
from tests.conftest import sign_links


def answer_about_signing(confidence: float) -> dict:
    """What the response selector makes of a question about signing the letter."""
    answer = {"text": "The letter of authorization (LOA) is the signed form ..."}
    return {
        "faq": {"response": {"intent_response_key": "faq/loa_signing", "confidence": confidence, "responses": [answer]}}
    }


NAME_FIX = {
    "verified_order_id": "PO-10002",
    "rejection_category": "name_mismatch",
    "account_name": "Bayview Dental Group LLC",
}


def test_a_name_fix_waits_for_the_new_letter_to_be_signed(demo_store):
    _, messages = run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=NAME_FIX))
    text = messages[0]["text"]
    assert "has to sign the new letter of authorization" in text and "as soon as it is signed" in text
    [link] = sign_links(text)
    assert link.startswith("http://chat.example/loa/")
    order = demo_store.get("PO-10002")
    assert order.status.value == "awaiting_loa" and order.account_name == "Bayview Dental Group LLC"
    [letter] = demo_store.documents("PO-10002")
    pdf = document_desk().storage.get(letter.storage_key)
    assert "Bayview Dental Group LLC" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_status_gives_the_link_again_then_names_the_signer(demo_store):
    run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=NAME_FIX))
    asked = make_tracker("did it go through?", "ask_status", slots={"verified_order_id": "PO-10002"})
    _, messages = run_action(ActionOrderStatus(), asked)
    assert "waits for the new letter of authorization" in messages[0]["text"]
    [link] = sign_links(messages[0]["text"])

    desk = document_desk()
    request = desk.signature_request(desk.read_link(link.rsplit("/", 1)[1], links.SIGN))
    desk.sign(request, "Nadia Brooks", True, "203.0.113.4", "test")
    _, messages = run_action(ActionOrderStatus(), asked)
    assert (
        "resubmitted to AT&T" in messages[0]["text"]
        and "with the letter of authorization Nadia Brooks signed" in messages[0]["text"]
    )


def test_a_pin_alone_is_resubmitted_without_a_new_letter(demo_store):
    # the PIN is not printed on the letter: nothing to sign again
    slots = {"verified_order_id": "PO-10007", "rejection_category": "pin_invalid", "pin": "583920"}
    _, messages = run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=slots))
    assert "resubmitted" in messages[0]["text"] and not sign_links(messages[0]["text"])
    assert demo_store.get("PO-10007").status.value == "resubmitted" and demo_store.documents("PO-10007") == []


def test_an_inactive_number_fix_asks_for_a_recent_bill(demo_store):
    _, messages = run_action(
        ActionStartFix(), make_tracker("fix it", "start_fix", slots={"verified_order_id": "PO-10005"})
    )
    wanted = messages[-1]["text"]
    assert "last 30 days" in wanted and "paper clip" in wanted and "http://chat.example/upload/" in wanted


def test_in_slack_the_bill_is_shared_in_the_conversation(demo_store):
    tracker = make_tracker("fix it", "start_fix", slots={"verified_order_id": "PO-10005"})
    tracker.events.append({"event": "user", "text": "fix it", "input_channel": "slack"})
    _, messages = run_action(ActionStartFix(), tracker)
    assert "share the file here in Slack" in messages[-1]["text"]


def test_the_uploaded_bill_is_in_the_summary_and_goes_with_the_resubmission(demo_store):
    from datetime import date, timedelta

    from actions.forms.confirm import ActionAskFixConfirmed
    from tests.documents import bill

    today = date.today()
    document_desk().take_upload("PO-10005", bill(today - timedelta(days=100)), "customer upload", today)
    newest, _ = document_desk().take_upload("PO-10005", bill(today - timedelta(days=5)), "customer upload", today)
    slots = {
        "verified_order_id": "PO-10005",
        "rejection_category": "inactive_number",
        "checklist_note": "frontier turned the line back on",
    }
    _, messages = run_action(ActionAskFixConfirmed(), make_tracker("", slots=slots))
    day = today - timedelta(days=5)
    assert f"with it goes the bill you uploaded, dated {day:%b} {day.day}, {day.year}" in messages[0]["text"]
    assert "older than 30 days" not in messages[0]["text"]
    run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=slots))
    last = demo_store.audit("PO-10005")[-1]
    assert last.new_value == "resubmitted"
    assert last.note == f"frontier turned the line back on; with the bill {newest.document_id}"


def test_asking_how_to_sign_gives_the_link_while_the_order_waits(demo_store):
    from actions.questions import ActionAfterAnswer

    selector = {"faq": {"response": {"intent_response_key": "faq/loa_signing", "responses": [{"text": "x"}]}}}
    asked = make_tracker(
        "i closed the page, where do i sign?",
        "faq",
        slots={"verified_order_id": "PO-10002"},
        response_selector=selector,
    )
    assert run_action(ActionAfterAnswer(), asked)[1] == []  # nothing waits for a signature yet
    run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=NAME_FIX))
    _, messages = run_action(ActionAfterAnswer(), asked)
    assert "waits for the new letter of authorization" in messages[0]["text"] and sign_links(messages[0]["text"])
    other = {"faq": {"response": {"intent_response_key": "faq/fees", "responses": [{"text": "x"}]}}}
    fees = make_tracker("fees?", "faq", slots={"verified_order_id": "PO-10002"}, response_selector=other)
    assert run_action(ActionAfterAnswer(), fees)[1] == []


def signing_question_after_a_name_fix(action, text: str, score: float, **tracker_options) -> list[dict]:
    """What `action` says to a question about signing while PO-10002 waits for its letter."""
    run_action(ActionApplyFix(), make_tracker("yes", "affirm", slots=NAME_FIX))
    tracker = make_tracker(
        text,
        "nlu_fallback",
        slots={"verified_order_id": "PO-10002"},
        response_selector=answer_about_signing(score),
        **tracker_options,
    )
    return run_action(action, tracker)[1]


def test_an_unplaced_message_about_signing_gets_the_answer_and_the_link(demo_store):
    from actions.explain import ActionRecover

    messages = signing_question_after_a_name_fix(
        ActionRecover(), "ugh the page is gone, can you send the signing page again?", 0.8
    )
    assert messages[0]["text"].startswith("The letter of authorization") and sign_links(messages[1]["text"])


def test_a_low_confidence_question_about_signing_gets_the_link_too(demo_store):
    from actions.explain import ActionClarifyRejection

    messages = signing_question_after_a_name_fix(
        ActionClarifyRejection(), "where would i sign that thing, can you send it again?", 0.7, confidence=0.45
    )
    assert messages[0]["text"].startswith("The letter of authorization") and sign_links(messages[-1]["text"])

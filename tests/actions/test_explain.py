from actions.explain import ActionClarifyRejection, ActionExplainRejection, ActionExplainTerm, ActionRecover
from bot.core.catalog import load_catalog
from tests.actions.conftest import run_action

CATALOG = load_catalog()


def slots(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_explains_the_category_and_remembers_it(tracker_for):
    tracker = tracker_for(
        "T-Mobile says my PIN is wrong", "rejection_pin_invalid", entities=[{"entity": "carrier", "value": "t-mobile"}]
    )
    events, messages = run_action(ActionExplainRejection(), tracker)
    assert slots(events) == {
        "rejection_category": "pin_invalid",
        "pending_categories": [],
        "losing_carrier": "T-Mobile",
    }
    text = "\n".join(m["text"] for m in messages)
    category = CATALOG.category("pin_invalid")
    assert category.meaning in text and f"First step: {category.steps[0]}" in text
    assert category.carrier_notes["T-Mobile"] in text
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/start_fix", "/request_human"]


def test_a_two_reason_notice_queues_the_second_and_offers_it(tracker_for):
    tracker = tracker_for("Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID", "rejection_name_mismatch")
    events, messages = run_action(ActionExplainRejection(), tracker)
    assert slots(events)["rejection_category"] == "name_mismatch"
    assert slots(events)["pending_categories"] == ["pin_invalid"]
    assert messages[-2]["buttons"] == [
        {"title": "Explain: " + CATALOG.category("pin_invalid").title, "payload": "/rejection_pin_invalid"}
    ]
    # the customer then picks the queued reason: it is explained and leaves the queue
    events, _ = run_action(
        ActionExplainRejection(),
        tracker_for(
            "/rejection_pin_invalid",
            "rejection_pin_invalid",
            slots={"pending_categories": ["pin_invalid"], "rejection_category": "name_mismatch"},
        ),
    )
    assert slots(events)["rejection_category"] == "pin_invalid"
    assert slots(events)["pending_categories"] == []


def test_clarify_explains_when_the_notice_is_clear_even_if_the_classifier_is_not(tracker_for):
    events, _ = run_action(ActionClarifyRejection(), tracker_for("statusReasonCode - 8A", "nlu_fallback", 0.3))
    assert slots(events)["rejection_category"] == "account_number"


def test_clarify_offers_the_likely_categories_as_buttons(tracker_for):
    tracker = tracker_for(
        "something about my numbers",
        "nlu_fallback",
        0.3,
        ranking=[
            ("nlu_fallback", 0.45),
            ("rejection_multiple_accounts", 0.3),
            ("greet", 0.2),
            ("rejection_number_not_on_account", 0.25),
            ("rejection_hunt_group", 0.01),
        ],
    )
    events, messages = run_action(ActionClarifyRejection(), tracker)
    assert events == []
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/rejection_multiple_accounts",
        "/rejection_number_not_on_account",
        "/port_rejected",
    ]


def test_a_term_question_is_answered_from_the_glossary(tracker_for):
    tracker = tracker_for("what is a BTN?", "ask_term", entities=[{"entity": "term", "value": "btn"}])
    _, messages = run_action(ActionExplainTerm(), tracker)
    assert CATALOG.term("btn").definition in messages[0]["text"]


def test_a_casual_yes_no_rule_expected_starts_the_fix_of_the_verified_order(demo_store, tracker_for):
    tracker = tracker_for("ya go", "nlu_fallback", slots={"verified_order_id": "PO-10001"})
    events, _ = run_action(ActionRecover(), tracker)
    assert {"event": "followup", "timestamp": None, "name": "action_start_fix"} in events


def test_a_turn_already_answered_just_ends(demo_store, tracker_for):
    tracker = tracker_for("can somebody call me", "nlu_fallback", slots={"verified_order_id": "PO-10001"})
    tracker.events.extend(
        [{"event": "user", "text": "can somebody call me"}, {"event": "action", "name": "action_handoff"}]
    )
    events, messages = run_action(ActionRecover(), tracker)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}] and messages == []


def test_a_message_nothing_fits_gets_the_default_answer_and_is_forgotten(demo_store, tracker_for):
    events, messages = run_action(ActionRecover(), tracker_for("purple monkey dishwasher", "nlu_fallback"))
    assert messages[0]["response"] == "utter_default" and events[0]["event"] == "rewind"


def test_an_unsure_message_most_likely_off_topic_gets_where_to_go_not_a_menu(tracker_for):
    tracker = tracker_for(
        "the office wifi died again",
        "nlu_fallback",
        0.45,
        ranking=[("nlu_fallback", 0.45), ("out_of_scope", 0.4), ("rejection_inactive_number", 0.2)],
    )
    events, messages = run_action(ActionClarifyRejection(), tracker)
    assert events == [] and messages == [{**messages[0], "response": "utter_out_of_scope"}]
    assert not messages[0].get("buttons")


def test_a_follow_up_naming_only_a_term_gets_its_definition(tracker_for):
    tracker = tracker_for(
        "and CSR?",
        "nlu_fallback",
        0.45,
        entities=[{"entity": "term", "value": "CSR", "start": 4, "end": 7}],
        ranking=[("nlu_fallback", 0.45), ("ask_term", 0.4), ("rejection_all_info_mismatch", 0.2)],
    )
    events, messages = run_action(ActionClarifyRejection(), tracker)
    assert events == [] and len(messages) == 1 and messages[0]["text"].startswith("Customer Service Record (CSR):")

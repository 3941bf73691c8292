from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.reason_first import ReasonFirst


def ranked(text: str, *ranking: tuple[str, float]) -> Message:
    rows = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={TEXT: text, INTENT: rows[0], INTENT_RANKING_KEY: rows})


def test_a_question_that_names_a_likely_reason_is_about_the_reason():
    message = ranked(
        "they say my number can't come over at all, anything I can do?", ("faq", 0.6), ("rejection_not_portable", 0.3)
    )
    (message,) = ReasonFirst().process([message])
    assert message.get(INTENT) == {"name": "rejection_not_portable", "confidence": 0.6}
    assert [row["name"] for row in message.get(INTENT_RANKING_KEY)] == ["rejection_not_portable", "faq"]


def test_a_reason_in_the_notice_wording_counts_however_unlikely_the_classifier_thought_it():
    message = ranked(
        "rejected with PASSCODE_PIN_INVALID, what does that mean?",
        ("faq", 0.9),
        ("ask_term", 0.05),
        ("rejection_pin_invalid", 0.01),
    )
    (message,) = ReasonFirst().process([message])
    assert message.get(INTENT)["name"] == "rejection_pin_invalid"


def test_a_plain_porting_question_stays_a_question():
    message = ranked("will my phone keep working meanwhile?", ("faq", 0.9), ("rejection_port_freeze", 0.05))
    (message,) = ReasonFirst().process([message])
    assert message.get(INTENT)["name"] == "faq"


def test_a_glossary_question_changes_only_when_the_notice_wording_names_a_rejection():
    told = ranked(
        "port rejected, the number is in a hunt group. what's that?", ("ask_term", 0.7), ("rejection_hunt_group", 0.25)
    )
    asked = ranked("what's a hunt group?", ("ask_term", 0.7), ("rejection_hunt_group", 0.25))
    told, asked = ReasonFirst().process([told, asked])
    assert told.get(INTENT)["name"] == "rejection_hunt_group" and asked.get(INTENT)["name"] == "ask_term"


def test_the_question_it_replaces_is_no_close_second_for_the_fallback():
    """Else the FallbackClassifier's ambiguity check (config.yml: 0.08) turns the choice into nlu_fallback."""
    message = ranked(
        "they say my number can't come over at all, anything I can do?", ("faq", 0.6), ("rejection_not_portable", 0.3)
    )
    (message,) = ReasonFirst().process([message])
    first, second = message.get(INTENT_RANKING_KEY)[:2]
    assert (first["name"], second["name"]) == ("rejection_not_portable", "faq")
    assert second["confidence"] <= first["confidence"] / 2

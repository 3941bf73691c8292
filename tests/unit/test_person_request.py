from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.person_request import PersonRequest


def classified(text: str, intent: str) -> Message:
    ranking = [{"name": intent, "confidence": 0.7}, {"name": "request_human", "confidence": 0.2}]
    return Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})


def test_a_request_for_a_person_wins_over_what_the_classifier_thought():
    (message,) = PersonRequest().process(
        [classified("is there a human who can get this moving? done with bots", "bot_challenge")]
    )
    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    assert [row["name"] for row in message.get(INTENT_RANKING_KEY)] == ["request_human", "bot_challenge"]


def test_a_message_that_only_names_a_person_keeps_its_intent():
    (message,) = PersonRequest().process([classified("the person authorized is Dana Whitfield", "inform")])
    assert message.get(INTENT)["name"] == "inform"


def test_a_request_for_a_person_the_classifier_was_unsure_of_is_made_sure():
    message = classified("id rather have somebody call me about a new number", "request_human")
    message.set(INTENT, {"name": "request_human", "confidence": 0.4})
    (message,) = PersonRequest().process([message])
    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}


def test_a_confident_other_intent_is_no_close_second_for_the_fallback():
    """The message "is there a human..." once read as faq at 0.95: beside request_human at 1.0 the fallback's
    ambiguity check (config.yml: 0.08) made it nlu_fallback, and the request was lost."""
    message = classified("is there a human who can actually get this moving? I'm done with chat bots", "faq")
    message.set(INTENT_RANKING_KEY, [{"name": "faq", "confidence": 0.95}])
    (message,) = PersonRequest().process([message])
    assert message.get(INTENT_RANKING_KEY) == [
        {"name": "request_human", "confidence": 1.0},
        {"name": "faq", "confidence": 0.5},
    ]

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

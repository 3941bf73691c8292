"""A question about cancelling is a question, not a stop (bot/nlu/stop_or_question.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stop_or_question import StopOrQuestion


def classified(text: str, intent: str) -> Message:
    ranking = [{"name": intent, "confidence": 0.8}, {"name": "faq", "confidence": 0.1}]
    return Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})


@pytest.mark.parametrize(
    "text", ["you didnt answer, do i cancel my plan with them?", "should we close the old account ourselves"]
)
def test_a_question_about_cancelling_is_a_porting_question(text):
    (message,) = StopOrQuestion().process([classified(text, "stop")])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.8}


@pytest.mark.parametrize("text", ["stop", "cancel that please", "never mind, do not resubmit"])
def test_a_stop_stays_a_stop(text):
    (message,) = StopOrQuestion().process([classified(text, "stop")])
    assert message.get(INTENT)["name"] == "stop"


def test_other_intents_are_left_alone():
    (message,) = StopOrQuestion().process([classified("do i need to sign anything", "affirm")])
    assert message.get(INTENT)["name"] == "affirm"

"""Rasa NLU component: a question about cancelling is a question, not "stop".

"you didnt answer about cancelling at&t? do i cancel it" reads to the classifier like the
customer's "stop" (cancel, stop, never mind), and the rules leave the fix on a stop: in customer
trial 6 the summary was dropped mid-question. A message that asks about the customer's own
situation ("do i ...", "should we ...": `bot.core.decisions.asks_in_passing`, the test the summary
uses before it reads a yes) is a porting question (`faq`) instead, at the same confidence; the
FAQ's answer, or that a person can answer it, follows and the fix goes on.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.decisions import asks_in_passing
from bot.nlu.component import SettingsFree, choose_intent

STOP, QUESTION = "stop", "faq"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class StopOrQuestion(SettingsFree):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == STOP and asks_in_passing(message.get(TEXT) or ""):
                choose_intent(message, QUESTION, intent.get("confidence") or 0.0)
        return messages

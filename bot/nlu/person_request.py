"""Rasa NLU component: a message that asks for a person is `request_human`, whatever else it says.

"is there a human who can actually get this moving? I'm done with chat bots" reads to the
classifier like a challenge to the bot, and "can I get someone? vonage won't tell me" like a
question about the rejection; either way the customer asked for a person and must get one. The
request is recognised by `bot.core.decisions.asks_for_a_person`, the same test the dialogue uses,
so the two cannot disagree. It goes after the intent classifiers and before the fallback.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.decisions import asks_for_a_person
from bot.nlu.component import SettingsFree, choose_intent

REQUEST_HUMAN = "request_human"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonRequest(SettingsFree):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            # also when the classifier chose request_human itself, but not surely enough to pass the fallback
            if not asks_for_a_person(message.get(TEXT) or ""):
                continue
            choose_intent(message, REQUEST_HUMAN, 1.0)
        return messages

"""Rasa NLU component: the porting FAQ's response selector, run for the messages whose answer is read.

The dialogue reads the selected answer for a message classified as a porting question (intent
`faq`, answered by the rules) and for one that asks something in passing
(`bot.core.decisions.asks_something`, the test `actions/questions.py` applies before it answers a
question beside an answer). For any other message (a ZIP, an order number, "ya go", a pasted
notice) the answer is never read, and choosing it is a quarter of a parse: the selector's
TensorFlow call took 3.4 of 12.8 ms a parse on the held-out messages (2 x AMD EPYC). Those messages
get no `response_selector` entry, which every reader already treats as "no answer".
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.decisions import asks_something


def reads_an_answer(message: Message, retrieval_intent: str) -> bool:
    """Whether the dialogue can use the selected answer for `message`."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    return intent == retrieval_intent or asks_something(message.get(TEXT) or "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqSelector(ResponseSelector):
    def process(self, messages: list[Message]) -> list[Message]:
        super().process([m for m in messages if reads_an_answer(m, self.retrieval_intent)])
        return messages

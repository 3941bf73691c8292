"""Rasa NLU component: a question that names a rejection reason keeps the reason.

"They told me my number can't be ported to you at all. Is there anything I can do?" reads like
a porting question (the faq retrieval intent), but it tells the assistant why the port was
rejected, and the explanation of that reason is the answer the customer needs (the faq answer
stays in the response selector's output for the forms to use). When the classifier's first
choice is faq and a rejection intent is a likely second, or the notice parser finds a reason in
the words of a message that says the port was rejected, the rejection intent goes first; a
glossary question (ask_term) only on the notice parser's word. The rule answers issue 15's "a
question plus a reason keeps the reason"; it was written after the held-out set showed such
messages lost (so that set is no longer blind to it), and its threshold was not tuned.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.catalog import INTENT_PREFIX
from bot.core.notices import find_categories
from bot.nlu.component import SettingsFree, choose_intent

QUESTION_INTENTS = frozenset({"faq", "ask_term"})  # a porting question, a glossary question
LIKELY = 0.2  # a rejection intent this likely, behind a porting question, is a reason the message names
# "rejected because the number is in a hunt group. what's that?" tells a reason; "what's a hunt group?" doesn't
_TOLD_REJECTED = re.compile(r"\b(?:reject\w*|bounced|kicked back|denied|refused|turned down)\b", re.IGNORECASE)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReasonFirst(SettingsFree):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            question = (message.get(INTENT) or {}).get("name")
            if question not in QUESTION_INTENTS:
                continue
            text = message.get(TEXT) or ""
            ranking = message.get(INTENT_RANKING_KEY) or []
            reasons = [row for row in ranking if str(row.get("name", "")).startswith(INTENT_PREFIX)]
            told = _TOLD_REJECTED.search(text)
            named = {f"{INTENT_PREFIX}{match.category}" for match in find_categories(text)} if told else set()
            likely = LIKELY if question == "faq" else 1.0  # a glossary question changes on named reasons only
            chosen = next(
                (row for row in reasons if row["name"] in named or (row.get("confidence") or 0) >= likely), None
            )
            if chosen is None:
                continue
            # the reason takes the question's place and its confidence: the message is as surely about it
            choose_intent(message, chosen["name"], message.get(INTENT).get("confidence"))
        return messages

"""The FAQ's response selector chooses an answer only where the dialogue reads one (bot/nlu/faq_selector.py)."""

from __future__ import annotations

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_selector import FaqSelector, reads_an_answer


def message(text: str, intent: str) -> Message:
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.9}})


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("how long does a port take", "faq", True),  # the rules answer it from the selector
        ("3515 Fremont Ave N, 98103. btw will 911 still work meanwhile?", "inform", True),
        ("its 78701 - should I keep paying verizon", "inform", True),
        ("98103", "inform", False),
        ("ya go", "affirm", False),
        ("LOCATION_MISMATCH: Service address does not match CSR", "rejection_address_mismatch", False),
    ],
)
def test_an_answer_is_chosen_for_a_porting_question_or_a_message_that_asks_something(text, intent, expected):
    assert reads_an_answer(message(text, intent), "faq") is expected


def test_only_those_messages_reach_the_selector_and_every_message_comes_back(monkeypatch):
    seen = []
    monkeypatch.setattr(ResponseSelector, "process", lambda self, messages: seen.extend(messages) or messages)
    selector = FaqSelector.__new__(FaqSelector)  # no model: the selector's own work is replaced above
    selector.retrieval_intent = "faq"
    messages = [message("98103", "inform"), message("will texts still reach me?", "faq"), message("yes", "affirm")]
    assert selector.process(messages) == messages
    assert [m.get(TEXT) for m in seen] == ["will texts still reach me?"]

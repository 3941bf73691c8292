"""What the customer has said, kept for when it is needed: every message is read for values
(an order id, a ZIP, an account name, a PIN...) before anything else runs, so the identity check
and the fix form ask only for what is still missing. Secrets are kept encrypted."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import secret_box
from actions.slots import NOTED_ANSWERS, REQUESTED_SLOT
from bot import settings
from bot.core import answers


def noted(tracker: Tracker) -> dict[str, str]:
    """The values the customer gave so far in this fix, by field (secrets as ciphertext)."""
    return dict(tracker.get_slot(NOTED_ANSWERS) or {})


class ActionNoteAnswers(Action):
    """Runs on every customer message (the custom mapping of `noted_answers` in domain.yml)."""

    def name(self) -> str:
        return "action_note_answers"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        asked = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop.get("name") else None
        found = answers.extract_all(text, asked=asked if asked in answers.FIELDS else None, today=settings.today())
        if not found:
            return []
        box = secret_box()
        kept = noted(tracker)
        for field, value in found.items():
            if value.problem is None:
                kept[field] = box.encrypt(value.value) if field in answers.SECRET_FIELDS else value.value
        return [SlotSet(NOTED_ANSWERS, kept)] if kept != noted(tracker) else []

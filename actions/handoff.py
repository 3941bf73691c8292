"""Handing the case to a person: a stored ticket, e-mailed to support when SMTP_URL is set."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import needs_order_store, order_store, secret_box, verified_order
from actions.dispatch import send
from actions.orders import clear_fix
from actions.slots import FIX_FIELD_SLOTS, REJECTION_CATEGORY, REQUESTED_SLOT
from bot import settings
from bot.core import fixes, notify
from bot.core.replies import ticket_opened
from bot.core.secrets import is_ciphertext


def collected_fields(tracker: Tracker) -> list[str]:
    """What the customer gave so far, secrets masked."""
    box, lines = secret_box(), []
    for slot in FIX_FIELD_SLOTS:
        value = tracker.get_slot(slot)
        if value is None:
            continue
        if slot in fixes.SECRET_FIELDS and isinstance(value, str) and is_ciphertext(value):
            value = box.decrypt(value)
        lines.append(fixes.describe_change(slot, value))
    return lines


@needs_order_store
class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        category = tracker.get_slot(REJECTION_CATEGORY) or "general"
        summary = "\n".join(
            [
                f"Conversation: {tracker.sender_id}",
                f"Order: {order.order_id if order else 'not verified'}",
                f"Rejection category: {category}",
                "Collected so far:",
                *(collected_fields(tracker) or ["- nothing"]),
                f"Last message: {tracker.latest_message.get('text') or ''}",
            ]
        )
        ticket = order_store().open_ticket(category, summary, order.order_id if order else None, tracker.sender_id)
        smtp_url = settings.get(settings.SMTP_URL)
        if smtp_url:
            notify.send_ticket(
                smtp_url, settings.get(settings.SUPPORT_EMAIL, notify.DEFAULT_SUPPORT_ADDRESS), ticket, summary
            )
        send(dispatcher, [ticket_opened(ticket, order.contact_email if order else None)])
        return events + [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), *clear_fix()]

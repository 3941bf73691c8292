"""Handing the case to a person: a stored ticket, e-mailed to support when SMTP_URL is set.

A person can only act on a ticket that says how to reach the customer: without a verified
order (whose e-mail is on file), the assistant first asks for an e-mail address or phone number
(`contact_form`). Every ticket carries the order (or the order number the customer gave, marked
unverified), the reasons, what was collected and the customer's recent messages, secrets masked.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import needs_order_store, order_store, secret_box, verified_order
from actions.dispatch import send
from actions.forms.verify import verify_noted
from actions.noted import noted
from actions.orders import clear_fix, fix_categories
from actions.questions import answer_or_ask_again
from actions.slots import CONTACT, FIX_FIELD_SLOTS, REQUESTED_SLOT
from bot import settings
from bot.core import answers, fixes, notify, validators
from bot.core.orders.store import UnknownOrder
from bot.core.replies import NO_CONTACT_GIVEN, ticket_already_open, ticket_opened

RECENT_MESSAGES = 6  # of the customer's, in the ticket: enough to see what they asked


def collected_fields(tracker: Tracker) -> list[str]:
    """What the customer gave so far, secrets masked."""
    box, lines = secret_box(), []
    for slot in FIX_FIELD_SLOTS:
        value = tracker.get_slot(slot)
        if value is None:
            continue
        lines.append(fixes.describe_change(slot, fixes.plain_value(slot, value, box)))
    return lines


def recent_messages(tracker: Tracker) -> list[str]:
    """The customer's last messages, each with the secrets typed in it masked."""
    texts = [event.get("text") or "" for event in tracker.events if event.get("event") == "user"]
    return [f"- {answers.masked(text, answers.extract_all(text))}" for text in texts[-RECENT_MESSAGES:] if text]


def read_contact(text: str) -> str | None:
    """An e-mail address or a phone number in the customer's message, normalised."""
    if email := answers.extract("email", text):
        return email.value
    try:
        return validators.phone_numbers(text)[0]
    except validators.ValidationError:
        return None


@needs_order_store
class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None:
            order, slots = verify_noted(tracker)
            events += [SlotSet(slot, value) for slot, value in slots.items()]
        # a way to reach them typed with the request ("can someone call me at 303-555-0142") comes first
        typed = read_contact(tracker.latest_message.get("text") or "")
        contact = typed or (order.contact_email if order else tracker.get_slot(CONTACT) or noted(tracker).get("email"))
        if not contact:
            return events + [FollowupAction("contact_form")]
        store = order_store()
        # one case, one ticket: "I need someone today" after a ticket was opened reaches the same person
        opened = [t for t in store.tickets(conversation_id=tracker.sender_id) if t.status == "open"]
        if opened:
            send(dispatcher, [ticket_already_open(opened[-1].ticket_id, contact)])
            return events + [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        claimed = None if order else noted(tracker).get("order_id")
        if claimed:
            try:
                store.get(claimed)
            except UnknownOrder:
                claimed = None
        shown_order = (
            order.order_id if order else f"{claimed} (given by the customer, not verified)" if claimed else "none"
        )
        reasons = fix_categories(tracker, order)
        summary = "\n".join(
            [
                f"Conversation: {tracker.sender_id}",
                f"Order: {shown_order}",
                f"Contact: {contact}",
                f"Rejection reasons: {', '.join(reasons) or 'not known'}",
                "Collected so far:",
                *(collected_fields(tracker) or ["- nothing"]),
                "The customer's last messages:",
                *recent_messages(tracker),
            ]
        )
        ticket = store.open_ticket(
            reasons[0] if reasons else "general", summary, order.order_id if order else claimed, tracker.sender_id
        )
        smtp_url = settings.get(settings.SMTP_URL)
        if smtp_url:  # the summary as stored: the order's own secrets masked too
            notify.send_ticket(
                smtp_url,
                settings.get(settings.SUPPORT_EMAIL, notify.DEFAULT_SUPPORT_ADDRESS),
                ticket.ticket_id,
                ticket.summary,
            )
        send(dispatcher, [ticket_opened(ticket.ticket_id, contact)])
        return events + [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), *clear_fix()]


class ValidateContactForm(FormValidationAction):
    def name(self) -> str:
        return "validate_contact_form"

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {}
        contact = read_contact(str(value))
        if contact is None:
            # "zip is 94134": the order named before is found, and its e-mail on file is the contact
            order, slots = verify_noted(tracker)
            if order:
                return {**slots, CONTACT: order.contact_email}
            answer_or_ask_again(dispatcher, tracker, NO_CONTACT_GIVEN)
            return {**slots, CONTACT: None}
        return {CONTACT: contact}

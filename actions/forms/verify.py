"""The identity check before an order is shown or changed: order id plus the service ZIP or
contact e-mail on file. An unknown order and a wrong verifier get the same answer, and wrong
answers lock the order id (and the client who gave them) for everyone for 15 minutes, counted in
the order store (bot/core/orders/identity.py).

The order id and the ZIP or e-mail are read out of whatever the customer wrote ("my zip is
55402", "I already told you. 64112"), also before they were asked; a message with neither in it
is asked again and does not count as a try: only a well-formed wrong answer does."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import client_of, needs_order_store, now, order_store
from actions.dispatch import send
from actions.noted import noted
from actions.questions import answer_in_passing, answer_or_ask_again
from actions.slots import NOTED_ANSWERS, ORDER_ID, ORDER_VERIFIER, REQUESTED_SLOT, VERIFIED_ORDER
from bot.core import answers
from bot.core.orders.identity import IdentityCheck, check_identity
from bot.core.orders.records import PortOrder
from bot.core.replies import NO_VERIFIER_GIVEN, ORDER_ID_FORMAT, lookup_failed, lookup_locked


@needs_order_store
class ValidateVerifyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_verify_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The order id and verifier the customer already gave: a new order id in the message
        replaces the one being checked; a ZIP or e-mail typed with the order id is its verifier."""
        text = tracker.latest_message.get("text") or ""
        kept, events = noted(tracker), []
        typed = answers.extract("order_id", text)
        order_id = typed.value if typed else tracker.get_slot(ORDER_ID) or kept.get("order_id")
        if order_id and order_id != tracker.get_slot(ORDER_ID):
            events.append(SlotSet(ORDER_ID, order_id))
        if tracker.get_slot(ORDER_VERIFIER) is None and order_id:
            # read whatever the message was taken for: "its 78701. btw should I keep paying verizon?"
            # is a question to the classifier and the answer asked for all the same
            asked = tracker.get_slot(REQUESTED_SLOT) == ORDER_VERIFIER
            given = answers.extract("order_verifier", text) if typed or asked else None
            verifier = given.value if given else kept.get("service_zip") or kept.get("email")
            if verifier:
                events.append(SlotSet(ORDER_VERIFIER, verifier))
        return events

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:  # cleared when the check starts: nothing was answered yet
            return {}
        found = answers.extract("order_id", str(value))
        if not found:
            answer_or_ask_again(dispatcher, tracker, ORDER_ID_FORMAT)
            return {ORDER_ID: None}
        return {ORDER_ID: found.value}

    def validate_order_verifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {}
        found = answers.extract("order_verifier", str(value))
        if not found:
            answer_or_ask_again(dispatcher, tracker, NO_VERIFIER_GIVEN)
            return {ORDER_VERIFIER: None}
        check = _check(tracker, tracker.get_slot(ORDER_ID) or "", found.value)
        if check.order:
            send(dispatcher, answer_in_passing(tracker))
            return {ORDER_VERIFIER: "verified", VERIFIED_ORDER: check.order.order_id}
        # a verifier that failed is not offered again from what the customer said before
        kept = {field: v for field, v in noted(tracker).items() if v != found.value}
        if check.locked_until:
            send(dispatcher, [lookup_locked(check.locked_until, now())])
            return {ORDER_ID: None, ORDER_VERIFIER: None, REQUESTED_SLOT: None, NOTED_ANSWERS: kept}
        send(dispatcher, [lookup_failed(check.tries_left)])
        # the order id stays: a typo in the ZIP is corrected without typing the order again
        return {ORDER_VERIFIER: None, NOTED_ANSWERS: kept}


def _check(tracker: Tracker, order_id: str, verifier: str) -> IdentityCheck:
    return check_identity(order_store(), order_id, verifier, client_of(tracker), now())


def verify_noted(tracker: Tracker) -> tuple[PortOrder | None, dict[str, Any]]:
    """The order the customer named with its ZIP or e-mail in what they already said ("can a
    person help? PO-10004, 78701"), checked as the identity check does: a wrong pair counts as a
    failed try, and nothing is looked up while locked. Returns the order and the slots to set."""
    kept, text = noted(tracker), tracker.latest_message.get("text") or ""
    # a bare ZIP typed right with the order id ("PO-10004, 78701") is its verifier
    typed = answers.extract("order_verifier", text) if answers.extract("order_id", text) else None
    order_id = kept.get("order_id")
    verifier = kept.get("service_zip") or kept.get("email") or (typed.value if typed else None)
    if not order_id or not verifier:
        return None, {}
    check = _check(tracker, order_id, verifier)
    if check.order:
        return check.order, {VERIFIED_ORDER: check.order.order_id}
    unused = {field: value for field, value in kept.items() if value != verifier}
    return None, {NOTED_ANSWERS: unused}

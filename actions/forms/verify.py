"""The identity check before an order is shown or changed: order id plus the service ZIP or
contact e-mail on file. An unknown order and a wrong verifier get the same answer, and after
three failures order look-ups are locked for this conversation for 15 minutes."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.conversation import LOCKOUT, LOOKUP_FAILURES, VERIFIED_ORDER, needs_order_store, now, order_store
from bot.core.orders.identity import verify

_ORDER_ID = re.compile(r"\bPO[\s-]?(\d{5})\b", re.IGNORECASE)


def locked_message(until: float) -> str:
    minutes = max(1, round((until - now()) / 60))
    return (
        f"For your security, order look-ups are paused for this conversation after several "
        f"unsuccessful tries. Please try again in about {minutes} minutes, or ask for a person."
    )


@needs_order_store
class ValidateVerifyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_verify_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        failures = tracker.get_slot(LOOKUP_FAILURES) or []
        until = LOCKOUT.locked_until(failures, now())
        if until:  # checked before anything is looked up, whatever was typed
            dispatcher.utter_message(text=locked_message(until))
            return [SlotSet("order_id", None), SlotSet("order_verifier", None), SlotSet(REQUESTED_SLOT, None)]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:  # cleared when the check starts: nothing was answered yet
            return {}
        match = _ORDER_ID.search(str(value))
        if not match:
            dispatcher.utter_message(
                text="Port order numbers look like PO-12345. You'll find yours in "
                "the e-mail we sent when you asked to move your number."
            )
            return {"order_id": None}
        return {"order_id": f"PO-{match.group(1)}"}

    def validate_order_verifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {}
        order = verify(order_store(), tracker.get_slot("order_id") or "", str(value))
        if order:
            return {"order_verifier": "verified", VERIFIED_ORDER: order.order_id, LOOKUP_FAILURES: []}
        failures = LOCKOUT.record_failure(tracker.get_slot(LOOKUP_FAILURES) or [], now())
        until = LOCKOUT.locked_until(failures, now())
        if until:
            dispatcher.utter_message(text=locked_message(until))
            return {"order_id": None, "order_verifier": None, LOOKUP_FAILURES: failures, REQUESTED_SLOT: None}
        left = LOCKOUT.remaining_attempts(failures, now())
        tries = "1 try" if left == 1 else f"{left} tries"
        dispatcher.utter_message(
            text=f"I couldn't match that order number with that ZIP code or "
            f"e-mail. Please check both and try again ({tries} left)."
        )
        return {"order_id": None, "order_verifier": None, LOOKUP_FAILURES: failures}

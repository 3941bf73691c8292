"""The identity check before an order is shown or changed: order id plus the service ZIP or
contact e-mail on file. An unknown order and a wrong verifier get the same answer, and after
three failures order look-ups are locked for this conversation for 15 minutes."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import LOCKOUT, needs_order_store, now, order_store
from actions.dispatch import send
from actions.slots import LOOKUP_FAILURES, ORDER_ID, ORDER_VERIFIER, REQUESTED_SLOT, VERIFIED_ORDER
from bot.core.orders.identity import verify
from bot.core.replies import ORDER_ID_FORMAT, lookup_failed, lookup_locked

_ORDER_ID_PATTERN = re.compile(r"\bPO[\s-]?(\d{5})\b", re.IGNORECASE)


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
            send(dispatcher, [lookup_locked(until, now())])
            return [SlotSet(ORDER_ID, None), SlotSet(ORDER_VERIFIER, None), SlotSet(REQUESTED_SLOT, None)]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:  # cleared when the check starts: nothing was answered yet
            return {}
        match = _ORDER_ID_PATTERN.search(str(value))
        if not match:
            send(dispatcher, [ORDER_ID_FORMAT])
            return {ORDER_ID: None}
        return {ORDER_ID: f"PO-{match.group(1)}"}

    def validate_order_verifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {}
        order = verify(order_store(), tracker.get_slot(ORDER_ID) or "", str(value))
        if order:
            return {ORDER_VERIFIER: "verified", VERIFIED_ORDER: order.order_id, LOOKUP_FAILURES: []}
        failures = LOCKOUT.record_failure(tracker.get_slot(LOOKUP_FAILURES) or [], now())
        until = LOCKOUT.locked_until(failures, now())
        if until:
            send(dispatcher, [lookup_locked(until, now())])
            return {ORDER_ID: None, ORDER_VERIFIER: None, LOOKUP_FAILURES: failures, REQUESTED_SLOT: None}
        send(dispatcher, [lookup_failed(LOCKOUT.remaining_attempts(failures, now()))])
        return {ORDER_ID: None, ORDER_VERIFIER: None, LOOKUP_FAILURES: failures}

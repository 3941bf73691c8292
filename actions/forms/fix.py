"""The fix form: asks for the fields the rejection's fix family needs (see bot/core/fixes.py), checks
every answer, and counts failures per field: after two, it explains the field and offers a person."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import needs_order_store, order_store, secret_box
from actions.dispatch import send
from actions.slots import FIX_FAILURES, REJECTION_CATEGORY, VERIFIED_ORDER
from bot.core import fixes
from bot.core.catalog import load_catalog
from bot.core.orders.records import PortOrder
from bot.core.replies import answer_problem
from bot.core.validators import ValidationError

FAILURES_BEFORE_HELP = 2


@needs_order_store
class ValidateFixForm(FormValidationAction):
    def name(self) -> str:
        return "validate_fix_form"

    @staticmethod
    def _order_and_fields(tracker: Tracker) -> tuple[PortOrder | None, list[str]]:
        """The order being fixed and the fields its rejection needs (one store read)."""
        order_id, category_id = tracker.get_slot(VERIFIED_ORDER), tracker.get_slot(REJECTION_CATEGORY)
        if not order_id or not category_id:
            return None, []
        order = order_store().get(order_id)
        return order, fixes.fields_to_ask(load_catalog().category(category_id), order)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[str]:
        return self._order_and_fields(tracker)[1]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        order, asked = self._order_and_fields(tracker)
        # Slots cleared when the form starts arrive here as None: only real answers are checked.
        answers = {
            name: value for name, value in tracker.slots_to_validate().items() if name in asked and value is not None
        }
        if not answers:
            return []
        context = fixes.FixContext(order, date.today())
        failures = dict(tracker.get_slot(FIX_FAILURES) or {})
        box, events = secret_box(), []
        for field, answer in answers.items():
            try:
                value = fixes.check_answer(field, answer, context, box)
                failures.pop(field, None)
            except ValidationError as problem:
                value = None
                failures[field] = failures.get(field, 0) + 1
                explain = failures[field] >= FAILURES_BEFORE_HELP
                send(dispatcher, answer_problem(problem, field, context.order.losing_carrier, explain))
            events.append(SlotSet(field, value))
        return events + [SlotSet(FIX_FAILURES, failures)]

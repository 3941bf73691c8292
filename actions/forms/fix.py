"""The fix form: asks for the fields the rejection's fix family needs (see bot/core/fixes.py), checks
every answer, and counts failures per field: after two, it explains the field and offers a person.

Values come out of whatever the customer writes, in any message ("As I said, it's 482019375-00001",
a PIN given before it was asked, "the name I gave you is wrong, it should be ..."): the form asks
only for what is still missing, a message without the value asked is asked again without
counting a failure, and a value for a field already answered replaces it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import needs_order_store, order_store, secret_box
from actions.dispatch import send
from actions.noted import noted
from actions.orders import fix_categories, fix_fields, fix_taken_fields
from actions.questions import answer_in_passing, answer_or_ask_again
from actions.slots import FIX_FAILURES, NOTED_ANSWERS, REQUESTED_SLOT, VERIFIED_ORDER
from bot import settings
from bot.core import fixes
from bot.core.orders.records import PortOrder
from bot.core.replies import answer_problem, nothing_found
from bot.core.validators import ValidationError

FAILURES_BEFORE_HELP = 2


@needs_order_store
class ValidateFixForm(FormValidationAction):
    def name(self) -> str:
        return "validate_fix_form"

    @staticmethod
    def _order_and_fields(tracker: Tracker) -> tuple[PortOrder | None, list[str]]:
        """The order being fixed and the fields its rejection needs (one store read)."""
        order_id = tracker.get_slot(VERIFIED_ORDER)
        if not order_id or not fix_categories(tracker):
            return None, []
        order = order_store().get(order_id)
        return order, fix_fields(tracker, order)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[str]:
        return self._order_and_fields(tracker)[1]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        order, asked = self._order_and_fields(tracker)
        if order is None:
            return []
        requested = tracker.get_slot(REQUESTED_SLOT)
        # Rasa maps the message to the field asked as a whole sentence; the values in it, and in
        # everything the customer said before, were read by action_note_answers.
        sentence = tracker.slots_to_validate().get(requested) if requested in asked else None
        text = tracker.latest_message.get("text") or ""
        if sentence is None and requested in asked and fixes.answers_anyway(requested, text):
            # the classifier took the answer for something else ("unlocked it and paid. there was
            # a step where I picked a porting pin" read as a question): it is still the answer
            sentence = text
        kept, box = noted(tracker), secret_box()
        given = {
            field: fixes.plain_value(field, value, box)
            for field, value in fixes.values_for(fix_taken_fields(tracker, order), kept).items()
        }
        problems = {}
        if sentence is not None and requested not in given:
            value, problem = fixes.read_answer(requested, str(sentence), settings.today(), order)
            if value and not problem:
                given[requested] = value
            else:  # an answer to a question still to come ("keep it active", an address, before they're asked)
                waiting = [f for f in asked if f != requested and tracker.get_slot(f) is None and f not in given]
                ahead = fixes.unlabeled_change(waiting, str(sentence), settings.today())
                given.update(ahead)
                if problem and not ahead:
                    problems[requested] = ValidationError(problem)
        if sentence is not None:  # "I misspelled her last name, it's Feld not Fields"
            # the field asked holds this very sentence (Rasa's mapping), not an answer given before
            answered = {
                f: tracker.get_slot(f)
                for f in asked
                if f not in given and f != requested and tracker.get_slot(f) is not None
            }
            given.update(fixes.corrected_in_place(answered, tracker.latest_message.get("text") or ""))
        if not given and sentence is None:
            return []  # nothing for this form in the message: the rules answer it
        context = fixes.FixContext(order, settings.today())
        failures = dict(tracker.get_slot(FIX_FAILURES) or {})
        events: list[EventType] = [SlotSet(NOTED_ANSWERS, {f: v for f, v in kept.items() if f not in given})]
        for field, answer in [*given.items(), *problems.items()]:
            try:
                if isinstance(answer, ValidationError):
                    raise answer
                value = fixes.check_answer(field, answer, context, box)
                failures.pop(field, None)
            except ValidationError as problem:
                value = None
                failures[field] = failures.get(field, 0) + 1
                explain = failures[field] >= FAILURES_BEFORE_HELP
                send(dispatcher, answer_problem(problem, field, context.order.losing_carrier, explain))
            events.append(SlotSet(field, value))
        if sentence is not None and requested not in given and requested not in problems:
            if not given:  # nothing at all in the message: asked again, not counted as a wrong answer
                answer_or_ask_again(dispatcher, tracker, nothing_found(requested))
            events.append(SlotSet(requested, None))  # the sentence itself is never the value
        if given:
            send(dispatcher, answer_in_passing(tracker))
        return events + [SlotSet(FIX_FAILURES, failures)]

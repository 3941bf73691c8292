"""The summary before a fix is resubmitted: "Shall I go ahead?" is a form of its own, so every
answer is read rather than matched against a yes or a no. A casual yes resubmits, a no changes
nothing, a change to one field ("almost, the account name needs to be ...") is checked, made
and shown in the summary again, and a side question is answered and the summary asked again:
the pending change is kept until the customer decides."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import latest_bill, needs_order_store, secret_box, verified_order
from actions.dispatch import send
from actions.orders import ActionApplyFix, ActionCancelFix, clear_fix, fix_answers, fix_categories, fix_fields
from actions.questions import answer_or_ask_again, answer_question
from actions.slots import FIX_CONFIRMED, REQUESTED_SLOT
from bot import settings
from bot.core import answers, fixes
from bot.core.decisions import (
    Decision,
    asks_for_a_change,
    asks_something,
    decision,
    says_a_value_is_wrong,
    yes_with_a_question,
)
from bot.core.orders.store import OrderStoreUnavailable
from bot.core.replies import (
    CONFIRM_AGAIN,
    CONFIRM_UNCLEAR,
    FIX_RESTART,
    answer_problem,
    confirm_fix,
    endings_checked,
    fields_changed,
)
from bot.core.validators import ValidationError

# What the NLU says must be this sure before an answer that words alone don't decide counts
CONFIDENT = 0.8


def kept_value(tracker: Tracker, field: str) -> object:
    """The answer kept for `field`, as typed (secrets decrypted), to tell a change from a repeat."""
    return fixes.plain_value(field, tracker.get_slot(field), secret_box())


def nlu_decision(tracker: Tracker) -> str | None:
    """The classifier's yes or no, for answers the words alone don't decide; never for a
    message that asks something ("that won't get sent with the wrong account info, will it?")."""
    if asks_something(tracker.latest_message.get("text") or ""):
        return None
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("name") in ("affirm", "deny") and (intent.get("confidence") or 0) >= CONFIDENT:
        return "yes" if intent["name"] == "affirm" else "no"
    return None


class ActionAskFixConfirmed(Action):
    """Asks "Shall I go ahead?" with the summary of what will be written and resubmitted.

    It runs right after the answer's validation in the same turn: when the order store is down,
    the validation has already said so, and the question is asked without the summary."""

    def name(self) -> str:
        return "action_ask_fix_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            order, _ = verified_order(tracker)
        except OrderStoreUnavailable:
            send(dispatcher, [CONFIRM_AGAIN])
            return []
        categories = fix_categories(tracker)
        if order is None or not categories:
            send(dispatcher, [FIX_RESTART])
            return clear_fix()
        fields, kept = fix_answers(tracker, order)
        bill = latest_bill(order)
        send(dispatcher, [confirm_fix(fixes.summary(order, categories, fields, kept, secret_box(), bill))])
        return []


@needs_order_store
class ValidateConfirmForm(FormValidationAction):
    def name(self) -> str:
        return "validate_confirm_form"

    def validate_fix_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:  # cleared when the form starts
            return {}
        order, _ = verified_order(tracker)
        if order is None or not fix_categories(tracker):
            send(dispatcher, [FIX_RESTART])
            return {FIX_CONFIRMED: None, REQUESTED_SLOT: None}
        text = tracker.latest_message.get("text") or ""
        today = settings.today()
        fields, kept = fix_answers(tracker, order)
        found = {field: f.value for field, f in answers.extract_all(text, today=today).items()}
        said = decision(text)
        # a value typed for the only field the fix asks without naming it is a change only when
        # worded as one ("wait I mistyped that, it should end in 00002: ...")
        asked = [f for f in fix_fields(tracker, order) if f != fixes.CHECKLIST_FIELD]
        single = len(asked) == 1 and asks_for_a_change(text)
        # "sorry, it's Kestrel-Park not Parks. her email is ...": the correction and the value together
        edits = {
            **fixes.corrected_in_place({field: tracker.get_slot(field) for field in fields}, text),
            **(
                fixes.values_for(fields, found)
                or fixes.unlabeled_change(asked if single else fields, text, today, any_field=single)
            ),
        }
        edits = {field: value for field, value in edits.items() if value != kept_value(tracker, field)}
        # "is it the one ending in 0077?", "what if it ended in 0078": the masked end checked, not changed
        if checked := fixes.ending_checked(fields, kept, text, secret_box()):
            send(dispatcher, [endings_checked(checked)])
            return {FIX_CONFIRMED: None}
        if edits:  # a change comes before any yes or no in the same message: it is shown first
            context, box, changed = fixes.FixContext(order, today), secret_box(), {}
            for field, raw in edits.items():
                try:
                    changed[field] = fixes.check_answer(field, raw, context, box)
                except ValidationError as problem:
                    send(dispatcher, answer_problem(problem, field, order.losing_carrier))
            if changed:
                send(dispatcher, [fields_changed(list(changed))])
            return {**changed, FIX_CONFIRMED: None}
        # "wait, I mistyped that, ..." with no value read in it: a change to ask about, not a no
        refuses_a_value = said is Decision.NO and asks_for_a_change(text)
        answer = None if refuses_a_value else said.value if said else nlu_decision(tracker)
        if answer:
            return {FIX_CONFIRMED: answer}
        if yes_with_a_question(text):  # "yes send it. will i miss any texts during the switch?"
            answer_question(dispatcher, tracker)
            return {FIX_CONFIRMED: Decision.YES.value}
        answer_or_ask_again(dispatcher, tracker, CONFIRM_UNCLEAR)  # then the summary is asked again
        if asks_something(text) and says_a_value_is_wrong(text):  # "also that name is wrong lol"
            send(dispatcher, [CONFIRM_UNCLEAR])
        return {FIX_CONFIRMED: None}


class ActionFinishFix(Action):
    """Runs when the summary was answered: resubmits on yes, changes nothing on no."""

    def name(self) -> str:
        return "action_finish_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        finish = ActionApplyFix() if tracker.get_slot(FIX_CONFIRMED) == "yes" else ActionCancelFix()
        return finish.run(dispatcher, tracker, domain)

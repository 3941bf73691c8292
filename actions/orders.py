"""The order flows: verify, show status, start a fix, confirm and resubmit, or stop unchanged."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    AFTER_VERIFICATION,
    VERIFIED_ORDER,
    needs_order_store,
    next_step,
    order_store,
    secret_box,
    verified_order,
    verify_first,
)
from actions.dispatch import send
from bot.core import fixes
from bot.core.catalog import load_catalog
from bot.core.orders.records import OrderStatus, PortOrder
from bot.core.replies import (
    FIX_OFFER,
    NEXT_STEPS,
    PERSON_BUTTON,
    Button,
    Reply,
    explain_rejection,
    field_help,
    order_status,
    why_we_ask,
)

FIX_SLOTS = tuple(fixes.FIELD_CHECKS)
CONFIRM_BUTTONS = (Button("Yes, resubmit", "/affirm"), Button("No, change nothing", "/deny"))


def clear_fix() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FIX_SLOTS] + [SlotSet("slot_failures", None)]


def fix_answers(tracker: Tracker, order: PortOrder, category_id: str) -> tuple[list[str], dict]:
    """The fields the fix form asked for this order's rejection, and the answers it kept."""
    fields = fixes.fields_to_ask(load_catalog().category(category_id), order)
    return fields, {field: tracker.get_slot(field) for field in fields}


def actor(tracker: Tracker) -> str:
    return f"chat:{tracker.sender_id}"


def begin_fix(dispatcher: CollectingDispatcher, tracker: Tracker, order: PortOrder) -> list[EventType]:
    """Asks for what the order's rejection needs, or says who can fix it when the chat can't."""
    catalog = load_catalog()
    category_id = tracker.get_slot("rejection_category") or (
        order.latest_rejection.category if order.latest_rejection else None
    )
    if order.status != OrderStatus.REJECTED:
        send(dispatcher, [order_status(order)])
        return [next_step()]
    if category_id is None:
        dispatcher.utter_message(text="What reason did the carrier give? Paste the notice or describe it.")
        return [next_step()]
    category = catalog.category(category_id)
    fields = fixes.fields_to_ask(category, order)
    if not fields:
        send(
            dispatcher,
            [
                Reply(
                    f"{category.title} can't be fixed by changing the order: "
                    f"{category.steps[0]} A person from our porting team can take it from "
                    f"here.",
                    (PERSON_BUTTON,),
                )
            ],
        )
        return [SlotSet("rejection_category", category_id), next_step()]
    intro = (
        f"Let's fix {order.order_id} ({category.title.lower()}). "
        + (
            "Tell me once you've done the step above and I'll resubmit."
            if category.fix == "checklist"
            else f"I'll ask for {len(fields)} detail{'s' if len(fields) > 1 else ''}."
        )
        + ' Nothing changes until you confirm; say "stop" any time.'
    )
    dispatcher.utter_message(text=intro)
    return [
        SlotSet("rejection_category", category_id),
        SlotSet("losing_carrier", order.losing_carrier),
        *clear_fix(),
        next_step("fix_form"),
    ]


@needs_order_store
class ActionStartFix(Action):
    def name(self) -> str:
        return "action_start_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None:
            dispatcher.utter_message(text="First I need to find your order.")
            return verify_first("fix")
        return events + begin_fix(dispatcher, tracker, order)


@needs_order_store
class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None:
            return verify_first("status")
        send(dispatcher, [order_status(order)])
        return events + [next_step()]


@needs_order_store
class ActionShowOrder(Action):
    """A customer gave an order number: check it is theirs, then show why it was rejected."""

    def name(self) -> str:
        return "action_show_order"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None or order.order_id != (tracker.get_slot("order_id") or order.order_id):
            return [SlotSet(VERIFIED_ORDER, None), *verify_first("explain")]
        return events + show_order(dispatcher, order)


def show_order(dispatcher: CollectingDispatcher, order: PortOrder) -> list[EventType]:
    send(dispatcher, [order_status(order)])
    rejection = order.latest_rejection
    if order.status != OrderStatus.REJECTED or rejection is None:
        return [next_step()]
    dispatcher.utter_message(text=f'The carrier\'s notice said: "{rejection.carrier_text}"')
    send(dispatcher, [*explain_rejection(rejection.category, order.losing_carrier), FIX_OFFER])
    return [
        SlotSet("rejection_category", rejection.category),
        SlotSet("losing_carrier", order.losing_carrier),
        next_step(),
    ]


@needs_order_store
class ActionAfterVerification(Action):
    """Runs when the identity check ends: carries on with what the customer wanted."""

    def name(self) -> str:
        return "action_after_verification"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        goal = tracker.get_slot(AFTER_VERIFICATION)
        order, events = verified_order(tracker)
        events.append(SlotSet(AFTER_VERIFICATION, None))
        if order is None:
            return events + [next_step()]  # the form already said why (wrong details, or locked out)
        dispatcher.utter_message(text=f"Thanks, I found {order.order_id}.")
        if goal == "fix":
            return events + begin_fix(dispatcher, tracker, order)
        if goal == "status":
            send(dispatcher, [order_status(order)])
            return events + [next_step()]
        return events + show_order(dispatcher, order)


@needs_order_store
class ActionSummariseFix(Action):
    def name(self) -> str:
        return "action_summarise_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, _ = verified_order(tracker)
        category_id = tracker.get_slot("rejection_category")
        if order is None or category_id is None:
            dispatcher.utter_message(text='Let\'s start again: say "fix my order".')
            return clear_fix()
        fields, answers = fix_answers(tracker, order, category_id)
        text = fixes.summary(order, category_id, fields, answers, secret_box())
        send(dispatcher, [Reply(text, CONFIRM_BUTTONS)])
        return []


@needs_order_store
class ActionApplyFix(Action):
    def name(self) -> str:
        return "action_apply_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        store, order = order_store(), verified_order(tracker)[0]
        category_id = tracker.get_slot("rejection_category")
        if order is None or category_id is None or order.status != OrderStatus.REJECTED:
            dispatcher.utter_message(text="There is nothing waiting to be resubmitted.")
            return clear_fix()
        fields, answers = fix_answers(tracker, order, category_id)
        change = fixes.changes(fields, answers, secret_box())
        _, split = store.resubmit_corrected(
            order.order_id, change, actor(tracker), note=answers.get(fixes.CHECKLIST_FIELD)
        )
        text = f"Done: {order.order_id} is corrected and resubmitted to {order.losing_carrier}. {NEXT_STEPS}"
        if split:
            text += (
                f"\n{', '.join(split.numbers)} moved to a new order, {split.order_id}, which needs the "
                f"details of its own account; we'll e-mail you about it."
            )
        dispatcher.utter_message(text=text)
        return clear_fix() + [SlotSet("rejection_category", None)]


class ActionCancelFix(Action):
    """'stop', 'cancel' or 'no' at the confirmation: leave the flow, change nothing."""

    def name(self) -> str:
        return "action_cancel_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(
            text="OK, I've stopped. Nothing on your order was changed. "
            'Say "fix my order" whenever you want to pick it up again.'
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(AFTER_VERIFICATION, None), *clear_fix()]


class ActionExplainWhy(Action):
    def name(self) -> str:
        return "action_explain_why"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        send(dispatcher, [why_we_ask(tracker.get_slot("requested_slot"))])
        return []


class ActionFieldHelp(Action):
    """'I don't know' to a question: what the field is and where to get it."""

    def name(self) -> str:
        return "action_field_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        field = tracker.get_slot("requested_slot") or "order_id"
        send(dispatcher, [field_help(field, tracker.get_slot("losing_carrier"), offer_person=True)])
        return []

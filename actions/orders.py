"""The order flows: verify, show status, start a fix, confirm and resubmit, or stop unchanged."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    document_desk,
    latest_bill,
    needs_order_store,
    next_step,
    order_store,
    secret_box,
    sign_link,
    status_reply,
    verified_order,
    verify_first,
)
from actions.dispatch import send
from actions.questions import answer_in_passing
from actions.slots import (
    AFTER_VERIFICATION,
    FIX_CONFIRMED,
    FIX_FAILURES,
    FIX_FIELD_SLOTS,
    LOSING_CARRIER,
    NOTED_ANSWERS,
    ORDER_ID,
    PENDING_CATEGORIES,
    REJECTION_CATEGORY,
    REQUESTED_SLOT,
    VERIFIED_ORDER,
)
from bot.core import answers, fixes
from bot.core.catalog import load_catalog
from bot.core.documents import links
from bot.core.errors import UserError
from bot.core.orders.records import Document, OrderStatus, PortOrder
from bot.core.orders.store import InvalidChange
from bot.core.replies import (
    ASK_CARRIER_REASON,
    FIND_ORDER_FIRST,
    FIX_CANCELLED,
    FIX_OFFER,
    NOTHING_TO_RESUBMIT,
    SPLIT_OFF_OFFER,
    Reply,
    bill_wanted,
    carrier_notice,
    explain_rejection,
    field_help,
    fix_needs_person,
    fix_resubmitted,
    fix_started,
    letter_to_sign,
    not_resubmitted,
    order_found,
    split_off_submitted,
    why_we_ask,
)
from bot.core.validators import ValidationError

logger = logging.getLogger(__name__)


def clear_fix() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FIX_FIELD_SLOTS] + [
        SlotSet(FIX_FAILURES, None),
        SlotSet(FIX_CONFIRMED, None),
    ]


def fix_categories(tracker: Tracker, order: PortOrder | None = None) -> list[str]:
    """The reasons one fix covers: the one explained and the others of the same notice; with
    none explained yet, the reasons of the `order`'s latest rejection."""
    main = tracker.get_slot(REJECTION_CATEGORY)
    if main:
        return list(dict.fromkeys([main, *(tracker.get_slot(PENDING_CATEGORIES) or [])]))
    if order and fixes.is_split_off(order):
        return [fixes.SPLIT_CATEGORY]
    return [r.category for r in order.current_rejections] if order else []


def fix_fields(tracker: Tracker, order: PortOrder) -> list[str]:
    """The fields the fix form asks for every reason of this fix, each once."""
    catalog = load_catalog()
    return fixes.fields_for([catalog.category(c) for c in fix_categories(tracker)], order)


def fix_taken_fields(tracker: Tracker, order: PortOrder) -> list[str]:
    """The fields the fix asks for and those it keeps when the customer gives them unasked."""
    catalog = load_catalog()
    return fixes.fields_taken([catalog.category(c) for c in fix_categories(tracker)], order)


def fix_answers(tracker: Tracker, order: PortOrder) -> tuple[list[str], dict]:
    """The fields of the fix, and the answers kept for them."""
    fields = fix_taken_fields(tracker, order)
    return fields, {field: tracker.get_slot(field) for field in fields}


def values_for_the_fix(tracker: Tracker, order: PortOrder) -> dict[str, str]:
    """The values the latest message gives for the fix of `order`, by field, read as answers to
    its first question ("yes, can we do thursday the 10th?" to the offer to fix a port date);
    a step reported done is the note of a checklist fix. Empty when there are none."""
    catalog = load_catalog()
    categories = [catalog.category(c) for c in fix_categories(tracker, order)]
    fields = fixes.fields_for(categories, order)
    text = tracker.latest_message.get("text") or ""
    asked = next((field for field in fields if field in answers.FIELDS), None)
    found = {field: f.value for field, f in answers.extract_all(text, asked=asked).items() if f.problem is None}
    values = fixes.values_for(fixes.fields_taken(categories, order), found)
    if fixes.CHECKLIST_FIELD in fields and fixes.CHECKLIST_FIELD not in values and fixes.says_done(text):
        values[fixes.CHECKLIST_FIELD] = fixes.checklist_note(text)
    return values


def noted_with(tracker: Tracker, values: dict[str, str]) -> SlotSet:
    """The answers noted so far with `values` added (secrets encrypted, as action_note_answers keeps them)."""
    box = secret_box()
    kept = {f: box.encrypt(v) if f in answers.SECRET_FIELDS else v for f, v in values.items()}
    return SlotSet(NOTED_ANSWERS, {**(tracker.get_slot(NOTED_ANSWERS) or {}), **kept})


def actor(tracker: Tracker) -> str:
    return f"chat:{tracker.sender_id}"


def resubmission_note(note: str | None, bill: Document | None) -> str | None:
    """The audit trail's note of a resubmission: the customer's note, and the bill that goes with it."""
    return "; ".join(part for part in (note, bill and f"with the bill {bill.document_id}") if part) or None


def bill_request(tracker: Tracker, order: PortOrder) -> list[Reply]:
    """Where to send the recent bill a fix wants; nothing when uploads can't be taken here."""
    try:
        link = document_desk().link(links.UPLOAD, order.order_id)
    except UserError as problem:
        logger.error("no upload link for %s: %s", order.order_id, problem)
        return []
    return [bill_wanted(link, in_slack=tracker.get_latest_input_channel() == "slack")]


def begin_fix(
    dispatcher: CollectingDispatcher, tracker: Tracker, order: PortOrder, read_message: bool = True
) -> list[EventType]:
    """Asks for what the order's rejection needs, or says who can fix it when the chat can't.
    With `read_message`, the values in the message that asked for the fix are kept for it."""
    categories = fix_categories(tracker, order)
    if order.status != OrderStatus.REJECTED and not fixes.is_split_off(order):
        send(dispatcher, [status_reply(order)])
        return [next_step()]
    if not categories:
        send(dispatcher, [ASK_CARRIER_REASON])
        return [next_step()]
    main, *others = categories
    reasons = [SlotSet(REJECTION_CATEGORY, main), SlotSet(PENDING_CATEGORIES, others)]
    catalog = load_catalog()
    fixing = [catalog.category(c) for c in categories]
    fields = fixes.fields_for(fixing, order)
    if not fields:
        send(dispatcher, [fix_needs_person(main)])
        return [*reasons, next_step()]
    # a split-off order is completed with its own account's details: the split is the fix
    wanted = fixes.wants_bill(fixing) and not fixes.is_split_off(order)
    bill = bill_request(tracker, order) if wanted else []
    send(dispatcher, [fix_started(order.order_id, main, fields), *bill])
    given = noted_with(tracker, values_for_the_fix(tracker, order) if read_message else {})
    return [*reasons, SlotSet(LOSING_CARRIER, order.losing_carrier), *clear_fix(), given, next_step("fix_form")]


def answered_before_the_check(tracker: Tracker) -> list[Reply]:
    """The answer to a question asked beside a request that needs the identity check first; a
    message that also gives the ZIP or e-mail has it answered by the check, once the order is found."""
    if answers.extract("order_verifier", tracker.latest_message.get("text") or ""):
        return []
    return answer_in_passing(tracker)


@needs_order_store
class ActionStartFix(Action):
    def name(self) -> str:
        return "action_start_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None:
            send(dispatcher, [*answered_before_the_check(tracker), FIND_ORDER_FIRST])
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
        send(dispatcher, [status_reply(order)])
        return events + [next_step()]


@needs_order_store
class ActionShowOrder(Action):
    """A customer gave an order number: check it is theirs, then show why it was rejected."""

    def name(self) -> str:
        return "action_show_order"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        order, events = verified_order(tracker)
        if order is None or order.order_id != (tracker.get_slot(ORDER_ID) or order.order_id):
            send(dispatcher, answered_before_the_check(tracker))  # "PO-10009 says BTN incorrect. what even is a btn"
            return [SlotSet(VERIFIED_ORDER, None), *verify_first("explain")]
        return events + show_order(dispatcher, order)


def show_order(dispatcher: CollectingDispatcher, order: PortOrder) -> list[EventType]:
    """The order's status and, when rejected, every reason of its latest rejection explained:
    a resubmission that fixes only one of them would be rejected again, so one fix covers all."""
    send(dispatcher, [status_reply(order)])
    if fixes.is_split_off(order):
        send(dispatcher, [SPLIT_OFF_OFFER])
        return [SlotSet(REJECTION_CATEGORY, fixes.SPLIT_CATEGORY), SlotSet(PENDING_CATEGORIES, []), next_step()]
    rejection = order.latest_rejection
    if order.status != OrderStatus.REJECTED or rejection is None:
        return [next_step()]
    current = order.current_rejections
    notices = dict.fromkeys(r.carrier_text for r in current if r.carrier_text)
    categories = list(dict.fromkeys([rejection.category, *(r.category for r in current)]))
    send(
        dispatcher,
        [
            *(carrier_notice(text) for text in notices),
            *(reply for category in categories for reply in explain_rejection(category, order.losing_carrier)),
            FIX_OFFER,
        ],
    )
    return [
        SlotSet(REJECTION_CATEGORY, rejection.category),
        SlotSet(PENDING_CATEGORIES, categories[1:]),
        SlotSet(LOSING_CARRIER, order.losing_carrier),
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
        send(dispatcher, [order_found(order.order_id)])
        if goal == "fix":
            # the answer to the identity check ("30309") is no answer to the fix's first question
            # (a PIN); the message that gave the order number with everything else is
            said = tracker.latest_message.get("text") or ""
            return events + begin_fix(dispatcher, tracker, order, bool(answers.extract("order_id", said)))
        if goal == "status":
            send(dispatcher, [status_reply(order)])
            return events + [next_step()]
        return events + show_order(dispatcher, order)


@needs_order_store
class ActionApplyFix(Action):
    def name(self) -> str:
        return "action_apply_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        store, order = order_store(), verified_order(tracker)[0]
        waiting = order is not None and (order.status == OrderStatus.REJECTED or fixes.is_split_off(order))
        if not waiting or not fix_categories(tracker):
            send(dispatcher, [NOTHING_TO_RESUBMIT])
            return clear_fix()
        fields, answers = fix_answers(tracker, order)
        change = fixes.changes(fields, answers, secret_box())
        done = [*clear_fix(), SlotSet(PENDING_CATEGORIES, []), SlotSet(NOTED_ANSWERS, None)]
        try:
            if fixes.is_split_off(order):
                submitted = store.submit_completed(order.order_id, change, actor(tracker))
                send(dispatcher, [split_off_submitted(submitted)])
                return [*done, SlotSet(REJECTION_CATEGORY, None)]
            categories = [load_catalog().category(c) for c in fix_categories(tracker)]
            resubmitted, split = store.resubmit_corrected(
                order.order_id,
                change,
                actor(tracker),
                note=resubmission_note(answers.get(fixes.CHECKLIST_FIELD), latest_bill(order)),
                sign_first=fixes.needs_new_signature(categories),
                letter_fields=fixes.LETTER_FIELDS,
            )
        except (InvalidChange, ValidationError) as problem:  # the store checks again: nothing half-written
            send(dispatcher, [not_resubmitted(str(problem))])
            return done
        if resubmitted.status is OrderStatus.AWAITING_LOA:  # resubmitted once the new letter is signed
            send(dispatcher, [letter_to_sign(resubmitted, sign_link(resubmitted, actor(tracker)), split)])
        else:
            send(dispatcher, [fix_resubmitted(resubmitted, split)])
        if split:  # the customer who proved the order owns its split-off: shown, and offered to complete
            return [
                *done,
                SlotSet(ORDER_ID, split.order_id),
                SlotSet(VERIFIED_ORDER, split.order_id),
                FollowupAction("action_show_order"),
            ]
        return [*done, SlotSet(REJECTION_CATEGORY, None)]


class ActionCancelFix(Action):
    """'stop', 'cancel' or 'no' at the confirmation: leave the flow, change nothing."""

    def name(self) -> str:
        return "action_cancel_fix"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        send(dispatcher, [FIX_CANCELLED])
        return [
            ActiveLoop(None),
            SlotSet(REQUESTED_SLOT, None),
            SlotSet(AFTER_VERIFICATION, None),
            SlotSet(NOTED_ANSWERS, None),
            *clear_fix(),
        ]


class ActionExplainWhy(Action):
    def name(self) -> str:
        return "action_explain_why"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        send(dispatcher, [why_we_ask(tracker.get_slot(REQUESTED_SLOT))])
        return []


class ActionFieldHelp(Action):
    """'I don't know' to a question: what the field is and where to get it."""

    def name(self) -> str:
        return "action_field_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        field = tracker.get_slot(REQUESTED_SLOT) or ORDER_ID
        send(dispatcher, [field_help(field, tracker.get_slot(LOSING_CARRIER), offer_person=True)])
        return []

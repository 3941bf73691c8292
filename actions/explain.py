"""Explanations: a rejection category, a glossary term, or a clarifying question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import needs_order_store, offered_the_fix, order_store, status_reply
from actions.dispatch import send
from actions.orders import values_for_the_fix
from actions.questions import OUT_OF_SCOPE, answer_question, define_terms, likeliest_intent, says_yes, side_answers
from actions.slots import LOSING_CARRIER, PENDING_CATEGORIES, REJECTION_CATEGORY, VERIFIED_ORDER
from bot.core import answers, fixes
from bot.core.catalog import load_catalog
from bot.core.decisions import asks_for_a_person, asks_to_fix
from bot.core.notices import find_categories
from bot.core.orders.records import OrderStatus, PortOrder
from bot.core.replies import FIX_OFFER, clarify_rejection, define_term, explain_rejection, not_understood_about
from bot.core.understanding import Understanding, follow_up_terms, understand

# How many likely categories the clarifying question offers, and how unlikely is too unlikely.
CLARIFY_CANDIDATES = 3
CLARIFY_MIN_CONFIDENCE = 0.05


def _entity(understanding: Understanding, kind: str) -> str | None:
    return next((e["value"] for e in understanding.entities if e["entity"] == kind), None)


def explain(dispatcher: CollectingDispatcher, tracker: Tracker, understanding: Understanding) -> list[EventType]:
    """Explains the message's main category; the others wait in `pending_categories`."""
    main, *others = understanding.categories
    waiting = [c for c in [*(tracker.get_slot(PENDING_CATEGORIES) or []), *others] if c != main]
    waiting = list(dict.fromkeys(waiting))
    carrier = _entity(understanding, "carrier") or tracker.get_slot(LOSING_CARRIER)
    send(dispatcher, [*explain_rejection(main, carrier, tuple(waiting)), FIX_OFFER])
    return [
        SlotSet(REJECTION_CATEGORY, main),
        SlotSet(PENDING_CATEGORIES, waiting),
        SlotSet(LOSING_CARRIER, carrier),
    ]


def order_to_fix(tracker: Tracker) -> PortOrder | None:
    """The order this conversation verified that waits for a fix (a rejected one, or one a split
    moved numbers to), when no form is running."""
    order_id = tracker.get_slot(VERIFIED_ORDER)
    if not order_id or tracker.active_loop.get("name"):
        return None
    order = order_store().get(order_id)
    return order if order.status == OrderStatus.REJECTED or fixes.is_split_off(order) else None


def names_an_order(tracker: Tracker) -> bool:
    """The message gives an order number: the order itself says why it was rejected, so it is
    looked up (after the identity check) instead of asking the customer for the reason."""
    return bool(answers.extract("order_id", tracker.latest_message.get("text") or ""))


def where_it_belongs(tracker: Tracker) -> list[EventType]:
    """A message the rules sent to an explanation that is really something else: values for the
    fix of the order found, a request for a person, or an order number (whose own rejection is
    explained after the identity check, or fixed right away when the customer asks for that)."""
    text = tracker.latest_message.get("text") or ""
    order = order_to_fix(tracker)  # read once: every branch below asks about the same order
    # values for the fix instead of "fix it" ("Dana Whitfield, Operations Director"): the fix
    # reads them out of this message when it starts
    if order and values_for_the_fix(tracker, order):
        return [FollowupAction("action_start_fix")]
    if asks_for_a_person(text):
        return [FollowupAction("action_handoff")]
    # "do we have to fix both the name and the address?", "ya go" to the offer to fix; also before
    # the order is found ("yes please, i already got a new transfer pin": the fix asks for it)
    if (order or offered_the_fix(tracker)) and (asks_to_fix(text) or says_yes(text)):
        return [FollowupAction("action_start_fix")]
    if names_an_order(tracker):
        return [FollowupAction("action_start_fix" if asks_to_fix(text) else "action_show_order")]
    return []


def about_the_order(dispatcher: CollectingDispatcher, tracker: Tracker, understanding: Understanding) -> bool:
    """With an order found, a message in the customer's own words that the classifier reads as
    some other rejection ("which section of settings?" read as remaining services) is about that
    order, not a new notice: the customer is told where the order stands and what they can say,
    and the reasons being fixed stay the order's own. True when that was answered."""
    order_id = tracker.get_slot(VERIFIED_ORDER)
    if not order_id or find_categories(understanding.text):
        return False
    order = order_store().get(order_id)
    own = [r.category for r in order.current_rejections] if order.status == OrderStatus.REJECTED else []
    if understanding.category in own:
        return False
    if not answer_question(dispatcher, tracker):
        send(dispatcher, [not_understood_about(order, status_reply(order))])
    return True


@needs_order_store
class ActionExplainRejection(Action):
    def name(self) -> str:
        return "action_explain_rejection"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if elsewhere := where_it_belongs(tracker):
            return elsewhere
        understanding = understand(tracker.latest_message)
        if about_the_order(dispatcher, tracker, understanding):
            return []
        if not understanding.categories:  # "my port was rejected", and no reason in the words
            dispatcher.utter_message(response="utter_ask_rejection_reason")
            return []
        return explain(dispatcher, tracker, understanding)


@needs_order_store
class ActionClarifyRejection(Action):
    """Low-confidence messages: a notice's own words still decide; else ask, with buttons."""

    def name(self) -> str:
        return "action_clarify_rejection"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if elsewhere := where_it_belongs(tracker):
            return elsewhere
        understanding = understand(tracker.latest_message)
        if about_the_order(dispatcher, tracker, understanding):
            return []
        if understanding.categories:
            return explain(dispatcher, tracker, understanding)
        catalog = load_catalog()
        ranking = tracker.latest_message.get("intent_ranking") or []
        if terms := follow_up_terms(tracker.latest_message):  # "and CSR?" after a glossary answer
            send(dispatcher, define_terms(terms))
            return []
        # "our office internet went out": where to go, not a menu of reasons
        if likeliest_intent(tracker) == OUT_OF_SCOPE:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        candidates = [
            catalog.category_for_intent(r.get("name"))
            for r in ranking
            if (r.get("confidence") or 0) >= CLARIFY_MIN_CONFIDENCE
        ]
        candidates = [c for c in candidates if c][:CLARIFY_CANDIDATES]
        send(dispatcher, side_answers(tracker) or [clarify_rejection(candidates)])
        return []


_NOT_AN_ANSWER = frozenset({"action_listen", "action_extract_slots", "action_recover"})


def answered_already(tracker: Tracker) -> bool:
    """Whether an action already answered the latest message (a hand-off the rules did not expect)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in _NOT_AN_ANSWER:
            return True
    return False


@needs_order_store
class ActionRecover(Action):
    """A turn no rule covers ("ya go" to an offer the rules didn't see coming, a question in
    passing): the fix, a person, the answer to the question, or where the order stands, before
    "say it another way". A message that only got an answer is forgotten, so the flow it
    interrupted goes on (Rasa's default fallback does the same)."""

    def name(self) -> str:
        return "action_recover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if answered_already(tracker):  # no rule for what follows an action: the turn simply ends
            return [FollowupAction("action_listen")]
        if elsewhere := where_it_belongs(tracker):
            return elsewhere
        order_id = tracker.get_slot(VERIFIED_ORDER)
        order = order_store().get(order_id) if order_id else None
        answered = answer_question(dispatcher, tracker)
        if not answered and order:
            send(dispatcher, [not_understood_about(order, status_reply(order))])
        elif not answered:
            dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]


class ActionExplainTerm(Action):
    def name(self) -> str:
        return "action_explain_term"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        # "what does LOA mean? and FOC?": every term asked about, each once
        understanding = understand(tracker.latest_message)
        terms = list(dict.fromkeys(e["value"] for e in understanding.entities if e["entity"] == "term"))
        send(dispatcher, define_terms(terms) or [define_term(None)])
        return []

"""Explanations: a rejection category, a glossary term, or a clarifying question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dispatch import send
from actions.slots import LOSING_CARRIER, PENDING_CATEGORIES, REJECTION_CATEGORY
from bot.core.catalog import load_catalog
from bot.core.replies import FIX_OFFER, clarify_rejection, define_term, explain_rejection
from bot.core.understanding import Understanding, understand

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


class ActionExplainRejection(Action):
    def name(self) -> str:
        return "action_explain_rejection"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        understanding = understand(tracker.latest_message)
        if not understanding.categories:  # "my port was rejected", and no reason in the words
            dispatcher.utter_message(response="utter_ask_rejection_reason")
            return []
        return explain(dispatcher, tracker, understanding)


class ActionClarifyRejection(Action):
    """Low-confidence messages: a notice's own words still decide; else ask, with buttons."""

    def name(self) -> str:
        return "action_clarify_rejection"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        understanding = understand(tracker.latest_message)
        if understanding.categories:
            return explain(dispatcher, tracker, understanding)
        catalog = load_catalog()
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = [
            catalog.category_for_intent(r.get("name"))
            for r in ranking
            if (r.get("confidence") or 0) >= CLARIFY_MIN_CONFIDENCE
        ]
        candidates = [c for c in candidates if c][:CLARIFY_CANDIDATES]
        send(dispatcher, [clarify_rejection(candidates)])
        return []


class ActionExplainTerm(Action):
    def name(self) -> str:
        return "action_explain_term"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        term = _entity(understand(tracker.latest_message), "term")
        send(dispatcher, [define_term(term)])
        return []

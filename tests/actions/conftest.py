"""Helpers to run an action the way the action server does: a tracker in, events and messages out."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(text: str = "", intent: str | None = None, confidence: float = 0.95,
                 entities: list[dict] | None = None, slots: dict | None = None,
                 ranking: list[tuple[str, float]] | None = None, sender: str = "tester") -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "entities": entities or [],
              "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])]}
    return Tracker(sender, slots or {}, latest, [], False, None, {}, "action_listen")


def run_action(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    """(events, messages) the action returns and sends."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return events, dispatcher.messages


@pytest.fixture
def tracker_for():
    return make_tracker

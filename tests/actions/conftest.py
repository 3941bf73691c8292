"""Helpers to run an action the way the action server does: a tracker in, events and messages out."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import _store_for, order_store
from bot.core.orders.demo import seed_demo
from bot.core.secrets import generate_key
from bot.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def make_tracker(
    text: str = "",
    intent: str | None = None,
    confidence: float = 0.95,
    entities: list[dict] | None = None,
    slots: dict | None = None,
    ranking: list[tuple[str, float]] | None = None,
    sender: str = "tester",
    response_selector: dict | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])],
        "response_selector": response_selector or {},
    }
    return Tracker(sender, slots or {}, latest, [], False, None, {}, "action_listen")


def run_action(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    """(events, messages) the action returns and sends."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return events, dispatcher.messages


@pytest.fixture
def tracker_for():
    return make_tracker


def validate(form, **tracker_args) -> tuple[list[dict], list[str]]:
    """Runs a form's validation with `answers` given as freshly extracted slots: (events, texts)."""
    answers = tracker_args.pop("answers")
    tracker = make_tracker(**tracker_args)
    tracker.events.append({"event": "user", "text": "answer"})
    for name, value in answers.items():
        tracker.events.append({"event": "slot", "name": name, "value": value})
        tracker.slots[name] = value
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form.run(dispatcher, tracker, DOMAIN))
    return events, [m.get("text") or "" for m in dispatcher.messages]


@pytest.fixture
def demo_store(tmp_path, monkeypatch):
    """The actions' order store: the demo orders in a SQLite file of the test's own."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'orders.db'}")
    monkeypatch.setenv("PIN_ENCRYPTION_KEY", generate_key())
    monkeypatch.setenv("DOCUMENT_LINK_SECRET", "test-document-links-0123456789abcdef")
    monkeypatch.setenv("DOCUMENTS_URL", str(tmp_path / "documents"))
    monkeypatch.setenv("PUBLIC_WEB_URL", "http://chat.example")
    seed_demo(order_store())
    yield order_store()
    order_store().close()
    _store_for.cache_clear()

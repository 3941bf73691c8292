"""MaskingTrackerStore on a real SQLite file: what a turn appends is stored once, in order."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from bot.adapters.tracker_store import STORED_EVENTS, MaskingTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  pin:
    type: any
    mappings: [{type: custom}]
""")


@pytest.fixture
def store(tmp_path):
    return MaskingTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))


def texts(tracker):
    return [
        getattr(event, "text", None) or getattr(event, "action_name", None) or event.type_name
        for event in tracker.events
    ]


def turn(tracker, said, answer):
    tracker.update(UserUttered(said))
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(BotUttered(answer))
    tracker.update(ActionExecuted("action_listen"))


async def new_conversation(store, sender):
    """A conversation's first tracker, as the next message would read it back."""
    await store.get_or_create_tracker(sender)
    return await store.retrieve(sender)


async def turn_saved(store, tracker, said, answer):
    turn(tracker, said, answer)
    await store.save(tracker)


def stored_rows(store):
    with store.session_scope() as session:
        return session.query(store.SQLEvent).count()


def test_each_turn_is_stored_once_and_reads_back_in_order(store):
    async def conversation():
        tracker = await store.get_or_create_tracker("alice")
        for number in range(3):
            tracker = await store.retrieve("alice")
            assert getattr(tracker, STORED_EVENTS) == len(tracker.events)
            await turn_saved(store, tracker, f"message {number}", f"answer {number}")
        return await store.retrieve("alice")

    tracker = asyncio.run(conversation())
    assert texts(tracker) == ["action_listen"] + [
        text for n in range(3) for text in (f"message {n}", "utter_answer", f"answer {n}", "action_listen")
    ]
    assert stored_rows(store) == len(tracker.events)


def test_saving_the_same_tracker_twice_adds_only_what_is_new(store):
    async def conversation():
        tracker = await new_conversation(store, "bob")
        await turn_saved(store, tracker, "first", "one")
        await turn_saved(store, tracker, "second", "two")
        return await store.retrieve("bob")

    tracker = asyncio.run(conversation())
    assert texts(tracker)[1:] == [
        "first",
        "utter_answer",
        "one",
        "action_listen",
        "second",
        "utter_answer",
        "two",
        "action_listen",
    ]
    assert stored_rows(store) == len(tracker.events)


def test_a_session_started_in_the_turn_is_followed_by_the_next_retrieve(store):
    async def conversation():
        await turn_saved(store, await new_conversation(store, "carol"), "old session", "old answer")
        tracker = await store.retrieve("carol")
        for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
            tracker.update(event)
        await turn_saved(store, tracker, "new session", "new answer")
        await turn_saved(store, tracker, "same object again", "again")
        return await store.retrieve("carol"), await store.retrieve_full_tracker("carol")

    latest, full = asyncio.run(conversation())
    assert texts(latest)[:2] == ["session_started", "action_listen"]
    assert texts(latest).count("new session") == 1 and texts(latest).count("same object again") == 1
    assert texts(full).count("old session") == 1 and texts(full).count("new session") == 1


def test_a_pin_answer_is_masked_in_the_database_on_the_fast_path(store):
    async def conversation():
        tracker = await new_conversation(store, "dave")
        tracker.update(ActionExecuted("fix_form"))
        tracker.update(SlotSet("requested_slot", "pin"))
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("583920"))
        await store.save(tracker)
        return await store.retrieve("dave")

    tracker = asyncio.run(conversation())
    assert "583920" not in repr([event.as_dict() for event in tracker.events])
    assert stored_rows(store) == len(tracker.events)

"""Rasa tracker store that masks secrets before a conversation is persisted or published.

A PIN or account number reaches Rasa twice in plain text: as the customer's message, and as the
slot value a form's mapping extracts before our validator replaces it with ciphertext. Both
would be written to the tracker database. `mask_events` finds those plain values (the answers
given while a secret slot was being asked for, and secret slot values that are not ciphertext)
and masks them wherever they appear in the conversation. This module is an adapter: the one
place the order flow's secrets meet Rasa's storage.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from bot.core import answers
from bot.core.catalog import load_catalog
from bot.core.errors import UserError
from bot.core.secrets import MASK, SecretBox, is_ciphertext, mask_text

SECRET_SLOTS = frozenset(field.id for field in load_catalog().fields if field.secret)
NOTED_ANSWERS = "noted_answers"  # values the customer gave, secrets as ciphertext (actions/noted.py)
# On a tracker `retrieve` returned: how many of its events the database already holds.
STORED_EVENTS = "_stored_event_count"


@functools.lru_cache(maxsize=4096)
def _typed_secrets(text: str) -> frozenset[str]:
    """The secrets a message names wherever it is typed ("it also had me make a transfer pin,
    it's 4418207"), as the customer typed them."""
    found = answers.extract_all(text)
    return frozenset(text[f.span[0] : f.span[1]] for field, f in found.items() if field in answers.SECRET_FIELDS)


@functools.lru_cache(maxsize=4096)
def _decrypted(ciphertext: str) -> str:
    """A secret the action server encrypted (the Rasa server shares its key), to mask its plain form;
    empty when it can't be read (another key), which masks nothing."""
    try:
        return SecretBox().decrypt(ciphertext)
    except UserError:
        return ""


def _plain_secrets(events: list[dict]) -> set[str]:
    found, requested = set(), None
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "slot" and event.get("name") in SECRET_SLOTS:
            value = event.get("value")
            if isinstance(value, str) and value and not is_ciphertext(value):
                found.add(value)
            elif isinstance(value, str) and value:
                found.add(_decrypted(value))  # the customer may have typed it where nothing labels it
        elif kind == "slot" and event.get("name") == NOTED_ANSWERS and isinstance(event.get("value"), dict):
            found.update(_decrypted(v) for v in event["value"].values() if isinstance(v, str) and is_ciphertext(v))
        elif kind == "user" and event.get("text"):
            found.update(_typed_secrets(event["text"]))
            if requested in SECRET_SLOTS:
                found.add(event["text"].strip())
        elif kind == "active_loop" and not event.get("name"):
            requested = None
    return {secret for secret in found if secret}


def _mask_strings(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, str):
        return mask_text(value, secrets, keep=0)  # a stored conversation keeps no digit of it
    if isinstance(value, dict):
        return {key: _mask_strings(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_strings(item, secrets) for item in value]
    return value


def mask_events(events: list[dict]) -> list[dict]:
    """The events with every plain secret replaced by a mask; ciphertext is kept.

    Only what a person said or was told (user and bot events, with their parse data) and slot
    values that contain a secret are touched; ciphertext never matches a plain secret.
    """
    secrets = _plain_secrets(events)
    if not secrets:
        return events
    said = {event.get("text") for event in events if event.get("event") == "user"}
    masked = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") in SECRET_SLOTS:
            value = event.get("value")
            if isinstance(value, str) and not is_ciphertext(value):
                event = {**event, "value": MASK}
        elif kind in ("user", "bot") or (
            kind == "slot" and isinstance(event.get("value"), str) and event["value"] in said
        ):
            # a slot mapped from the whole message (a form answer) holds the secrets typed in it too;
            # a checked value is left alone (a BTN whose digits are also the account number the
            # customer typed stays a dialable BTN)
            event = _mask_strings(event, secrets)
        masked.append(event)
    return masked


def _tune_sqlite_connection(connection, _record) -> None:
    # WAL: readers (the HTTP API, `orders` CLI, a backup) never block the server's writes.
    # synchronous=NORMAL: a commit survives a crash of the server, not a power cut of the
    # machine, and no longer waits for the disk on every turn (PostgreSQL is the durable choice).
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


class MaskingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (SQLite or PostgreSQL) that never writes a plain secret."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()

    def _pool_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 opens a new SQLite connection for every session, twice a turn, and
        each commit waits for the disk: together about a tenth of the server's CPU per reply."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4, connect_args={"check_same_thread": False}
        )
        sa.event.listen(self.engine, "connect", _tune_sqlite_connection)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Rasa counts the stored events with a query on every save, a sixth of the store's CPU
        per reply; a tracker fresh from `retrieve` already knows the count (the lock store keeps
        other writers of the conversation out until it is saved)."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None or tracker.events.maxlen is not None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = [event.as_dict() for event in tracker.events]
        masked = mask_events(events)
        to_store = tracker
        if masked is not events:
            to_store = DialogueStateTracker.from_dict(
                tracker.sender_id, masked, self.domain.slots, tracker._max_event_history
            )
            if hasattr(tracker, STORED_EVENTS):
                setattr(to_store, STORED_EVENTS, getattr(tracker, STORED_EVENTS))
        await super().save(to_store)
        # Rasa's count query would now miscount this tracker if a session started in the turn
        # (it counts from the newest SessionStarted): the database holds all of its events.
        if hasattr(tracker, STORED_EVENTS):
            setattr(tracker, STORED_EVENTS, len(tracker.events))

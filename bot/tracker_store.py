"""Rasa tracker store that masks secrets before a conversation is persisted or published.

A PIN or account number reaches Rasa twice in plain text: as the customer's message, and as the
slot value a form's mapping extracts before our validator replaces it with ciphertext. Both
would be written to the tracker database. `mask_events` finds those plain values (the answers
given while a secret slot was being asked for, and secret slot values that are not ciphertext)
and masks them wherever they appear in the conversation. This module is an adapter: the one
place the order flow's secrets meet Rasa's storage.
"""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.secrets import MASK, is_ciphertext, mask_text

SECRET_SLOTS = frozenset({"pin", "account_number"})


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
        elif kind == "user" and requested in SECRET_SLOTS and event.get("text"):
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

    Only what a person said or was told (user and bot events, with their parse data) and the
    secret slots are touched, so other slots keep their exact values.
    """
    secrets = _plain_secrets(events)
    if not secrets:
        return events
    masked = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") in SECRET_SLOTS:
            value = event.get("value")
            if isinstance(value, str) and not is_ciphertext(value):
                event = {**event, "value": MASK}
        elif kind in ("user", "bot"):
            event = _mask_strings(event, secrets)
        masked.append(event)
    return masked


class MaskingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (SQLite or PostgreSQL) that never writes a plain secret."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = [event.as_dict() for event in tracker.events]
        masked = mask_events(events)
        if masked is not events:
            tracker = DialogueStateTracker.from_dict(
                tracker.sender_id, masked, self.domain.slots, tracker._max_event_history)
        await super().save(tracker)

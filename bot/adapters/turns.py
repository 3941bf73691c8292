"""When a failed turn may forget the customer's message: shared by the Rasa server (action
server unreachable) and the action server (order store unavailable), which see the same
conversation as Rasa event objects and as event dicts."""

from __future__ import annotations

from collections.abc import Iterable


def first_action_of_the_turn(event_kinds_newest_first: Iterable[str | None]) -> bool:
    """Whether the bot is answering a customer's message and no action has run for it yet.

    `event_kinds_newest_first` are the events' type names ("user", "action", "slot", ...).
    Only then can the message be forgotten with `UserUtteranceReverted`: once a form has run
    again in this turn, Rasa hides the message from its applied events (the form's happy path
    is folded into one step), and a revert would reach back to an older message. Between
    messages (an action run through the HTTP API) there is no message to forget."""
    for kind in event_kinds_newest_first:
        if kind == "user":
            return True
        if kind == "action":
            return False
    return False

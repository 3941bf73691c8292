"""Customers in their own words, end to end over the REST channel against the real servers.

Every conversation of this folder's YAML files runs against its own copy of a demo order; at the
end the order's status and every expected field are compared exactly. (That nothing the
customer typed as a secret is kept in clear anywhere is checked by tests/security/, which plays
them all again and searches every file the servers wrote.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest

from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from tests.conftest import RestClient, sign_if_asked
from tests.conversations.script import Conversation, copy_of_demo, load, take_turn

CONVERSATIONS = load()


@pytest.fixture(scope="module")
def store(stack) -> Iterator[OrderStore]:
    orders = OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))
    yield orders
    orders.close()


def expected_value(value):
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_the_customer_gets_the_right_end_state(stack, store, conversation: Conversation):
    order = copy_of_demo(store, conversation) if conversation.demo else None
    customer = RestClient(stack, f"conversation-{uuid.uuid4().hex[:10]}")
    transcript: list[str] = []
    for turn in conversation.turns:
        said, answer = take_turn(customer, turn, order, transcript)
        shown = "\n".join(transcript)
        for wanted in turn.expect:
            assert wanted.lower() in answer.lower(), f"{wanted!r} not in the answer to {said!r}\n{shown}"
        for unwanted in turn.refuse:
            assert unwanted.lower() not in answer.lower(), f"{unwanted!r} in the answer to {said!r}\n{shown}"
    shown = "\n".join(transcript)
    if order is not None:
        final = store.get(order.order_id)
        if final.status.value == "awaiting_loa" and conversation.status == "resubmitted":
            # the fix changed the letter of authorization: the authorized person signs the one the
            # chat linked to, and only that resubmits the order
            assert sign_if_asked(shown, final.authorized_name), f"no link to sign in the chat\n{shown}"
            final = store.get(order.order_id)
        if conversation.status:
            assert final.status.value == conversation.status, shown
        for name, value in conversation.fields.items():
            actual = store.reveal_pin(final.order_id) if name == "pin" else getattr(final, name)
            if isinstance(actual, tuple):
                actual = list(actual)
            assert expected_value(actual) == expected_value(value), f"{name}: {actual!r}\n{shown}"
        if isinstance(conversation.ticket, bool):
            assert bool(store.tickets(order.order_id)) == conversation.ticket, shown
        elif conversation.ticket is not None:
            assert len(store.tickets(order.order_id)) == conversation.ticket, shown

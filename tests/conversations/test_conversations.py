"""Customers in their own words, end to end over the REST channel against the real servers.

Every conversation of this folder's YAML files runs against its own copy of a demo order; at the
end the order's status and every expected field are compared exactly, and nothing the customer
typed as a secret may be found in clear in any file the servers wrote (databases with their
write-ahead logs, logs), except the order's own account number in the order store.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from bot.core.orders.demo import DEMO_ORDERS, FIRST_DEMO_NUMBER
from bot.core.orders.records import PortOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from tests.conftest import RestClient
from tests.conversations.script import Conversation, load

CONVERSATIONS = load()


@pytest.fixture(scope="module")
def store(stack) -> Iterator[OrderStore]:
    orders = OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))
    yield orders
    orders.close()


def copy_of_demo(store: OrderStore, conversation: Conversation) -> PortOrder:
    """A new order with the demo order's data and its rejection (or the conversation's own
    rejections), under an id of its own."""
    demo_category, demo_notice, order = DEMO_ORDERS[int(conversation.demo.removeprefix("PO-")) - FIRST_DEMO_NUMBER]
    copy = store.add(replace(order, customer_id=None), actor="test")
    for category, notice in conversation.rejections or ((demo_category, demo_notice),):
        copy = store.record_rejection(copy.order_id, category, notice)
    return copy


def fill(text: str, order: PortOrder | None) -> str:
    if order is None:
        return text
    return (
        text.replace("{order}", order.order_id)
        .replace("{zip}", order.service_zip or "")
        .replace("{email}", order.contact_email or "")
    )


def expected_value(value):
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_the_customer_gets_the_right_end_state(stack, store, conversation: Conversation):
    order = copy_of_demo(store, conversation) if conversation.demo else None
    customer = RestClient(stack, f"conversation-{uuid.uuid4().hex[:10]}")
    transcript = []
    for turn in conversation.turns:
        said = fill(turn.say, order)
        answer = customer.texts(said)
        transcript += [f"customer: {said}", f"bot: {answer}"]
        shown = "\n".join(transcript)
        for wanted in turn.expect:
            assert wanted.lower() in answer.lower(), f"{wanted!r} not in the answer to {said!r}\n{shown}"
        for unwanted in turn.refuse:
            assert unwanted.lower() not in answer.lower(), f"{unwanted!r} in the answer to {said!r}\n{shown}"
    shown = "\n".join(transcript)
    if order is not None:
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
    # The order store keeps the account number the carrier needs in clear (PINs it encrypts); the
    # conversation store, the logs and every other file keep no secret the customer typed.
    on_the_order = {str(conversation.fields.get("account_number"))}
    for secret in conversation.secrets:
        for path in stack.settings.var_dir.rglob("*"):
            if not path.is_file() or path == stack.settings.env_file:
                continue
            if path.name.startswith("orders.db") and secret in on_the_order:
                continue
            # standing alone: a 4-digit secret also occurs inside a float, a timestamp or a random id
            typed = rb"(?<![0-9A-Za-z])" + re.escape(secret).encode() + rb"(?![0-9A-Za-z])"
            assert not re.search(typed, path.read_bytes()), f"{secret!r} in clear in {path}"

"""Guessing one's way into a port order, tried as an attacker would, against the real servers.

Order numbers are sequential and a ZIP has 100,000 values, so the identity check is all that
stands between a script and an order's numbers, carrier and the power to resubmit it. Each test
works on orders of its own, so the locks it causes touch no other test of the session's stack.
"""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from bot.core.orders.records import NewOrder, PortOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from tests.conftest import RestClient, orders_show

LOCKED = "can't check that order right now"
NO_MATCH = "couldn't match"


@pytest.fixture(scope="module")
def store(stack):
    orders = OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))
    yield orders
    orders.close()


def new_order(store: OrderStore, number: int = 0) -> PortOrder:
    """A rejected T-Mobile order with data that must not leak (fictional 555-01xx numbers)."""
    order = store.add(
        NewOrder(
            numbers=(f"+1206555{170 + number % 30:04d}",),
            losing_carrier="T-Mobile",
            account_name=f"Guarded Customer {number}",
            service_zip=f"{98101 + number % 90}",
            contact_email=f"guarded{number}@example.com",
            customer_id=f"C-SEC-{uuid.uuid4().hex[:8]}",
            account_number=f"77455501{number:04d}",
        ),
        actor="test",
    )
    return store.record_rejection(order.order_id, "pin_invalid", "Invalid PIN")


def stranger(stack, address: str | None = None) -> RestClient:
    """A new conversation, as a script makes one per try: a new sender id (and address)."""
    return RestClient(stack, f"guess-{uuid.uuid4().hex[:12]}", address)


def try_identity(customer: RestClient, order_id: str, verifier: str) -> str:
    return customer.texts(f"what's the status of port order {order_id}") + "\n" + customer.texts(verifier)


def reveals(reply: str, order: PortOrder) -> bool:
    """Whether a reply shows anything of the order beyond what the guesser typed."""
    shown = [
        order.account_name,
        order.contact_email,
        "T-Mobile",
        order.numbers[0][-4:],
        "rejected",
        f"found {order.order_id}",
    ]
    return any(value.lower() in reply.lower() for value in shown)


def test_a_new_conversation_per_guess_is_locked_within_five_and_shown_nothing(stack, store):
    order = new_order(store, 1)
    replies = [try_identity(stranger(stack), order.order_id, f"{10000 + guess}") for guess in range(30)]
    assert all(NO_MATCH in reply for reply in replies[:4]), replies[:5]
    # the fifth wrong answer starts the lock; from then on even the right ZIP gets the same answer
    assert all(LOCKED in reply for reply in replies[4:]), replies[4:6]
    right = try_identity(stranger(stack), order.order_id, order.service_zip)
    assert LOCKED in right and not any(reveals(reply, order) for reply in [*replies, right])
    shown = orders_show(stack, order.order_id)
    assert shown["identity_locked_until"], shown
    trail = [event["note"] for event in shown["audit"] if event["actor"] == "identity check"]
    assert len(trail) == 1 and "after 5 wrong answers" in trail[0]


def test_an_order_id_nobody_has_locks_the_same_way(stack, store):
    """Else a lock would tell a guesser which order ids exist."""
    real, unknown = new_order(store, 2), f"PO-{int(new_order(store, 3).order_id[3:]) + 500}"
    for order_id in (real.order_id, unknown):
        for guess in range(5):
            try_identity(stranger(stack), order_id, f"{20000 + guess}")
    answers = [try_identity(stranger(stack, "192.0.2.10"), order_id, "30000") for order_id in (real.order_id, unknown)]
    assert answers[0] == answers[1] and LOCKED in answers[0]


def test_the_owner_after_someone_elses_guesses_is_told_to_wait_or_get_a_person(stack, store):
    order = new_order(store, 4)
    for guess in range(5):
        try_identity(stranger(stack), order.order_id, f"{40000 + guess}")
    owner = stranger(stack)
    reply = try_identity(owner, order.order_id, order.service_zip)
    assert LOCKED in reply and "try again in about 15 minutes" in reply and "ask for a person" in reply
    assert "no such order" not in reply.lower() and NO_MATCH not in reply
    handed = owner.texts("please have someone from your team contact me at sam.owner@example.net")
    assert "ticket" in handed.lower() and "sam.owner@example.net" in handed and not reveals(handed, order)


def test_a_sweep_over_fifty_orders_from_one_client_is_slowed(stack, store):
    """One address, a new conversation for each order: after ten wrong answers the client gets
    nothing more, not even for an order it then names with its right ZIP."""
    orders = [new_order(store, 10 + number) for number in range(50)]
    address = "203.0.113.77"
    replies = [try_identity(stranger(stack, address), order.order_id, "11111") for order in orders]
    # the tenth wrong answer starts the client's lock: 40 orders are never tried
    assert all(NO_MATCH in reply for reply in replies[:9]) and all(LOCKED in reply for reply in replies[9:])
    right = try_identity(stranger(stack, address), orders[-1].order_id, orders[-1].service_zip)
    assert LOCKED in right and not reveals(right, orders[-1])
    # the orders themselves are not locked: each had one wrong answer, or none
    assert NO_MATCH not in try_identity(stranger(stack), orders[-1].order_id, orders[-1].service_zip)


def test_a_customer_signed_in_on_the_website_is_not_affected(stack, store):
    order = new_order(store, 5)
    for guess in range(6):
        try_identity(stranger(stack), order.order_id, f"{50000 + guess}")
    assert LOCKED in try_identity(stranger(stack), order.order_id, order.service_zip)
    token = jwt.encode(
        {"sub": order.customer_id, "exp": int(time.time()) + 600},
        stack.env_values["CUSTOMER_TOKEN_SECRET"],
        algorithm="HS256",
    )
    signed_in = stranger(stack)
    answer = " ".join(
        m.get("text", "") for m in signed_in.say("what's the status of my port?", metadata={"customer_token": token})
    )
    assert order.order_id in answer and LOCKED not in answer


def test_the_client_address_in_the_body_is_not_believed(stack, store):
    """The per-client count is by the address the server saw: metadata a script sends is replaced."""
    order = new_order(store, 6)
    address = "198.51.100.23"
    for guess in range(10):
        customer = stranger(stack, address)
        customer.say(f"status of {new_order(store, 60 + guess).order_id}")
        customer.say("11111", metadata={"client": f"spoofed-{guess}"})
    assert LOCKED in try_identity(stranger(stack, address), order.order_id, order.service_zip)

"""The guessing lock in the production shape: two Rasa replicas (and two action servers) sharing
PostgreSQL and Redis. A guesser whose tries alternate between the replicas, each try a new
conversation from a new address, is locked as on one server: the count is in the order store."""

from __future__ import annotations

import uuid

import requests

from bot.core.orders.records import NewOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from tests.security.test_guessing import LOCKED, NO_MATCH

GUESSES = 12


def say(replica: str, sender: str, address: str, message: str) -> str:
    response = requests.post(
        f"{replica}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers={"X-Forwarded-For": address},
        timeout=120,
    )
    response.raise_for_status()
    return "\n".join(reply.get("text", "") for reply in response.json())


def try_identity(replica: str, order_id: str, verifier: str, address: str) -> str:
    sender = f"replica-guess-{uuid.uuid4().hex[:12]}"
    return say(replica, sender, address, f"status of port order {order_id}") + say(replica, sender, address, verifier)


def test_guesses_spread_over_two_replicas_lock_the_order_within_five(cluster):
    store = OrderStore(cluster.settings.database_url, SecretBox(cluster.env_values["PIN_ENCRYPTION_KEY"]))
    try:
        order = store.add(
            NewOrder(
                numbers=("+12065550190",),
                losing_carrier="Verizon Wireless",
                account_name="Replica Guarded",
                service_zip="98121",
                contact_email="replica.guarded@example.com",
                account_number="55501900001",
            ),
            actor="test",
        )
        store.record_rejection(order.order_id, "pin_invalid", "Invalid PIN")
    finally:
        store.close()
    replicas = cluster.replica_urls[:2]
    replies = [
        try_identity(replicas[guess % 2], order.order_id, f"{60000 + guess}", f"10.77.0.{guess + 1}")
        for guess in range(GUESSES)
    ]
    assert all(NO_MATCH in reply for reply in replies[:4]) and all(LOCKED in reply for reply in replies[4:]), replies
    # the right ZIP, on either replica and through the load balancer, reveals nothing now
    for url in [*replicas, cluster.settings.rasa_url]:
        reply = try_identity(url, order.order_id, order.service_zip, "10.77.1.1")
        assert LOCKED in reply and "Verizon" not in reply and "Replica Guarded" not in reply

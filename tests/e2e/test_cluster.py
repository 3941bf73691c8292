"""The production profile under load: two Rasa replicas sharing a PostgreSQL tracker store and a
Redis lock store, two action servers, port orders on PostgreSQL, HAProxy in front of each group.

Fifty customers fix a PIN rejection at the same time, each sending its messages to replica A
and replica B in turn. Every conversation must come out whole: each message stored once, in
order, the slots of that conversation only, and the order store holding that customer's PIN.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import requests

from bot.core.orders.records import NewOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import MASK, SecretBox

CONVERSATIONS = 50
REPLY_TIMEOUT = aiohttp.ClientTimeout(total=120)  # two replicas on two shared cores: replies queue up
NOTICE = "WPR 8C PASSCODE_PIN_INVALID: Invalid PIN. The passcode supplied does not match the account."


@dataclass(frozen=True)
class Customer:
    sender: str
    order_id: str
    zip_code: str
    pin: str

    def script(self) -> list[tuple[str, str]]:
        """(message, text expected in the reply): a PIN rejection explained, verified and fixed."""
        return [
            ("T-Mobile says my PIN is wrong", "Shall we fix your port order now?"),
            ("fix my order", "PO-12345"),
            (self.order_id, "ZIP code"),
            (self.zip_code, f"found {self.order_id}"),
            (self.pin, "Shall I go ahead?"),
            ("yes", f"{self.order_id} is corrected and resubmitted"),
        ]


def pin_order(number: int) -> NewOrder:
    """A T-Mobile order of its own for one customer (fictional 555-01xx numbers)."""
    return NewOrder(
        numbers=(f"+1312555{150 + number:04d}",),
        losing_carrier="T-Mobile",
        account_name=f"Cluster Customer {number}",
        service_address=f"{100 + number} W Lake St",
        service_zip=f"{60601 + number}",
        contact_email=f"customer{number}@example.com",
        account_number=f"96455501{number:04d}",
        pin="1234",
    )


@pytest.fixture(scope="module")
def customers(cluster) -> list[Customer]:
    store = OrderStore(cluster.settings.database_url, SecretBox(cluster.env_values["PIN_ENCRYPTION_KEY"]))
    try:
        found = []
        for number in range(CONVERSATIONS):
            order = store.add(pin_order(number), actor="test")
            store.record_rejection(order.order_id, "pin_invalid", NOTICE)
            found.append(
                Customer(f"cluster-{number}-{os.getpid()}", order.order_id, order.service_zip, pin=f"{731000 + number}")
            )
        return found
    finally:
        store.close()


async def converse(session: aiohttp.ClientSession, replicas: list[str], customer: Customer) -> list[str]:
    """Runs the script, message i to replica i mod 2; returns what went wrong (nothing, ideally)."""
    problems = []
    for turn, (message, expected) in enumerate(customer.script()):
        replica = replicas[turn % len(replicas)]
        async with session.post(
            f"{replica}/webhooks/rest/webhook", json={"sender": customer.sender, "message": message}
        ) as response:
            if response.status != 200:
                return [f"{customer.sender} turn {turn}: HTTP {response.status} from {replica}"]
            answer = "\n".join(reply.get("text", "") for reply in await response.json())
        if expected.lower() not in answer.lower():
            problems.append(
                f"{customer.sender} turn {turn} ({message!r} to {replica}): expected {expected!r} in {answer!r}"
            )
            break  # the rest of the script would only repeat the same failure
    return problems


async def converse_all(replicas: list[str], customers: list[Customer]) -> list[str]:
    async with aiohttp.ClientSession(timeout=REPLY_TIMEOUT) as session:
        results = await asyncio.gather(*(converse(session, replicas, customer) for customer in customers))
    return [problem for problems in results for problem in problems]


def tracker(url: str, token: str, sender: str) -> dict:
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=60)
    response.raise_for_status()
    return response.json()


def slot_values(state: dict, name: str) -> set:
    return {
        event["value"]
        for event in state["events"]
        if event["event"] == "slot" and event["name"] == name and event["value"] is not None
    }


def test_fifty_conversations_alternating_between_replicas_lose_nothing(cluster, customers):
    started = time.monotonic()
    problems = asyncio.run(converse_all(cluster.replica_urls[:2], customers))
    elapsed = time.monotonic() - started
    assert not problems, "\n".join(problems[:10])

    lost = 0
    store = OrderStore(cluster.settings.database_url, SecretBox(cluster.env_values["PIN_ENCRYPTION_KEY"]))
    try:
        for number, customer in enumerate(customers):
            # read back from the replica that did not take the last message: the shared store answers
            state = tracker(cluster.replica_urls[number % 2], cluster.api_token, customer.sender)
            said = [event["text"] for event in state["events"] if event["event"] == "user"]
            expected = [message for message, _ in customer.script()]
            expected[4] = MASK  # the tracker store masks the PIN answer (bot/adapters/tracker_store.py)
            lost += len(expected) - len(said)
            assert said == expected, f"{customer.sender}: {said}"
            # every value these slots took in the conversation is this customer's, none another's
            assert slot_values(state, "rejection_category") == {"pin_invalid"}
            assert slot_values(state, "order_id") == slot_values(state, "verified_order_id") == {customer.order_id}
            assert state["active_loop"] in ({}, None) or not state["active_loop"].get("name")
            assert store.get(customer.order_id).status.value == "resubmitted"
            assert store.reveal_pin(customer.order_id) == customer.pin, "a PIN reached another order"
    finally:
        store.close()
    messages = CONVERSATIONS * len(customers[0].script())
    print(
        f"\ncluster: {CONVERSATIONS} conversations, {messages} messages over 2 replicas "
        f"in {elapsed:.0f} s, user events lost: {lost}"
    )


async def say_at_once(replicas: list[str], sender: str, messages: list[str]) -> list[int]:
    """Sends one message to each replica at the same moment; returns the HTTP statuses."""

    async def say(session: aiohttp.ClientSession, replica: str, message: str) -> int:
        async with session.post(
            f"{replica}/webhooks/rest/webhook", json={"sender": sender, "message": message}
        ) as response:
            return response.status

    async with aiohttp.ClientSession(timeout=REPLY_TIMEOUT) as session:
        return list(
            await asyncio.gather(*(say(session, replica, message) for replica, message in zip(replicas, messages)))
        )


def test_two_messages_of_one_conversation_at_once_on_two_replicas_are_both_kept(cluster):
    """The Redis lock makes the second replica wait for the first; without it, both would read the
    same tracker and the second save would drop the other replica's message."""
    messages = ["hello", "what is a CSR?"]
    for number in range(20):
        sender = f"cluster-lock-{number}-{os.getpid()}"
        assert asyncio.run(say_at_once(cluster.replica_urls[:2], sender, messages)) == [200, 200]
        events = tracker(cluster.replica_urls[0], cluster.api_token, sender)["events"]
        said = [event["text"] for event in events if event["event"] == "user"]
        assert sorted(said) == sorted(messages), f"{sender}: {said}"
        # handled one after the other: the bot finished the first message before the second arrived
        second = max(index for index, event in enumerate(events) if event["event"] == "user")
        last_action = next(event for event in reversed(events[:second]) if event["event"] == "action")
        assert last_action["name"] == "action_listen"


def logged_servers(log: Path, since: int, request: str, count: int) -> list[str]:
    """The backend/server names of the `request`s HAProxy logged after byte `since` of its log;
    waits for `count` of them, as a request is logged once its reply has gone out."""
    deadline = time.monotonic() + 5
    while True:
        with log.open("rb") as file:
            file.seek(since)
            lines = file.read().decode(errors="replace").splitlines()
        found = [line.split()[3] for line in lines if line.endswith(f" {request}")]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_haproxy_passes_requests_to_the_replicas_in_turn(cluster):
    haproxy = cluster.haproxy
    assert haproxy.process.poll() is None
    assert Path(f"/proc/{haproxy.process.pid}/exe").resolve().name == "haproxy"
    logged = haproxy.log.stat().st_size
    for turn in range(2):
        sender = f"cluster-proxy-{turn}-{os.getpid()}"
        response = requests.post(
            f"{cluster.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "hello"},
            timeout=120,
        )
        assert response.status_code == 200
        assert response.json() and response.json()[0]["recipient_id"] == sender
    status = requests.get(f"{cluster.settings.rasa_url}/status", params={"token": cluster.api_token}, timeout=60)
    assert status.status_code == 200 and status.json()["model_file"].endswith(".tar.gz")
    served = logged_servers(haproxy.log, logged, "POST /webhooks/rest/webhook", count=2)
    assert sorted(served) == ["rasa/rasa-1", "rasa/rasa-2"]

"""The Redis lock store shared by Rasa replicas (bot/adapters/lock_store.py), against a real Redis.

Each thread plays one replica with its own store and connections, as separate processes would.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.adapters.lock_store import AtomicRedisLockStore
from bot.ops.services import LocalRedis
from tests.conftest import require_program

REPLICAS = 6


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    require_program("redis-server", "redis-server")
    with LocalRedis(tmp_path_factory.mktemp("redis")) as server:
        yield server


def replica_store(server: LocalRedis) -> AtomicRedisLockStore:
    # the same section endpoints.prod.yml gives Rasa
    return AtomicRedisLockStore(
        EndpointConfig(
            url="127.0.0.1",
            port=str(server.port),
            password=server.password,
            db=1,
            key_prefix="test",
            type="bot.adapters.lock_store.AtomicRedisLockStore",
        )
    )


def run_replicas(server: LocalRedis, work) -> None:
    """Runs work(store) in REPLICAS threads that start together; re-raises the first failure."""
    start, failures = threading.Barrier(REPLICAS), []

    def replica(store: AtomicRedisLockStore) -> None:
        start.wait()
        try:
            work(store)
        except BaseException as error:  # handed to the test thread below
            failures.append(error)

    threads = [threading.Thread(target=replica, args=(replica_store(server),)) for _ in range(REPLICAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]


def test_tickets_taken_at_once_by_several_replicas_are_all_different(redis_server):
    tickets, conversation = [], "conversation-tickets"

    def take(store: AtomicRedisLockStore) -> None:
        for _ in range(40):
            tickets.append(store.issue_ticket(conversation))

    run_replicas(redis_server, take)
    assert len(tickets) == REPLICAS * 40
    assert sorted(tickets) == list(range(REPLICAS * 40)), "two replicas got the same ticket"


def test_one_replica_at_a_time_handles_a_conversation(redis_server):
    inside, most_inside, handled, guard = [0], [0], [], threading.Lock()

    async def handle(store: AtomicRedisLockStore, message: int) -> None:
        async with store.lock("conversation-turns", wait_time_in_seconds=0.005):
            with guard:
                inside[0] += 1
                most_inside[0] = max(most_inside[0], inside[0])
            await asyncio.sleep(0.002)  # what handling a message does: wait on I/O
            with guard:
                inside[0] -= 1
                handled.append(message)

    def replica(store: AtomicRedisLockStore) -> None:
        async def messages():
            for message in range(10):
                await handle(store, message)

        asyncio.run(messages())

    run_replicas(redis_server, replica)
    assert len(handled) == REPLICAS * 10
    assert most_inside[0] == 1, f"{most_inside[0]} replicas handled the conversation at the same time"
    assert redis_server.client().keys("test:lock:conversation-turns*") == [], "the lock was not cleaned up"

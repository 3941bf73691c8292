"""Rasa lock store for several replicas: Rasa's Redis ticket lock, made atomic.

Before it handles a message, a Rasa server takes a ticket for the conversation and waits until
that ticket is served, so the messages of one conversation are handled one at a time. Rasa Open
Source's `RedisLockStore` reads the conversation's ticket lock, changes it in Python and writes
it back. Two replicas that receive a message of the same conversation at the same moment can
both read "no tickets", both take ticket 0 and both go ahead; each then saves its tracker, and
the second save drops the first one's message (found by tests/e2e/test_cluster.py).

Here every read-modify-write of a ticket lock runs under a short Redis mutex per conversation
(redis-py's `Lock`: SET NX with an expiry, released by a script that checks the owner), so ticket
numbers are unique across replicas and Rasa's queueing works as designed. This module is an
adapter: configured in endpoints.prod.yml as `type: bot.adapters.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# The mutex covers a few Redis round trips; it expires on its own if its holder dies meanwhile.
MUTEX_TIMEOUT_SECONDS = 5
MUTEX_WAIT_SECONDS = 10
MUTEX_POLL_SECONDS = 0.005


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket changes are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig):
        # Rasa builds custom lock stores from their endpoints section; the same keys as type: redis
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _mutex(self, conversation_id: str):
        return self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}",
            timeout=MUTEX_TIMEOUT_SECONDS,
            sleep=MUTEX_POLL_SECONDS,
            blocking_timeout=MUTEX_WAIT_SECONDS,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # one step: removing the served ticket and deleting the lock if nobody else waits
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

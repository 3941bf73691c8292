"""Who may see an order in the chat: order id plus a verifier (service ZIP or contact e-mail),
a lock after repeated failures, or a signed token from the customer's logged-in session.

Wrong answers are counted in the order store, per order id and per client, not per
conversation: a new conversation (any script can make one) starts with the same count, and so
does another replica. An order id that does not exist locks like one that does, so a lock tells
a guesser nothing either."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

from bot.core import validators
from bot.core.orders.records import PortOrder
from bot.core.orders.store import OrderStore, UnknownOrder, order_key


def _normalise(verifier: str) -> str:
    """E-mails lower-cased; ZIPs reduced to the 5-digit US ZIP or the spaced Canadian code."""
    text = (verifier or "").strip().lower()
    if "@" in text:
        return text
    try:
        code = validators.zip_code(text)
    except validators.ValidationError:
        return text
    return code[:5] if code[0].isdigit() else code.lower()  # ZIP+4 matches its 5-digit ZIP


def verify(store: OrderStore, order_id: str, verifier: str) -> PortOrder | None:
    """The order when `verifier` matches its service ZIP or contact e-mail; otherwise None.

    An unknown order and a wrong verifier give the same answer, so the chat can't be used
    to find out which order ids exist.
    """
    try:
        order = store.get(order_id)
    except UnknownOrder:
        order = None
    given = _normalise(verifier).encode()
    expected = [_normalise(v).encode() for v in (order.service_zip, order.contact_email) if v] if order else []
    # compare against every candidate (constant time each) so timing does not tell which one matched
    matches = [hmac.compare_digest(given, candidate) for candidate in expected or [b"\0"]]
    return order if order and any(matches) else None


@dataclass(frozen=True)
class LockoutPolicy:
    """`max_failures` failed checks within `window` seconds lock verification for `lockout` seconds.

    Pure: it works on a list of failure times (epoch seconds) and on the `now` the caller passes in.
    """

    max_failures: int
    window: float = 15 * 60
    lockout: float = 15 * 60

    @property
    def memory(self) -> float:
        """How far back a failure can still matter: the window before a lock, and the lock."""
        return self.window + self.lockout

    def _streak(self, failures: list[float], now: float) -> tuple[list[float], float | None]:
        """The failures that still count, and when the current lock ends (None: not locked)."""
        streak: list[float] = []
        for moment in sorted(t for t in failures if t <= now):
            streak = [t for t in streak if moment - t < self.window] + [moment]
            if len(streak) >= self.max_failures:
                if now < moment + self.lockout:
                    return streak, moment + self.lockout
                streak = []  # that lock has run out: the customer starts afresh
        return [t for t in streak if now - t < self.window], None

    def locked_until(self, failures: list[float], now: float) -> float | None:
        return self._streak(failures, now)[1]

    def remaining_attempts(self, failures: list[float], now: float) -> int:
        streak, until = self._streak(failures, now)
        return 0 if until is not None else self.max_failures - len(streak)


# 5 wrong answers about one order lock it for everyone; one client (an address, a Slack user)
# gets 10 across all orders, so a sweep over order ids is slowed as well.
ORDER_LOCKOUT = LockoutPolicy(max_failures=5)
CLIENT_LOCKOUT = LockoutPolicy(max_failures=10)


@dataclass(frozen=True)
class IdentityCheck:
    order: PortOrder | None  # set only when the answer was right and nothing was locked
    locked_until: float | None = None  # epoch seconds
    tries_left: int = 0


def _order_subject(order_id: str) -> str:
    return f"order:{order_key(order_id)}"


def _subjects(order_id: str, client: str) -> dict[str, LockoutPolicy]:
    return {_order_subject(order_id): ORDER_LOCKOUT, f"client:{client}": CLIENT_LOCKOUT}


def _failures(store: OrderStore, subject: str, policy: LockoutPolicy, now: float) -> list[float]:
    since = datetime.fromtimestamp(now - policy.memory, timezone.utc)
    # never later than now: another replica's clock may run a little ahead, and the database
    # keeps microseconds, so a failure just written can read back a hair after `now`
    return [min(moment.timestamp(), now) for moment in store.identity_failures(subject, since)]


def _lock_state(store: OrderStore, subjects: dict[str, LockoutPolicy], now: float) -> tuple[dict[str, float], int]:
    """When each locked subject's lock ends (the unlocked ones left out), and the tries left."""
    locks, left = {}, []
    for subject, policy in subjects.items():
        failures = _failures(store, subject, policy, now)
        if (until := policy.locked_until(failures, now)) is not None:
            locks[subject] = until
        left.append(policy.remaining_attempts(failures, now))
    return locks, min(left)


def order_locked_until(store: OrderStore, order_id: str, now: float) -> float | None:
    """When the lock of this order's identity check ends, for `orders show`; None when not locked."""
    return ORDER_LOCKOUT.locked_until(_failures(store, _order_subject(order_id), ORDER_LOCKOUT, now), now)


def check_identity(store: OrderStore, order_id: str, verifier: str, client: str, now: float) -> IdentityCheck:
    """The identity check a chat runs: refused while the order or the client is locked, whatever
    was typed; a wrong answer is counted against both, and a lock it starts goes to the order's
    audit trail (when the order exists)."""
    subjects = _subjects(order_id, client)
    locks, _ = _lock_state(store, subjects, now)
    if locks:
        return IdentityCheck(None, max(locks.values()))
    order = verify(store, order_id, verifier)
    if order:
        return IdentityCheck(order)
    store.record_identity_failure(subjects, datetime.fromtimestamp(now, timezone.utc))
    locks, left = _lock_state(store, subjects, now)
    if _order_subject(order_id) in locks:  # this failure locked the order: read once with the client's
        _audit_lock(store, order_id, locks[_order_subject(order_id)], client)
    return IdentityCheck(None, max(locks.values(), default=None), left)


def _audit_lock(store: OrderStore, order_id: str, until: float, client: str) -> None:
    ends = datetime.fromtimestamp(until, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        store.note(
            order_id,
            actor="identity check",
            note=f"look-ups locked until {ends} after {ORDER_LOCKOUT.max_failures} wrong answers (last from {client})",
        )
    except UnknownOrder:
        pass  # an order id nobody has: locked all the same, with no trail to write to


def customer_from_token(token: str, secret: str) -> str | None:
    """The customer id (`sub`) of a valid HS256 token that has not expired; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and subject else None

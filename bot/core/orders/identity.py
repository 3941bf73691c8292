"""Who may see an order in the chat: order id plus a verifier (service ZIP or contact e-mail),
a lock after repeated failures, or a signed token from the customer's logged-in session."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import jwt

from bot.core import validators
from bot.core.orders.records import PortOrder
from bot.core.orders.store import OrderStore, UnknownOrder


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

    Pure: it works on a list of failure times (epoch seconds) that the caller keeps, for
    example in a Rasa slot, and on the `now` the caller passes in.
    """

    max_failures: int = 3
    window: float = 15 * 60
    lockout: float = 15 * 60

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

    def is_locked(self, failures: list[float], now: float) -> bool:
        return self.locked_until(failures, now) is not None

    def remaining_attempts(self, failures: list[float], now: float) -> int:
        streak, until = self._streak(failures, now)
        return 0 if until is not None else self.max_failures - len(streak)

    def record_failure(self, failures: list[float], now: float) -> list[float]:
        """The failure list with `now` added and times too old to matter dropped."""
        horizon = now - max(self.window, self.lockout)
        return [t for t in failures if t > horizon] + [now]


def customer_from_token(token: str, secret: str) -> str | None:
    """The customer id (`sub`) of a valid HS256 token that has not expired; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and subject else None

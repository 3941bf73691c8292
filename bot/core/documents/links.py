"""Links to the document pages: signing an order's new LOA, uploading a bill for it.

A link carries a signed token (HS256, DOCUMENT_LINK_SECRET) that names one order and one purpose
and expires; nothing else proves who may open it, so the page it opens shows only what the
link is for. A signing link also names the letter it is for: a newer letter makes it stale.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from bot.core.errors import UserError

SIGN, UPLOAD = "sign", "upload"
# where each purpose's page is served (bot/ops/web/server.py routes these)
PATHS = {SIGN: "loa", UPLOAD: "upload"}
# a week: the authorized person may not be the one chatting, and may sign days later
LIFETIME_SECONDS = 7 * 24 * 3600
_AUDIENCE = "porting-documents:{}"


class BadLink(UserError):
    """Expired, tampered with, or for another purpose: the page says only that."""

    def __init__(self) -> None:
        super().__init__(
            "This link is not valid any more: it may have expired or been copied wrongly. "
            "Ask the assistant in the chat for a new one."
        )


@dataclass(frozen=True)
class LinkClaims:
    purpose: str
    order_id: str
    document_id: str | None  # the letter a signing link is for


def make_token(secret: str, purpose: str, order_id: str, now: float, document_id: str | None = None) -> str:
    claims = {"sub": order_id, "aud": _AUDIENCE.format(purpose), "iat": int(now), "exp": int(now) + LIFETIME_SECONDS}
    if document_id:
        claims["doc"] = document_id
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(secret: str, token: str, purpose: str) -> LinkClaims:
    """The claims of a valid, unexpired token for `purpose`; BadLink for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=_AUDIENCE.format(purpose),
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.PyJWTError:
        raise BadLink() from None
    order_id, document_id = claims.get("sub"), claims.get("doc")
    if not isinstance(order_id, str) or (purpose == SIGN and not isinstance(document_id, str)):
        raise BadLink()
    return LinkClaims(purpose, order_id, document_id)


def link_url(base_url: str, purpose: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{PATHS[purpose]}/{token}"

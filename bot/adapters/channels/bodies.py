"""Reading request bodies that channels receive: strict JSON, and the REST message shape.

Sanic's own parser (ujson) accepts NaN and Infinity, lone UTF-16 surrogates and any nesting, and
Rasa's handlers then fail on a body that is not an object or a field of the wrong type (a 500, or
an empty answer with a traceback in the log). Channels check bodies here first and answer a bad
one with a 4xx and a message that says what a good request looks like. No Rasa import.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from bot.core.errors import UserError

# The widget caps input at 2,000 characters and a long pasted notice is a few thousand; a
# 100 KB message keeps the NLU pipeline (and so every other chat) busy for seconds.
MAX_MESSAGE_CHARS = 10_000
MAX_SENDER_CHARS = 255  # the sender_id column of Rasa's SQL tracker store
REST_EXAMPLE = '{"sender": "web-4f1c...", "message": "my port was rejected"}'


class BadRequest(UserError):
    """A request a channel cannot use; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _refuse_constant(name: str) -> Any:
    raise BadRequest(f"The body is not valid JSON: {name} is not a JSON number.")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadRequest(f"The body is not valid JSON: the number {text[:20]} is too large.")
    return value


def _check_strings(value: Any) -> None:
    """Every key and string must be encodable text: JSON allows lone surrogates ("\\ud800")."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(
                "The body contains text that is not valid Unicode (an unpaired surrogate escape such as \\ud800)."
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def json_object(body: bytes, example: str) -> dict[str, Any]:
    """The body as a JSON object, or `BadRequest` saying what is wrong with it."""
    try:
        parsed = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise BadRequest("The body is not UTF-8 text.") from None
    except RecursionError:
        raise BadRequest("The body is nested too deeply.") from None
    except ValueError as problem:  # json.JSONDecodeError
        raise BadRequest(f"The body is not valid JSON ({problem}). Send an object like {example}.") from None
    if not isinstance(parsed, dict):
        raise BadRequest(f"The body must be a JSON object like {example}, not a {type(parsed).__name__}.")
    _check_strings(parsed)
    return parsed


def is_json(content_type: str | None) -> bool:
    """True for "application/json", with or without parameters such as "; charset=utf-8"."""
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def rest_body(content_type: str | None, body: bytes) -> dict[str, Any]:
    """The parsed body of a REST webhook request, checked field by field, or `BadRequest`."""
    if not is_json(content_type):
        raise BadRequest(
            f"Send the message as JSON with Content-Type: application/json, like {REST_EXAMPLE}.", status=415
        )
    parsed = json_object(body, REST_EXAMPLE)
    sender, message, metadata = parsed.get("sender"), parsed.get("message"), parsed.get("metadata")
    # Without a sender Rasa files the message under "default", one conversation shared by everyone.
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(f'"sender" is required: a string that names the conversation, like {REST_EXAMPLE}.')
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise BadRequest(f'"sender" must be at most {MAX_SENDER_CHARS} printable characters.')
    if not isinstance(message, str):
        raise BadRequest(f'"message" is required and must be a string, like {REST_EXAMPLE}.')
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(
            f"The message is {len(message):,} characters long; please send at most {MAX_MESSAGE_CHARS:,} at a time.",
            status=413,
        )
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata", when given, must be a JSON object.')
    return parsed


def sender_address(peer: str | None, forwarded_for: str) -> str:
    """The address of whoever sent a request (the REST channel, the document pages). Behind our
    own load balancer (it connects from this machine and appends the address it saw to
    X-Forwarded-For) that is the header's last one; the header is not believed from anyone else."""
    seen = peer or "unknown"
    forwarded = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    try:
        from_this_machine = ipaddress.ip_address(seen).is_loopback
    except ValueError:
        from_this_machine = False
    return forwarded[-1] if forwarded and from_this_machine else seen

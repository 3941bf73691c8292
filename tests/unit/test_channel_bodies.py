"""Request bodies the channels refuse or accept (bot/adapters/channels/bodies.py), including arbitrary bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.channels.bodies import MAX_MESSAGE_CHARS, BadRequest, rest_body

JSON = "application/json"
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(st.binary(max_size=300), st.sampled_from([JSON, "application/json; charset=utf-8", "text/plain", None]))
def test_arbitrary_bytes_are_accepted_or_refused_with_a_message(body, content_type):
    try:
        parsed = rest_body(content_type, body)
    except BadRequest as problem:
        assert problem.status in (400, 413, 415) and len(str(problem)) > 20
        return
    assert isinstance(parsed["sender"], str) and isinstance(parsed["message"], str)


@given(st.dictionaries(st.sampled_from(["sender", "message", "metadata", "other"]), JSON_VALUES))
def test_accepted_bodies_are_kept_as_sent(payload):
    try:
        parsed = rest_body(JSON, json.dumps(payload).encode())
    except BadRequest:
        return
    assert parsed == payload


@pytest.mark.parametrize(
    "body, status",
    [
        (b"[]", 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "a", "message": 1}', 400),
        (b'{"sender": "a", "message": "\\udc00"}', 400),
        (b'{"sender": "a", "message": "hi", "metadata": {"x": NaN}}', 400),
        (json.dumps({"sender": "a", "message": "x" * (MAX_MESSAGE_CHARS + 1)}).encode(), 413),
    ],
)
def test_bad_bodies_get_their_status(body, status):
    with pytest.raises(BadRequest) as refused:
        rest_body(JSON, body)
    assert refused.value.status == status


def test_a_good_body_passes():
    body = {"sender": "web-1", "message": "invalid\x00pin 🙂", "metadata": {"customer_token": "t"}}
    assert rest_body("application/json; charset=utf-8", json.dumps(body).encode()) == body

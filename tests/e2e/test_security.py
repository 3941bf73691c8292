"""Security checks against the real servers: the HTTP API's token, CORS, Slack signatures, and no
secret or PIN in the logs and databases the servers write.

Covered elsewhere and not repeated here: CORS of the REST webhook for the demo page and a foreign
origin (tests/e2e/test_widget_live.py), a Slack request signed with the wrong secret and one six
minutes old (tests/e2e/test_slack.py), the PIN kept only encrypted in the order store
(tests/e2e/test_guided_fix.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jwt
import pytest
import requests
import structlog

from bot.adapters import server as rasa_server
from bot.adapters.server import _withhold_customer_data
from bot.core.orders.records import NewOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from bot.ops.stack import Stack
from tests.conftest import RestClient
from tests.e2e.slack_fake import SIGNING_SECRET, FakeSlack, SlackUser

PIN = "K7Q4W9"  # letters too: a run of digits can turn up in timestamps by chance
ZIP = "30309"
SECRET_NAMES = ("RASA_API_TOKEN", "PIN_ENCRYPTION_KEY", "CUSTOMER_TOKEN_SECRET", "SLACK_TOKEN", "SLACK_SIGNING_SECRET")


def api(stack: Stack, path: str) -> str:
    return f"{stack.settings.rasa_url}{path}"


# ----------------------------------------------------------------------------- HTTP API token


def forged_jwt(payload: dict) -> str:
    """A JWT with "alg": "none", which a careless verifier accepts without any key."""
    header, claims = (
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
        for part in ({"alg": "none", "typ": "JWT"}, payload)
    )
    return f"{header}.{claims}."


# (method, path, JSON body): every HTTP API endpoint that reads or changes a conversation or the model.
# The bodies would do harm if the request got through: set the verified order, run an action...
ENDPOINTS = {
    "tracker": ("GET", "/conversations/{sender}/tracker", None),
    "story": ("GET", "/conversations/{sender}/story", None),
    "append-events": (
        "POST",
        "/conversations/{sender}/tracker/events",
        [{"event": "slot", "name": "verified_order_id", "value": "PO-10007"}],
    ),
    "replace-events": (
        "PUT",
        "/conversations/{sender}/tracker/events",
        [{"event": "slot", "name": "verified_order_id", "value": "PO-10007"}],
    ),
    "messages": ("POST", "/conversations/{sender}/messages", {"text": "PO-10007", "sender": "user"}),
    "execute": ("POST", "/conversations/{sender}/execute", {"name": "action_show_order"}),
    "trigger-intent": ("POST", "/conversations/{sender}/trigger_intent", {"name": "greet"}),
    "predict": ("POST", "/conversations/{sender}/predict", None),
    "parse": ("POST", "/model/parse", {"text": "my PIN is 4821"}),
    "status": ("GET", "/status", None),
    "domain": ("GET", "/domain", None),
    "replace-model": ("PUT", "/model", {"model_file": "/nonexistent/model.tar.gz"}),
    "unload-model": ("DELETE", "/model", None),
    "train": ("POST", "/model/train", {}),
    "test-intents": ("POST", "/model/test/intents", {}),
}


ADMIN = {"user": {"username": "me", "role": "admin"}}
GUESSED_JWT_SECRET = "secret-secret-secret-secret-secret"  # what a careless setup might use
# name -> (query parameters, headers) of a request, given the right token, that must not pass for it.
CREDENTIALS: dict[str, Callable[[str], tuple[dict, dict]]] = {
    "none": lambda token: ({}, {}),
    "empty": lambda token: ({"token": ""}, {}),
    "wrong": lambda token: ({"token": "not-the-token"}, {}),
    "truncated": lambda token: ({"token": token[:-1]}, {}),
    "extended": lambda token: ({"token": token + "x"}, {}),
    "other-case": lambda token: ({"token": token.swapcase()}, {}),
    "wrong-one-first": lambda token: ({"token": ["wrong", token]}, {}),  # ?token=wrong&token=<right>
    "token-as-bearer": lambda token: ({}, {"Authorization": f"Bearer {token}"}),  # no JWT secret is set
    "forged-jwt": lambda token: ({}, {"Authorization": f"Bearer {forged_jwt(ADMIN)}"}),
    "guessed-jwt-secret": lambda token: ({}, {"Authorization": f"Bearer {jwt.encode(ADMIN, GUESSED_JWT_SECRET)}"}),
}


@pytest.fixture(scope="module")
def target() -> str:
    """The conversation every refused request names; nothing may reach it."""
    return f"security-target-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_http_api_refuses_requests_without_the_token(stack, target, endpoint, credential):
    method, path, body = ENDPOINTS[endpoint]
    params, headers = CREDENTIALS[credential](stack.api_token)
    answer = requests.request(
        method, api(stack, path.format(sender=target)), params=params, headers=headers, json=body, timeout=30
    )
    assert answer.status_code in (401, 403), f"{answer.status_code}: {answer.text[:300]}"
    assert stack.api_token not in answer.text


def test_refused_requests_changed_nothing(stack, target):
    # After the refusals above (same module): the model is loaded and the conversation untouched.
    token = {"token": stack.api_token}
    status = requests.get(api(stack, "/status"), params=token, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]
    tracker = requests.get(api(stack, f"/conversations/{target}/tracker"), params=token, timeout=30)
    assert tracker.status_code == 200
    assert tracker.json()["slots"]["verified_order_id"] is None
    assert [event for event in tracker.json()["events"] if event["event"] in ("user", "bot")] == []


def test_the_right_token_reads(stack):
    answer = requests.get(
        api(stack, "/domain"), params={"token": stack.api_token}, headers={"Accept": "application/json"}, timeout=30
    )
    assert answer.status_code == 200
    assert "rejection_pin_invalid" in answer.json()["intents"]


# ----------------------------------------------------------------------------- CORS


def allowed_origin(url: str, method: str, origin: str, token: str) -> str | None:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    answer = requests.request(method, url, params={"token": token}, headers=headers, timeout=60)
    return answer.headers.get("Access-Control-Allow-Origin")


def foreign_origins(stack: Stack) -> list[str]:
    """Origins that are not the demo page, some of them close to it."""
    demo = stack.web.url
    return [
        "http://evil.example",
        "null",
        f"{demo}.evil.example",
        f"http://evil.example/{demo}",
        demo.replace("http://", "https://"),
        f"http://localhost:{stack.settings.rasa_port}",
    ]


@pytest.mark.parametrize(
    "method, path",
    [
        ("OPTIONS", "/conversations/someone/tracker"),
        ("GET", "/conversations/someone/tracker"),
        ("OPTIONS", "/model/parse"),
        ("GET", "/status"),
        ("OPTIONS", "/webhooks/rest/webhook"),
    ],
)
def test_cors_allows_only_the_demo_page(stack, method, path):
    url = api(stack, path)
    assert allowed_origin(url, method, stack.web.url, stack.api_token) == stack.web.url
    for origin in foreign_origins(stack):
        assert allowed_origin(url, method, origin, stack.api_token) is None, origin


# ----------------------------------------------------------------------------- Slack signatures


def signature(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def signed(timestamp: str, signature_: str) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature_}


# name -> the signature headers, given the body and the time now, of a request Slack did not sign
# (test_slack.py has the wrong secret and a timestamp six minutes old).
SLACK_FORGERIES: dict[str, Callable[[bytes, int], dict[str, str]]] = {
    "unsigned": lambda body, now: {},
    "no-timestamp": lambda body, now: {"X-Slack-Signature": signature(body, str(now))},
    "no-signature": lambda body, now: {"X-Slack-Request-Timestamp": str(now)},
    "empty-signature": lambda body, now: signed(str(now), ""),
    "timestamp-not-a-number": lambda body, now: signed("now", signature(body, "now")),
    "timestamp-in-the-future": lambda body, now: signed(str(now + 360), signature(body, str(now + 360))),
    "signed-for-another-time": lambda body, now: signed(str(now), signature(body, str(now - 1))),
    "signed-another-body": lambda body, now: signed(str(now), signature(body.replace(b"hello", b"hi"), str(now))),
    "other-version": lambda body, now: signed(str(now), signature(body, str(now)).replace("v0=", "v1=")),
    "bare-digest": lambda body, now: signed(str(now), signature(body, str(now)).removeprefix("v0=")),
}


@pytest.mark.parametrize("forgery", SLACK_FORGERIES)
def test_slack_refuses_requests_slack_did_not_sign(slack_stack, fake_slack, forgery):
    user = SlackUser(slack_stack)
    body = json.dumps(user.event("hello")).encode()
    headers = {"Content-Type": "application/json", **SLACK_FORGERIES[forgery](body, int(time.time()))}
    answer = requests.post(user.webhook, data=body, headers=headers, timeout=30)
    assert answer.status_code == 400, answer.text
    time.sleep(1)  # a message that got through is handled after the answer
    tracker = requests.get(
        api(slack_stack, f"/conversations/{user.user}/tracker"), params={"token": slack_stack.api_token}, timeout=30
    ).json()
    assert [event for event in tracker["events"] if event["event"] == "user"] == []
    assert fake_slack.posts(user.channel) == []


def test_slack_accepts_the_same_request_signed(slack_stack, fake_slack):
    """The forgeries above differ from this request only in their signature headers."""
    user = SlackUser(slack_stack)
    body = json.dumps(user.event("hello")).encode()
    now = str(int(time.time()))
    answer = requests.post(
        user.webhook,
        data=body,
        timeout=30,
        headers={"Content-Type": "application/json", **signed(now, signature(body, now))},
    )
    assert answer.status_code == 200
    fake_slack.wait_for_post(user.channel, lambda post: post["text"].startswith("Hi"))


# ----------------------------------------------------------------------------- nothing secret in logs


def test_log_lines_withhold_customer_text_and_local_variables():
    """Rasa's structured logging (JSON, with tracebacks as dicts) with the processor the Rasa server
    installs in front: a failing turn's text and the frames' variables stay out of the line."""
    out = io.StringIO()
    log = structlog.wrap_logger(
        structlog.PrintLogger(out),
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        processors=[
            _withhold_customer_data,
            structlog.processors.add_log_level,
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
    )
    try:
        pin = PIN  # a local variable of the failing frame
        raise ValueError(f"the action server failed ({len(pin)} characters)")
    except ValueError:
        log.exception("rest.message.received.failure", text=f"my PIN is {PIN}")
    line = json.loads(out.getvalue())
    assert PIN not in out.getvalue()
    assert line["event"] == "rest.message.received.failure" and line["level"] == "error"
    assert line["text"] == "<withheld: 16 characters>"
    assert "ValueError: the action server failed (6 characters)" in line["exception"]


@pytest.fixture(params=["stack", "slack_stack"])
def running(request) -> Stack:
    """The session's stack (no Slack), and the one with Slack and its secrets."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def order_store(running) -> Iterator[OrderStore]:
    store = OrderStore(running.settings.database_url, SecretBox(running.env_values["PIN_ENCRYPTION_KEY"]))
    yield store
    store.close()


def give_pin_in_the_chat(stack: Stack, store: OrderStore) -> None:
    """A customer fixes a PIN rejection: the PIN goes through the chat and the order is resubmitted.
    (Rasa logs a message's text when its turn fails; the processor that withholds it is tested
    above, and installed by the Rasa server: see test_the_rasa_server_installs_the_log_guard.)"""
    order = store.add(
        NewOrder(
            numbers=("+14045550188",),
            losing_carrier="T-Mobile",
            account_name="Lena Ortiz",
            service_zip=ZIP,
            contact_email="lena@example.com",
            status="submitted",
        )
    )
    store.record_rejection(order.order_id, "pin_invalid", "PASSCODE_PIN_INVALID")
    customer = RestClient(stack, f"security-pin-{uuid.uuid4().hex[:8]}")
    assert "Shall we fix" in customer.texts("T-Mobile says my PIN is wrong")
    customer.texts("fix my order")
    customer.texts(order.order_id)
    assert "PIN" in customer.texts(ZIP)
    assert "Shall I go ahead?" in customer.texts(PIN)
    assert "corrected and resubmitted" in customer.texts("yes")
    assert store.reveal_pin(order.order_id) == PIN


def test_the_rasa_server_installs_the_log_guard():
    from rasa.utils import log_utils

    rasa_server.install()
    assert log_utils._anonymizer is _withhold_customer_data


@contextmanager
def wait_for_log(stack: Stack, text: str, timeout: float = 30) -> Iterator[None]:
    """Runs the block, then waits until rasa.log holds one more line with `text` than before it."""
    log = stack.settings.log_dir / "rasa.log"
    before = log.read_text(errors="replace").count(text)
    yield
    deadline = time.monotonic() + timeout
    while log.read_text(errors="replace").count(text) == before:
        assert time.monotonic() < deadline, f"{text!r} was not logged again in {log}"
        time.sleep(0.3)


def make_rasa_log_errors(stack: Stack) -> None:
    """Requests with the token in the URL (as the HTTP API takes it) that Rasa fails on and logs."""
    token = {"token": stack.api_token}
    with wait_for_log(stack, "Exception occurred while handling"):  # Sanic's log of a 500, naming the request
        failed = requests.post(
            api(stack, "/conversations/security-errors/messages"),
            params=token,
            json={"text": 5, "sender": "user"},
            timeout=30,
        )
        assert failed.status_code == 500
    for method, path, body in [
        ("POST", "/model/parse", [1]),
        ("POST", "/conversations/security-errors/execute", {"name": "action_nonexistent"}),
        ("POST", "/conversations/security-errors/tracker/events", [{"event": "nonsense"}]),
    ]:
        assert requests.request(method, api(stack, path), params=token, json=body, timeout=30).status_code >= 400


def slack_traffic(stack: Stack, fake: FakeSlack) -> None:
    user = SlackUser(stack)
    assert user.send_json(user.event("hello")).status_code == 200
    fake.wait_for_post(user.channel, lambda post: post["text"].startswith("Hi"))
    assert user.send_json(user.event("hello"), secret="wrong").status_code == 400
    assert user.post(b'{"event": "not an object"}', "application/json").status_code == 400
    assert user.post(b"payload=%7Bnot+json", "application/x-www-form-urlencoded").status_code == 400


def written_files(stack: Stack) -> list[Path]:
    """Every file the servers wrote in var/: logs, SQLite databases with their -wal and -shm files,
    the generated credentials. Only .env, the secrets' home, is left out."""
    return [path for path in stack.settings.var_dir.rglob("*") if path.is_file() and path != stack.settings.env_file]


def test_no_secret_and_no_pin_in_logs_or_databases(running, order_store, fake_slack):
    stack = running
    give_pin_in_the_chat(stack, order_store)
    make_rasa_log_errors(stack)
    if stack.settings.extra_env.get("SLACK_SIGNING_SECRET"):
        slack_traffic(stack, fake_slack)
    secrets = {
        name: value
        for name, value in {**stack.env_values, **stack.settings.extra_env}.items()
        if name in SECRET_NAMES and value
    }
    assert {"RASA_API_TOKEN", "PIN_ENCRYPTION_KEY", "CUSTOMER_TOKEN_SECRET"} <= secrets.keys()
    files = written_files(stack)
    names = {path.name for path in files}
    assert {"rasa.log", "actions.log", "tracker.db", "orders.db"} <= names, names
    for path in files:
        content = path.read_bytes()
        for name, value in {**secrets, "the PIN": PIN}.items():
            assert value.encode() not in content, f"{name} found in {path}"

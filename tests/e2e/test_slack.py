"""The Slack channel against the real Rasa server, with a fake Slack Web API on 127.0.0.1.

Requests are signed the way Slack signs them (HMAC-SHA256 of `v0:<timestamp>:<body>` with the
signing secret); the bot's answers are whatever reaches the fake `chat.postMessage`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import urlencode

import pytest
import requests
import yaml

from bot.launcher import CREDENTIALS_TEMPLATE, SLACK_CHANNEL, Stack, effective_credentials
from tests.conftest import stack_settings

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
SUPPORT_CHANNEL = "C0SUPPORT"  # SLACK_CHANNEL: answered without a mention
TWO_REASONS = "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID"
# The button the bot offers for the reason it does not explain first, and the reasons' names.
TWO_REASONS_BUTTONS = {"Explain: Name does not match": "/rejection_name_mismatch",
                       "Explain: PIN or passcode missing or wrong": "/rejection_pin_invalid"}
TWO_REASONS_NAMES = ("Name does not match", "PIN or passcode missing or wrong")
QUIET_SECONDS = 2.0  # how long "nothing more was posted" is watched


@dataclass
class FakeSlack:
    """Slack's Web API in miniature: records every call, answers `ok`."""

    calls: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> "FakeSlack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.calls.append({"method": self.path.removeprefix("/api/"),
                                   "authorization": self.headers.get("Authorization"),
                                   "body": json.loads(body or b"{}")})
                answer = json.dumps({"ok": True, "ts": f"{time.time():.6f}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self, channel: str) -> list[dict]:
        """The bodies of `chat.postMessage` calls to one channel, in order."""
        return [call["body"] for call in list(self.calls)
                if call["method"] == "chat.postMessage" and call["body"].get("channel") == channel]

    def wait_for_post(self, channel: str, matches: Callable[[dict], bool], timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [post for post in self.posts(channel) if matches(post)]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"nothing matching was posted to {channel}; posts: {self.posts(channel)}")


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def slack_stack(trained_model, fake_slack, tmp_path_factory) -> Iterator[Stack]:
    settings = stack_settings(tmp_path_factory.mktemp("slack-stack"))
    settings.extra_env = {"SLACK_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                          "SLACK_CHANNEL": SUPPORT_CHANNEL, "SLACK_API_URL": fake_slack.api_url}
    with Stack(settings).start() as running:
        yield running


@dataclass
class SlackUser:
    """One Slack user in a DM with the bot, sending what Slack would send to the webhook."""

    stack: Stack
    user: str = field(default_factory=lambda: f"U{uuid.uuid4().hex[:10].upper()}")
    channel: str = field(default_factory=lambda: f"D{uuid.uuid4().hex[:10].upper()}")

    @property
    def webhook(self) -> str:
        return f"{self.stack.settings.rasa_url}/webhooks/slack/webhook"

    def event(self, text: str, **event: str) -> dict:
        """An `event_callback` for a direct message (override event fields with keywords)."""
        return {
            "token": "unused-legacy-token", "team_id": "T0PORTING", "api_app_id": "A0PORTING",
            "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"user_id": "U0BOT", "is_bot": True}],
            "event": {"type": "message", "channel_type": "im", "channel": self.channel,
                      "user": self.user, "text": text, "ts": f"{time.time():.6f}", **event},
        }

    def click(self, button: dict) -> dict:
        """The `block_actions` payload Slack sends when this user clicks a button of a message."""
        return {
            "type": "block_actions", "trigger_id": uuid.uuid4().hex,
            "user": {"id": self.user, "username": "customer", "team_id": "T0PORTING"},
            "team": {"id": "T0PORTING"}, "channel": {"id": self.channel, "name": "directmessage"},
            "container": {"type": "message", "channel_id": self.channel, "is_ephemeral": False},
            "message": {"type": "message", "ts": f"{time.time():.6f}", "text": "buttons"},
            "actions": [{"type": "button", "action_id": "explain", "block_id": "reasons",
                         "text": button["text"], "value": button["value"],
                         "action_ts": f"{time.time():.6f}"}],
        }

    def send_json(self, payload: dict, **options) -> requests.Response:
        return self.post(json.dumps(payload).encode(), "application/json", **options)

    def send_form(self, payload: dict, **options) -> requests.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **options)

    def post(self, body: bytes, content_type: str, secret: str = SIGNING_SECRET,
             age_seconds: int = 0, headers: dict[str, str] | None = None) -> requests.Response:
        timestamp = str(int(time.time()) - age_seconds)
        digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
        signed = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                  "X-Slack-Signature": f"v0={digest.hexdigest()}", **(headers or {})}
        return requests.post(self.webhook, data=body, headers=signed, timeout=30)


@pytest.fixture
def slack_user(slack_stack) -> SlackUser:
    return SlackUser(slack_stack)


def greeting(post: dict) -> bool:
    return post["text"].startswith("Hi")


def assert_nothing_posted(fake: FakeSlack, channel: str, expected: int = 0) -> None:
    time.sleep(QUIET_SECONDS)
    assert len(fake.posts(channel)) == expected, fake.posts(channel)


def test_a_signed_direct_message_is_answered_through_the_slack_api(slack_user, fake_slack):
    assert slack_user.send_json(slack_user.event("hello")).status_code == 200
    reply = fake_slack.wait_for_post(slack_user.channel, greeting)
    assert "port" in reply["text"].lower()
    call = next(call for call in fake_slack.calls if call["body"] is reply)
    assert call["authorization"] == f"Bearer {BOT_TOKEN}"


def test_buttons_arrive_as_blocks_and_a_click_is_answered(slack_user, fake_slack):
    assert slack_user.send_json(slack_user.event(TWO_REASONS)).status_code == 200
    with_buttons = fake_slack.wait_for_post(slack_user.channel, lambda post: "blocks" in post)
    section, actions = with_buttons["blocks"]
    assert section == {"type": "section", "text": {"type": "plain_text", "text": with_buttons["text"]}}
    assert with_buttons["text"].startswith("Your notice also mentions:")
    assert actions["type"] == "actions"
    [button] = actions["elements"]
    assert button["type"] == "button"
    # One reason is explained at once, the other is offered as a button.
    title = button["text"]["text"]
    assert button["value"] == TWO_REASONS_BUTTONS[title]
    explained = next(name for name in TWO_REASONS_NAMES if not title.endswith(name))
    fake_slack.wait_for_post(slack_user.channel, lambda post: post["text"].startswith(f"{explained}:"))

    assert slack_user.send_form(slack_user.click(button)).status_code == 200
    offered = title.removeprefix("Explain: ")
    fake_slack.wait_for_post(slack_user.channel, lambda post: post["text"].startswith(f"{offered}:"))


def test_a_bad_signature_gets_400_and_no_reply(slack_user, fake_slack):
    answer = slack_user.send_json(slack_user.event("hello"), secret="not-the-signing-secret")
    assert answer.status_code == 400
    clicked = slack_user.send_form(slack_user.click({"text": {"type": "plain_text", "text": "PIN"},
                                                     "value": "/rejection_pin_invalid"}), secret="guess")
    assert clicked.status_code == 400
    assert_nothing_posted(fake_slack, slack_user.channel)


def test_a_stale_timestamp_gets_400_and_no_reply(slack_user, fake_slack):
    # Correctly signed, but six minutes old: a replayed request.
    assert slack_user.send_json(slack_user.event("hello"), age_seconds=6 * 60).status_code == 400
    assert_nothing_posted(fake_slack, slack_user.channel)


def test_url_verification_echoes_the_challenge(slack_user):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    verification = {"token": "unused-legacy-token", "challenge": challenge, "type": "url_verification"}
    answer = slack_user.send_json(verification)
    assert answer.status_code == 200
    assert answer.text == challenge
    assert slack_user.send_json(verification, secret="wrong").status_code == 400


def test_a_retry_of_a_handled_event_is_not_answered_twice(slack_user, fake_slack):
    event = slack_user.event("hello")
    assert slack_user.send_json(event).status_code == 200
    fake_slack.wait_for_post(slack_user.channel, greeting)
    retry = slack_user.send_json(event, headers={"X-Slack-Retry-Num": "1",
                                                 "X-Slack-Retry-Reason": "http_error"})
    assert retry.status_code == 200
    assert retry.headers.get("X-Slack-No-Retry") == "1"
    assert_nothing_posted(fake_slack, slack_user.channel, expected=1)


def test_a_mention_in_the_support_channel_is_answered_once(slack_user, fake_slack):
    # Slack sends a mention in a channel the bot is in twice: as `message` and as `app_mention`.
    said = {"channel": SUPPORT_CHANNEL, "channel_type": "channel", "ts": f"{time.time():.6f}"}
    before = len(fake_slack.posts(SUPPORT_CHANNEL))
    for event_type in ("message", "app_mention"):
        event = slack_user.event("<@U0BOT> hello", type=event_type, **said)
        assert slack_user.send_json(event).status_code == 200
    fake_slack.wait_for_post(SUPPORT_CHANNEL, greeting)
    assert_nothing_posted(fake_slack, SUPPORT_CHANNEL, expected=before + 1)


def test_slack_is_off_without_its_secrets(stack):
    # The session stack has no SLACK_* variables: it starts, and has no Slack webhook.
    assert SLACK_CHANNEL not in stack.channels
    answer = requests.post(f"{stack.settings.rasa_url}/webhooks/slack/webhook", json={}, timeout=10)
    assert answer.status_code == 404


@pytest.mark.parametrize("env, expected", [
    ({}, None),
    ({"SLACK_TOKEN": "x"}, None),
    ({"SLACK_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"},
     {"slack_token": "${SLACK_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}"}),
    ({"SLACK_TOKEN": "x", "SLACK_SIGNING_SECRET": "y", "SLACK_CHANNEL": "C1"},
     {"slack_token": "${SLACK_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
      "slack_channel": "${SLACK_CHANNEL}"}),
])
def test_slack_credentials_only_when_token_and_secret_are_set(env, expected):
    channels = effective_credentials(yaml.safe_load(CREDENTIALS_TEMPLATE.read_text()), env)
    assert "bot.channels.rest.RestChannel" in channels
    assert channels.get(SLACK_CHANNEL) == expected

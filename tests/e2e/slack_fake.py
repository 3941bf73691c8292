"""A fake Slack Web API on 127.0.0.1 and a Slack user who sends signed events, for the Slack tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import requests

from bot.ops.stack import Stack

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
SUPPORT_CHANNEL = "C0SUPPORT"  # SLACK_CHANNEL: answered without a mention
TWO_REASONS = "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID"
# The button the bot offers for the reason it does not explain first, and the reasons' names.
TWO_REASONS_BUTTONS = {
    "Explain: Name does not match": "/rejection_name_mismatch",
    "Explain: PIN or passcode missing or wrong": "/rejection_pin_invalid",
}
TWO_REASONS_NAMES = ("Name does not match", "PIN or passcode missing or wrong")
QUIET_SECONDS = 2.0  # how long "nothing more was posted" is watched


@dataclass
class FakeSlack:
    """Slack's Web API in miniature: records every call, answers `ok`."""

    calls: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # what users shared, by name

    def share(self, name: str, data: bytes) -> dict:
        """A file a user shared, as a message event lists it (downloaded with the bot token)."""
        self.files[name] = data
        host, port = self.server.server_address[:2]
        url = f"http://{host}:{port}/files/{name}"
        return {"id": f"F{uuid.uuid4().hex[:10].upper()}", "name": name, "size": len(data), "url_private": url}

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.calls.append(
                    {
                        "method": self.path.removeprefix("/api/"),
                        "authorization": self.headers.get("Authorization"),
                        "body": json.loads(body or b"{}"),
                    }
                )
                answer = json.dumps({"ok": True, "ts": f"{time.time():.6f}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def do_GET(self) -> None:
                data = fake.files.get(self.path.removeprefix("/files/"))
                allowed = self.headers.get("Authorization") == f"Bearer {BOT_TOKEN}"
                self.send_response(200 if data is not None and allowed else 403)
                self.send_header("Content-Length", str(len(data) if data is not None and allowed else 0))
                self.end_headers()
                if data is not None and allowed:
                    self.wfile.write(data)

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
        return [
            call["body"]
            for call in list(self.calls)
            if call["method"] == "chat.postMessage" and call["body"].get("channel") == channel
        ]

    def wait_for_post(self, channel: str, matches: Callable[[dict], bool], timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [post for post in self.posts(channel) if matches(post)]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"nothing matching was posted to {channel}; posts: {self.posts(channel)}")


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
            "token": "unused-legacy-token",
            "team_id": "T0PORTING",
            "api_app_id": "A0PORTING",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"user_id": "U0BOT", "is_bot": True}],
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": self.channel,
                "user": self.user,
                "text": text,
                "ts": f"{time.time():.6f}",
                **event,
            },
        }

    def click(self, button: dict) -> dict:
        """The `block_actions` payload Slack sends when this user clicks a button of a message."""
        return {
            "type": "block_actions",
            "trigger_id": uuid.uuid4().hex,
            "user": {"id": self.user, "username": "customer", "team_id": "T0PORTING"},
            "team": {"id": "T0PORTING"},
            "channel": {"id": self.channel, "name": "directmessage"},
            "container": {"type": "message", "channel_id": self.channel, "is_ephemeral": False},
            "message": {"type": "message", "ts": f"{time.time():.6f}", "text": "buttons"},
            "actions": [
                {
                    "type": "button",
                    "action_id": "explain",
                    "block_id": "reasons",
                    "text": button["text"],
                    "value": button["value"],
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }

    def send_json(self, payload: dict, **options) -> requests.Response:
        return self.post(json.dumps(payload).encode(), "application/json", **options)

    def send_form(self, payload: dict, **options) -> requests.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **options)

    def post(
        self,
        body: bytes,
        content_type: str,
        secret: str = SIGNING_SECRET,
        age_seconds: int = 0,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        timestamp = str(int(time.time()) - age_seconds)
        digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": f"v0={digest.hexdigest()}",
            **(headers or {}),
        }
        return requests.post(self.webhook, data=body, headers=signed, timeout=30)

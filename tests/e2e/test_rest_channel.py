"""The foundation, end to end: the servers `make run` starts answer over the REST channel."""

from __future__ import annotations

import sqlite3
import time

import requests

from bot.ops.stack import Stack
from tests.conftest import RestClient, stack_settings


def test_hello_gets_a_greeting_within_two_seconds(customer):
    started = time.monotonic()
    answer = customer.texts("hello")
    assert time.monotonic() - started < 2.0
    assert "port" in answer.lower() and answer.startswith("Hi")


def test_the_http_api_needs_the_token(stack):
    url = f"{stack.settings.rasa_url}/conversations/anyone/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": stack.api_token}, timeout=10).status_code == 200


def test_conversation_survives_a_server_restart_in_sqlite(trained_model, tmp_path):
    settings = stack_settings(tmp_path)
    with Stack(settings).start() as first:
        RestClient(first, "restart-check").say("hello")
    with sqlite3.connect(settings.tracker_db) as db:
        stored = db.execute("select count(*) from events where sender_id = 'restart-check'").fetchone()[0]
    assert stored > 0
    with Stack(settings).start() as second:
        events = RestClient(second, "restart-check").tracker()["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["hello"]
    assert any(e["event"] == "bot" and e["text"].startswith("Hi") for e in events)

"""The Rasa adjustments of `bot.adapters.server` for an unreachable action server, each path Rasa takes
to the action server run for real: a custom action, a form's validation, a form's `action_ask_*`.

Real sockets stand in for the action server: a closed port, one that never answers, and a small
HTTP server answering with a chosen status."""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp
import pytest
import rasa.core.actions.action as rasa_action
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.adapters import server as rasa_server
from bot.adapters.server import ActionCrashed, ActionServerUnavailable, unreachable
from bot.core.replies import ACTION_FAILED, ACTION_SERVER_TROUBLE
from bot.ops.processes import free_port

FORM_DOMAIN = """
version: "3.1"
intents: [inform]
slots:
  account_name:
    type: text
    mappings:
      - type: from_text
        conditions: [{active_loop: pin_form, requested_slot: account_name}]
  pin:
    type: text
    mappings:
      - type: from_text
        conditions: [{active_loop: pin_form, requested_slot: pin}]
forms:
  pin_form:
    required_slots: [account_name, pin]
"""
# validated by the action server, and asked by it
VALIDATED = Domain.from_yaml(
    FORM_DOMAIN + "actions: [validate_pin_form]\nresponses:\n  utter_ask_account_name:\n"
    "  - text: Name?\n  utter_ask_pin:\n  - text: PIN?\n"
)
ASKED = Domain.from_yaml(FORM_DOMAIN + "actions: [action_ask_account_name]\n")


@pytest.fixture(autouse=True)
def installed(monkeypatch):
    for owner, name in (
        (RemoteAction, "run"),
        (RemoteAction, "_validate_action_result"),
        (MessageProcessor, "_run_action"),
        (rasa_action, "DEFAULT_REQUEST_TIMEOUT"),
    ):
        monkeypatch.setattr(owner, name, getattr(owner, name))  # Rasa's own again after the test
    rasa_server.install()


@pytest.fixture
def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/webhook"  # nothing listens: connection refused


class StatusServer(ThreadingHTTPServer):
    """Answers every POST with `status` (and, like rasa_sdk, a JSON body naming the action)."""

    status = 200

    def __init__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                body = json.dumps({"action_name": "action_x", "error": "rejected"}).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def status_server():
    server = StatusServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server(monkeypatch):
    """Accepts connections and never answers; Rasa's 5-minute timeout is cut to one second."""
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 1)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/webhook"


def tracker_mid_form(answer: str | None = "7391") -> DialogueStateTracker:
    """pin_form has its first answer and asked for the PIN; with `answer`, the customer just replied.

    The form ran twice, so Rasa folded its turns (the second message is hidden from the applied
    events): the case where forgetting a message the wrong way reaches back to the first one."""
    events = [
        ActionExecuted("action_listen"),
        UserUttered("fix it", {"name": "inform"}),
        ActionExecuted("pin_form"),
        ActiveLoop("pin_form"),
        SlotSet("requested_slot", "account_name"),
        BotUttered("Name?"),
        ActionExecuted("action_listen"),
        UserUttered("Mara Quinn", {"name": "inform"}),
        SlotSet("account_name", "Mara Quinn"),
        ActionExecuted("pin_form"),
        SlotSet("requested_slot", "pin"),
        BotUttered("PIN?"),
        ActionExecuted("action_listen"),
    ]
    if answer is not None:
        events += [UserUttered(answer, {"name": "inform"}), SlotSet("pin", answer)]
    return DialogueStateTracker.from_events("customer", events, slots=VALIDATED.slots)


def run(action, tracker: DialogueStateTracker | None = None, domain: Domain = VALIDATED):
    tracker = tracker or tracker_mid_form()
    return asyncio.run(
        action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)
    )


def test_a_custom_action_may_take_half_a_minute_not_five():
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == rasa_server.ACTION_TIMEOUT_SECONDS == 30


def test_the_replaced_methods_keep_rasas_parameter_names():
    # Rasa calls them with keyword arguments too (the session start does)
    for replaced, original in (
        (RemoteAction.run, rasa_server._rasa_remote_run),
        (MessageProcessor._run_action, rasa_server._rasa_run_action),
    ):
        assert list(inspect.signature(replaced).parameters) == list(inspect.signature(original).parameters)


# ----------------------------------------------------------------------------- what counts as unreachable


@pytest.mark.parametrize(
    "error",
    [
        aiohttp.ClientConnectionError(),
        aiohttp.ServerDisconnectedError(),
        asyncio.TimeoutError(),
        ClientResponseError(502, "Bad Gateway", ""),
        ClientResponseError(503, "Service Unavailable", ""),
    ],
)
def test_refused_reset_timed_out_or_no_backend_is_unreachable(error):
    assert unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        ClientResponseError(500, "Internal Server Error", ""),
        ClientResponseError(400, "Bad Request", "{}"),
        ValueError("bad"),
        None,
    ],
)
def test_an_answer_from_the_action_server_is_not_unreachable(error):
    assert not unreachable(error)


# ----------------------------------------------------------------------------- RemoteAction.run


def test_a_refused_connection_names_the_action(closed_port_url):
    with pytest.raises(ActionServerUnavailable) as raised:
        run(RemoteAction("action_apply_fix", EndpointConfig(closed_port_url)))
    assert raised.value.action_name == "action_apply_fix" and "action_apply_fix" in str(raised.value)
    assert isinstance(raised.value, RasaException)  # Rasa's own handlers still see a RasaException


def test_an_action_server_that_never_answers_times_out_as_unreachable(silent_server):
    with pytest.raises(ActionServerUnavailable):
        run(RemoteAction("action_start_fix", EndpointConfig(silent_server)))


def test_a_gateway_with_nothing_behind_it_is_unreachable(status_server):
    status_server.status = 503
    with pytest.raises(ActionServerUnavailable):
        run(RemoteAction("action_start_fix", EndpointConfig(f"http://127.0.0.1:{status_server.server_port}/")))


def test_a_crashed_action_is_told_apart_from_an_unreachable_server(status_server):
    status_server.status = 500
    with pytest.raises(ActionCrashed) as raised:
        run(RemoteAction("action_start_fix", EndpointConfig(f"http://127.0.0.1:{status_server.server_port}/")))
    assert not isinstance(raised.value, ActionServerUnavailable) and raised.value.action_name == "action_start_fix"


def test_a_crashed_action_gets_a_reply_and_what_the_turn_did_stands(status_server):
    status_server.status = 500
    tracker = tracker_mid_form("7391")
    action = RemoteAction("action_start_fix", EndpointConfig(f"http://127.0.0.1:{status_server.server_port}/"))
    events = run(rasa_server._ReplyWhenUnreachable(action), tracker)
    assert events == [BotUttered(ACTION_FAILED.text), FollowupAction("action_listen")]


def test_a_rejecting_action_keeps_rasas_own_error(status_server):
    url = f"http://127.0.0.1:{status_server.server_port}/"
    status_server.status = 400
    with pytest.raises(ActionExecutionRejection):
        run(RemoteAction("action_start_fix", EndpointConfig(url)))


# ----------------------------------------------------------------------------- forms


def test_a_forms_validation_surfaces_as_unreachable(closed_port_url):
    with pytest.raises(ActionServerUnavailable) as raised:
        run(FormAction("pin_form", EndpointConfig(closed_port_url)))
    assert raised.value.action_name == "validate_pin_form"


def test_a_forms_action_ask_surfaces_as_unreachable(closed_port_url):
    tracker = DialogueStateTracker.from_events(
        "customer", [ActionExecuted("action_listen"), UserUttered("fix it", {"name": "inform"})], slots=ASKED.slots
    )
    with pytest.raises(ActionServerUnavailable) as raised:
        run(FormAction("pin_form", EndpointConfig(closed_port_url)), tracker, ASKED)
    assert raised.value.action_name == "action_ask_account_name"


# ----------------------------------------------------------------------------- the reply and the state kept


def apply_as_the_processor_does(tracker: DialogueStateTracker, action_name: str, events: list) -> None:
    """What MessageProcessor._log_action_on_tracker does with an action's events, then the
    follow-up action_listen it runs next."""
    if not any(isinstance(event, ActionExecutionRejected) for event in events):
        tracker.update(ActionExecuted(action_name))
    tracker.update_with_events(events, VALIDATED)
    if tracker.followup_action == "action_listen":
        tracker.update(ActionExecuted("action_listen"))


def test_mid_form_the_customer_gets_one_reply_and_the_form_is_back_where_it_was(closed_port_url):
    tracker = tracker_mid_form("7391")
    action = rasa_server._ReplyWhenUnreachable(FormAction("pin_form", EndpointConfig(closed_port_url)))
    events = run(action, tracker)
    assert events == [
        ActionExecutionRejected("pin_form"),
        BotUttered(ACTION_SERVER_TROUBLE.text),
        UserUtteranceReverted(),
        FollowupAction("action_listen"),
    ]
    apply_as_the_processor_does(tracker, "pin_form", events)
    assert tracker.get_slot("pin") is None and tracker.get_slot("account_name") == "Mara Quinn"
    assert tracker.get_slot("requested_slot") == "pin" and tracker.active_loop_name == "pin_form"
    assert tracker.latest_action_name == "action_listen" and not tracker.is_active_loop_rejected


def test_after_another_action_of_the_same_turn_what_it_did_stands(closed_port_url):
    tracker = tracker_mid_form("7391")
    tracker.update(ActionExecuted("action_explain_why"))
    events = run(rasa_server._ReplyWhenUnreachable(RemoteAction("action_x", EndpointConfig(closed_port_url))), tracker)
    assert events == [BotUttered(ACTION_SERVER_TROUBLE.text), FollowupAction("action_listen")]
    apply_as_the_processor_does(tracker, "action_x", events)
    assert tracker.get_slot("account_name") == "Mara Quinn" and tracker.active_loop_name == "pin_form"


def test_an_action_run_between_messages_forgets_no_message(closed_port_url):
    tracker = tracker_mid_form(answer=None)  # e.g. run through the HTTP API while the bot listens
    events = run(rasa_server._ReplyWhenUnreachable(RemoteAction("action_x", EndpointConfig(closed_port_url))), tracker)
    assert events == [BotUttered(ACTION_SERVER_TROUBLE.text), FollowupAction("action_listen")]


def test_other_failures_are_left_to_rasa(status_server):
    status_server.status = 404  # a misrouted endpoint: an operator's error, for the logs
    action = rasa_server._ReplyWhenUnreachable(
        RemoteAction("action_x", EndpointConfig(f"http://127.0.0.1:{status_server.server_port}/"))
    )
    with pytest.raises(RasaException):
        run(action)

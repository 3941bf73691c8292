"""`python -m bot.adapters.server run ...`: Rasa's own command line, with the project's server fixes.

The launcher, the cluster and the benchmark start Rasa through this module instead of
`python -m rasa`, so every Rasa server process runs with the same adjustments:

- Rasa checks each action server response against a JSON schema, and `jsonschema.validate`
  re-validates the schema itself on every call (35-40 ms of CPU per custom action, measured
  with py-spy). The schema never changes, so one validator is built once and reused.
- Reading a tracker looks up each stored event's class by walking every Event subclass
  (3% of a reply's CPU); the classes never change while the server runs, so the answer is cached.
- When the action server can't be reached (or takes longer than ACTION_TIMEOUT_SECONDS, not
  Rasa's five minutes), Rasa logs it, drops the action's events and goes on predicting: the
  customer gets no answer at all, and an active form may be tried again and again. Here the
  customer gets one clear reply, their message is forgotten and the bot listens, so sending it
  again once the action server is back carries on where the conversation was (a form keeps the
  answers it has and waits for the same one).
- Logs never hold what customers typed nor the API token: Rasa's structured log lines carry the
  message text (when a REST turn fails, or its client hangs up) and an exception's local
  variables, so a PIN typed in the chat would reach rasa.log; and Sanic's error log names the
  whole URL, where HTTP API clients put `?token=`. Both are logged without them here.
- The HTTP API token is read from RASA_API_TOKEN, never passed on the command line.
- Sanic's own error answers (a URL over 8 KB, an unknown path) are JSON like the HTTP API's, not
  HTML pages.

This module is an adapter: the one place the project changes Rasa's behaviour.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from functools import lru_cache
from typing import Any

import aiohttp
import rasa.core.actions.action as rasa_action
import structlog
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import Action, RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    BotUttered,
    Event,
    FollowupAction,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils import log_utils
from sanic.handlers import ErrorHandler
from sanic.log import error_logger as sanic_error_logger
from sanic.request import Request

from bot import settings
from bot.adapters.turns import first_action_of_the_turn
from bot.core.replies import ACTION_FAILED, ACTION_SERVER_TROUBLE

logger = logging.getLogger("bot.adapters.server")  # also when run as __main__
API_TOKEN_ENV = "RASA_API_TOKEN"

# A proxy or load balancer in front of the action server answers these when nothing is behind it.
GATEWAY_DOWN = frozenset({502, 503, 504})
# How long one custom action may take before the customer is told to try again. Rasa waits five
# minutes; ours answer within a second, and a chat widget gives up long before five minutes.
ACTION_TIMEOUT_SECONDS = 30


class ActionServerUnavailable(RasaException):
    """A custom action could not be run because the action server did not answer."""

    def __init__(self, action_name: str, cause: BaseException):
        self.action_name = action_name
        super().__init__(
            f"the action server did not answer the call to '{action_name}': {type(cause).__name__} {cause}".strip()
        )


class ActionCrashed(RasaException):
    """The action server answered a custom action with a server error (a bug or a dependency
    failing inside the action): the call got through, so what the action did may stand."""

    def __init__(self, action_name: str, cause: BaseException):
        self.action_name = action_name
        super().__init__(f"the action server failed to run '{action_name}': {cause}")


def crashed(error: BaseException | None) -> bool:
    """Whether the action server itself answered with a server error (not a gateway's)."""
    status = getattr(error, "status", None)
    return (
        isinstance(error, aiohttp.ClientError) and status is not None and status >= 500 and status not in GATEWAY_DOWN
    )


def unreachable(error: BaseException | None) -> bool:
    """Whether a call to the action server failed on the way (refused, reset, timed out, no
    backend), rather than being answered with an error by the action server itself."""
    if isinstance(error, asyncio.TimeoutError):
        return True
    if not isinstance(error, aiohttp.ClientError):
        return False
    status = getattr(error, "status", None)  # only an HTTP answer has one
    return status is None or status in GATEWAY_DOWN


@lru_cache(maxsize=1)
def _action_response_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    """Same contract as Rasa's: True, or the schema's ValidationError with a pointer to the docs."""
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += ". Failed to validate the action server response; see the custom actions docs."
        raise error
    return True


_rasa_remote_run = RemoteAction.run
_rasa_run_action = MessageProcessor._run_action


async def _run_remote_action(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Rasa's `RemoteAction.run`, raising `ActionServerUnavailable` when the call did not get
    through. Rasa wraps those failures in a plain RasaException, or lets a timeout through."""
    try:
        return await _rasa_remote_run(self, output_channel, nlg, tracker, domain)
    except Exception as error:
        cause = (error.__cause__ or error.__context__) if isinstance(error, RasaException) else error
        if unreachable(cause):
            raise ActionServerUnavailable(self.name(), cause) from cause
        if crashed(cause):
            raise ActionCrashed(self.name(), cause) from cause
        raise


class _ReplyWhenUnreachable(Action):
    """The action the processor runs, answering for it when the action server is unreachable.

    The failure can come from deep inside: a form calls `validate_<form>` and `action_ask_<slot>`
    on the action server, and all of them surface here through the top-level action."""

    def __init__(self, action: Action):
        self.action = action

    def name(self) -> str:
        return self.action.name()

    def event_for_successful_execution(self, prediction: PolicyPrediction) -> ActionExecuted:
        return self.action.event_for_successful_execution(prediction)

    async def run(
        self,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> list[Event]:
        try:
            return await self.action.run(output_channel, nlg, tracker, domain)
        except ActionServerUnavailable as error:
            logger.error(
                "Running '%s' for conversation %s failed: %s. Asked the customer to try again.",
                self.name(),
                tracker.sender_id,
                error,
            )
            reply, listen = BotUttered(ACTION_SERVER_TROUBLE.text), FollowupAction(ACTION_LISTEN_NAME)
            if first_action_of_the_turn(event.type_name for event in reversed(tracker.events)):
                # Not logged as run (so a form's turn is not folded), then the message is forgotten:
                # the conversation is exactly as before it, and sending it again continues.
                return [ActionExecutionRejected(self.name()), reply, UserUtteranceReverted(), listen]
            return [reply, listen]  # what this turn already did stands; the bot just listens
        except ActionCrashed as error:
            # Rasa would drop the events and say nothing; the customer hears something went wrong.
            logger.error(
                "Running '%s' for conversation %s failed: %s. Told the customer.", self.name(), tracker.sender_id, error
            )
            return [BotUttered(ACTION_FAILED.text), FollowupAction(ACTION_LISTEN_NAME)]


async def _run_action(
    self: MessageProcessor,
    action: Action,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    prediction: PolicyPrediction,
) -> bool:
    # Rasa's signature, names included: Rasa calls it with keyword arguments too
    return await _rasa_run_action(self, _ReplyWhenUnreachable(action), tracker, output_channel, nlg, prediction)


# Fields that name and place a structured log line; every other field may hold customer data.
_LOG_FIELDS_SHOWN = frozenset({"event", "event_info", "level", "log_level", "timestamp", "logger"})


def _withhold_customer_data(logger_: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: fields other than the event's name and level are replaced by their
    size, and a traceback is rendered as text without the frames' local variables."""
    for key in event_dict.keys() - _LOG_FIELDS_SHOWN - {"exc_info"}:
        event_dict[key] = f"<withheld: {len(str(event_dict[key]))} characters>"
    return structlog.processors.format_exc_info(logger_, method_name, event_dict)


def _log_handler_error(request: Request, exception: BaseException) -> None:
    """Sanic's `ErrorHandler.log`, naming the request by method and path: the query string can hold
    the API token."""
    noisy = getattr(request.app.config, "NOISY_EXCEPTIONS", False)
    if getattr(exception, "quiet", False) is False or noisy is True:
        sanic_error_logger.exception("Exception occurred while handling %s %s", request.method, request.path)


def _keep_secrets_out_of_logs() -> None:
    # Rasa's own anonymizer hook (a no-op without Rasa Pro), read when `rasa run` configures structlog.
    log_utils._anonymizer = _withhold_customer_data
    ErrorHandler.log = staticmethod(_log_handler_error)


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(lru_cache(maxsize=None)(Event.resolve_by_type))
    RemoteAction.run = _run_remote_action
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS  # read by RemoteAction.run on each call
    MessageProcessor._run_action = _run_action
    _keep_secrets_out_of_logs()
    settings.set_default("SANIC_FALLBACK_ERROR_FORMAT", "json")  # read by Sanic when Rasa creates its app


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    # The HTTP API token comes from the environment: on the command line, `ps` shows it to every
    # local user. Added to this process's own argument list, it stays out of /proc/<pid>/cmdline.
    token = os.environ.get(API_TOKEN_ENV)
    if token and sys.argv[1:2] == ["run"] and not any(arg.startswith("--auth-token") for arg in sys.argv):
        sys.argv.append(f"--auth-token={token}")  # "=" form: a token may start with "-"
    rasa_main()


if __name__ == "__main__":
    main()

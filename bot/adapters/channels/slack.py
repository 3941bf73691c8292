"""Rasa's Slack connector with the few things it lacks.

Rasa's `SlackInput` already checks each request's signature and rejects timestamps more than five
minutes off, sends buttons as Slack interactive blocks and turns button clicks back into messages.
This subclass adds:

- a configurable Slack Web API address (`slack_api_url`), so tests can use a fake Slack;
- a Slack retry of a message already handled is acknowledged, not answered a second time;
- `url_verification` is answered with the bare challenge, the form Slack accepts;
- a file shared in the conversation (a bill) is fetched with the bot token and kept with the
  customer's verified order, as the widget's paper clip does (bot/core/orders/documents.py);
- a signed request whose body Rasa's handler would fail on (malformed JSON, a form without a JSON
  `payload`, fields of the wrong type, another content type) gets a 4xx that says what is wrong,
  and an interaction Rasa cannot answer (a modal, a menu it does not read) a plain 200, where
  Rasa answers 500.

Enabled from credentials.yml by `python -m bot run` when SLACK_TOKEN and SLACK_SIGNING_SECRET are
set; docs/slack.md has the app set-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.validators import Draft7Validator
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import settings
from bot.adapters.channels.bodies import BadRequest, json_object
from bot.core.documents.intake import MAX_UPLOAD_BYTES, RefusedUpload, too_large
from bot.core.errors import UserError
from bot.core.orders.documents import DocumentDesk

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# How many handled messages are remembered; Slack gives up retrying within about an hour.
REMEMBERED_MESSAGES = 5000
JSON, FORM = "application/json", "application/x-www-form-urlencoded"  # all Slack sends, as Rasa compares them
SLACK_FILES_HOST = "files.slack.com"  # the only host the bot token is sent to for a shared file
FILES_PER_MESSAGE = 3
VERIFIED_ORDER_SLOT = "verified_order_id"  # set by the identity check (actions/slots.py VERIFIED_ORDER)
NO_ORDER_FOR_FILE = (
    "I can keep a bill with your order once I know which order it is: tell me your port order number "
    "and the ZIP code of the service address, then share the file again."
)
FILE_NOT_KEPT = "I couldn't keep that file just now. Please share it again in a few minutes, or ask for a person."

# The parts of Slack's bodies that Rasa's handler and this module read, with the types they assume.
_SLACK_ID = {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,64}$"}  # user, channel, ts ids
_EVENT_BODY = Draft7Validator(
    {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "event_id": {"type": "string"},
            "authed_users": {"type": "array", "items": _SLACK_ID},
            "authorizations": {"type": "array", "items": {"type": "object", "properties": {"user_id": _SLACK_ID}}},
            "event": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "channel_type": {"type": "string"},
                    "text": {"type": "string"},
                    "user": _SLACK_ID,
                    "channel": _SLACK_ID,
                    "ts": _SLACK_ID,
                    "thread_ts": _SLACK_ID,
                },
            },
        },
    }
)
_INTERACTION = Draft7Validator(
    {
        "type": "object",
        "properties": {
            "user": {"type": "object", "properties": {"id": _SLACK_ID}, "required": ["id"]},
            "channel": {"type": "object", "properties": {"id": _SLACK_ID}},
            "message": {"type": "object", "properties": {"ts": _SLACK_ID, "thread_ts": _SLACK_ID}},
            "actions": {
                "type": "array",
                "items": {"type": "object", "properties": {"type": {"type": "string"}}, "required": ["type"]},
            },
        },
        "dependencies": {"actions": ["user"]},
    }
)
_EVENT_EXAMPLE = '{"type": "event_callback", "event": {"type": "message", "text": "..."}}'
_INTERACTION_EXAMPLE = '{"type": "block_actions", "user": {"id": "U123"}, "actions": [...]}'


def _check_shape(validator: Draft7Validator, body: dict, what: str) -> None:
    error = best_match(validator.iter_errors(body))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the body"
        raise BadRequest(f"Not a Slack {what} this endpoint can read: {where}: {error.message[:200]}")


def read_event(body: bytes) -> dict:
    """An Events API body (JSON), checked, or `BadRequest`."""
    event = json_object(body, _EVENT_EXAMPLE)
    _check_shape(_EVENT_BODY, event, "event")
    return event


def read_interaction(body: bytes) -> dict:
    """The JSON `payload` of a form-encoded interaction (a button click), checked, or `BadRequest`."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise BadRequest("The body is not UTF-8 text.") from None
    if len(fields.get("payload", ())) != 1:
        raise BadRequest('A form-encoded Slack request carries its JSON in one "payload" field.')
    payload = json_object(fields["payload"][0].encode("utf-8"), _INTERACTION_EXAMPLE)
    _check_shape(_INTERACTION, payload, "interaction")
    return payload


class SlackReplies(SlackBot):
    """Rasa's Slack output channel, posting to the given Slack Web API address."""

    def __init__(
        self, token: str, slack_channel: str | None, thread_id: str | None, proxy: str | None, api_url: str
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)


class SlackChannel(SlackInput):
    """`bot.adapters.channels.slack.SlackChannel` in credentials.yml; listens on /webhooks/slack/webhook."""

    def __init__(self, *args: Any, api_url: str = SLACK_API_URL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = api_url
        self._handled: OrderedDict[str, None] = OrderedDict()
        self._desk: DocumentDesk | None = None  # made when the first file is shared

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("slack_api_url") or SLACK_API_URL
        return channel

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackReplies(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(on_new_message)

        @slack_webhook.on_request
        async def check_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not self.is_request_from_slack_authentic(request):
                return None  # Rasa's handler answers, and rejects a bad signature with 400
            try:
                answered = self._answer_before_rasa(request)
            except BadRequest as problem:
                logger.warning("Refused a signed Slack request: %s", problem)
                return response.text(str(problem), status=problem.status)
            if answered is None and request.headers.get("content-type") == JSON:
                self._take_shared_files(request)
            return answered

        return slack_webhook

    def _take_shared_files(self, request: Request) -> None:
        """Files shared in a message are kept with the sender's order in the background: Slack
        wants its answer within 3 seconds, and a retry of the same event is not taken twice."""
        body = request.parsed_json
        event = body.get("event") or {}
        files = event.get("files")
        if not isinstance(files, list) or not files or event.get("bot_id") or not event.get("user"):
            return
        if not self._is_supported_channel(body, self.get_metadata(request)):
            return
        keys = [f"files:{key}" for key in self._message_keys(request)]
        if not keys or any(key in self._handled for key in keys):
            return
        for key in keys:
            self._handled[key] = None
        agent = request.app.ctx.agent
        asyncio.create_task(self._keep_files(agent, event, files[:FILES_PER_MESSAGE]))

    async def _keep_files(self, agent: Any, event: dict, files: list) -> None:
        channel, thread = event.get("channel"), event.get("thread_ts")
        sender = self._get_conversation_id(event["user"], channel, thread)
        out = self.get_output_channel(channel, thread)
        try:
            # A file shared just after a message waits until that message is handled: its turn
            # may be the one that verifies the order.
            async with agent.lock_store.lock(sender):
                tracker = await agent.tracker_store.retrieve(sender)
            order_id = tracker.get_slot(VERIFIED_ORDER_SLOT) if tracker else None
            if not order_id:
                await out.send_text_message(sender, NO_ORDER_FOR_FILE)
                return
            for shared in files:
                await out.send_text_message(sender, await self._keep_file(shared, order_id, sender))
        except Exception:  # a background task: logged, and the customer told, never a silent loss
            logger.exception("A file shared in Slack could not be kept")
            await out.send_text_message(sender, FILE_NOT_KEPT)

    async def _keep_file(self, shared: Any, order_id: str, sender: str) -> str:
        """What the customer is told about one shared file, once it is kept or refused."""
        if not isinstance(shared, dict):
            return FILE_NOT_KEPT
        size = shared.get("size")
        if isinstance(size, int) and size > MAX_UPLOAD_BYTES:
            return str(too_large(size))  # not downloaded at all
        url = shared.get("url_private_download") or shared.get("url_private") or ""
        if urlsplit(url).hostname not in (SLACK_FILES_HOST, urlsplit(self.api_url).hostname):
            logger.warning("A shared file's address is not Slack's: %s", urlsplit(url).hostname)
            return FILE_NOT_KEPT
        headers = {"Authorization": f"Bearer {self.slack_token}"}
        async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as download:
            if download.status != 200:
                logger.warning("Slack answered %s for a shared file", download.status)
                return FILE_NOT_KEPT
            data = await download.content.read(MAX_UPLOAD_BYTES + 1)
        try:
            self._desk = self._desk or DocumentDesk.from_settings()
            _, checked = await asyncio.to_thread(
                self._desk.take_upload, order_id, data, f"slack:{sender}", settings.today()
            )
        except RefusedUpload as problem:
            return str(problem)
        except UserError as problem:
            logger.error("A file shared in Slack could not be kept: %s", problem)
            return FILE_NOT_KEPT
        return checked.message()

    def _answer_before_rasa(self, request: Request) -> HTTPResponse | None:
        """Checks a signed request's body; answers what Rasa's handler would fail on or get wrong."""
        content_type = request.headers.get("content-type")
        if content_type == JSON:
            body = request.parsed_json = read_event(request.body)  # what Rasa's handler reads
            if body.get("type") == "url_verification":
                # Rasa answers with the challenge as a JSON string, which Slack no longer accepts.
                return response.text(str(body.get("challenge", "")))
            return None
        if content_type != FORM:
            raise BadRequest(f"Slack sends {JSON} (events) or {FORM} (button clicks), not {content_type}.", status=415)
        payload = read_interaction(request.body)
        if not self._is_interactive_message(payload):
            return response.text("Nothing to answer in this Slack interaction.")
        try:
            text = self._get_interactive_response(payload["actions"][0])
        except (AttributeError, IndexError, KeyError, TypeError):  # Rasa indexes into the action freely
            raise BadRequest("The interaction's action has no value this endpoint can read.") from None
        if text is None:
            return response.text("Nothing to answer in this Slack interaction.")
        if not isinstance(text, str):
            raise BadRequest("The interaction's value must be a string.")
        return None

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict | None,
    ) -> Any:
        keys = self._message_keys(request)
        if any(key in self._handled for key in keys):
            # A retry (X-Slack-Retry-Num) of an event already answered, or the same message
            # delivered again as another event (a mention arrives as `message` and `app_mention`).
            logger.info(
                "Slack delivered message %s again (retry %s); not answering twice",
                keys,
                request.headers.get("X-Slack-Retry-Num", "-"),
            )
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        for key in keys:
            self._handled[key] = None
        while len(self._handled) > REMEMBERED_MESSAGES:
            self._handled.popitem(last=False)
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    @staticmethod
    def _message_keys(request: Request) -> list[str]:
        """What identifies an Events API delivery: its event id and the message's channel and time."""
        if request.headers.get("content-type") != JSON:
            return []  # button clicks are not retried by Slack
        body = request.json or {}
        event = body.get("event", {})
        keys = [f"event:{body['event_id']}"] if body.get("event_id") else []
        if event.get("channel") and event.get("ts"):
            keys.append(f"message:{event['channel']}:{event['ts']}")
        return keys

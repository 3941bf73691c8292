"""Rasa's Slack connector with the few things it lacks.

Rasa's `SlackInput` already checks each request's signature and rejects timestamps more than five
minutes off, sends buttons as Slack interactive blocks and turns button clicks back into messages.
This subclass adds:

- a configurable Slack Web API address (`slack_api_url`), so tests can use a fake Slack;
- a Slack retry of a message already handled is acknowledged, not answered a second time;
- `url_verification` is answered with the bare challenge, the form Slack accepts.

Enabled from credentials.yml by `python -m bot run` when SLACK_TOKEN and SLACK_SIGNING_SECRET are
set; docs/slack.md has the app set-up.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# How many handled messages are remembered; Slack gives up retrying within about an hour.
REMEMBERED_MESSAGES = 5000


class SlackReplies(SlackBot):
    """Rasa's Slack output channel, posting to the given Slack Web API address."""

    def __init__(self, token: str, slack_channel: str | None, thread_id: str | None,
                 proxy: str | None, api_url: str) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)


class SlackChannel(SlackInput):
    """`bot.channels.slack.SlackChannel` in credentials.yml; listens on /webhooks/slack/webhook."""

    def __init__(self, *args: Any, api_url: str = SLACK_API_URL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = api_url
        self._handled: OrderedDict[str, None] = OrderedDict()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("slack_api_url") or SLACK_API_URL
        return channel

    def get_output_channel(self, channel: str | None = None,
                           thread_id: str | None = None) -> OutputChannel:
        return SlackReplies(self.slack_token, channel or self.slack_channel, thread_id, self.proxy,
                            self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(on_new_message)

        @slack_webhook.on_request
        async def answer_url_verification(request: Request) -> HTTPResponse | None:
            # Rasa answers with the challenge as a JSON string, which Slack no longer accepts.
            if request.method != "POST" or request.headers.get("content-type") != "application/json":
                return None
            body = request.json or {}
            if body.get("type") != "url_verification" or not self.is_request_from_slack_authentic(request):
                return None  # Rasa's handler answers, and rejects a bad signature with 400
            return response.text(str(body.get("challenge", "")))

        return slack_webhook

    async def process_message(self, request: Request,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: str, sender_id: str | None, metadata: dict | None) -> Any:
        keys = self._message_keys(request)
        if any(key in self._handled for key in keys):
            # A retry (X-Slack-Retry-Num) of an event already answered, or the same message
            # delivered again as another event (a mention arrives as `message` and `app_mention`).
            logger.info("Slack delivered message %s again (retry %s); not answering twice",
                        keys, request.headers.get("X-Slack-Retry-Num", "-"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        for key in keys:
            self._handled[key] = None
        while len(self._handled) > REMEMBERED_MESSAGES:
            self._handled.popitem(last=False)
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    @staticmethod
    def _message_keys(request: Request) -> list[str]:
        """What identifies an Events API delivery: its event id and the message's channel and time."""
        if request.headers.get("content-type") != "application/json":
            return []  # button clicks are not retried by Slack
        body = request.json or {}
        event = body.get("event", {})
        keys = [f"event:{body['event_id']}"] if body.get("event_id") else []
        if event.get("channel") and event.get("ts"):
            keys.append(f"message:{event['channel']}:{event['ts']}")
        return keys

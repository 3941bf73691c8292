"""Rasa's REST channel (what the website widget and the tests talk to), refusing bad requests.

Rasa's `RestInput` answers a JSON array or an empty body with a 500, files a message without a
sender under one shared "default" conversation, and swallows a non-string message with an empty
answer and a traceback in the log. This subclass checks every request first (bot/adapters/channels/bodies.py)
and answers a bad one with a 4xx and `{"error": "<what to send instead>"}`. It keeps the name
"rest", so the address stays /webhooks/rest/webhook.

It also tells the actions who is writing: the client's address goes into the message's metadata
as "client" (the per-client limit of the identity check counts by it), whatever the body says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.adapters.channels.bodies import BadRequest, rest_body, sender_address


class RestChannel(RestInput):
    """`bot.adapters.channels.rest.RestChannel` in credentials.yml."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.on_request
        async def refuse_bad_requests(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None  # the health check
            try:
                # Rasa's handler reads request.json: give it the body checked here.
                request.parsed_json = rest_body(request.headers.get("content-type"), request.body)
            except BadRequest as problem:
                return response.json({"error": str(problem)}, status=problem.status)
            return None

        return webhook

    def _extract_input_channel(self, request: Request) -> str:
        # Rasa takes the channel name from the body; a REST client must not pass for another channel.
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """The body's metadata (the website's signed customer token) with the client's address."""
        given = request.json.get("metadata") if isinstance(request.json, dict) else None
        return {**(given if isinstance(given, dict) else {}), "client": client_address(request)}


def client_address(request: Request) -> str:
    return sender_address(request.ip, request.headers.get("x-forwarded-for", ""))

"""The Slack channel against the real Rasa server, with a fake Slack Web API on 127.0.0.1.

Requests are signed the way Slack signs them (HMAC-SHA256 of `v0:<timestamp>:<body>` with the
signing secret); the bot's answers are whatever reaches the fake `chat.postMessage`.
"""

from __future__ import annotations

import time

import pytest
import requests
import yaml

from bot.ops.env_file import SLACK_CHANNEL, effective_credentials
from bot.settings import CREDENTIALS_TEMPLATE
from tests.e2e.slack_fake import (
    BOT_TOKEN,
    QUIET_SECONDS,
    SUPPORT_CHANNEL,
    TWO_REASONS,
    TWO_REASONS_BUTTONS,
    TWO_REASONS_NAMES,
    FakeSlack,
    SlackUser,
)


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
    clicked = slack_user.send_form(
        slack_user.click({"text": {"type": "plain_text", "text": "PIN"}, "value": "/rejection_pin_invalid"}),
        secret="guess",
    )
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
    retry = slack_user.send_json(event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
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


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, None),
        ({"SLACK_TOKEN": "x"}, None),
        (
            {"SLACK_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"},
            {"slack_token": "${SLACK_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}"},
        ),
        (
            {"SLACK_TOKEN": "x", "SLACK_SIGNING_SECRET": "y", "SLACK_CHANNEL": "C1"},
            {
                "slack_token": "${SLACK_TOKEN}",
                "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
                "slack_channel": "${SLACK_CHANNEL}",
            },
        ),
    ],
)
def test_slack_credentials_only_when_token_and_secret_are_set(env, expected):
    channels = effective_credentials(yaml.safe_load(CREDENTIALS_TEMPLATE.read_text()), env)
    assert "bot.adapters.channels.rest.RestChannel" in channels
    assert channels.get(SLACK_CHANNEL) == expected


def test_a_bill_shared_in_slack_is_kept_with_the_verified_order(slack_user, slack_stack, fake_slack):
    from datetime import timedelta

    from bot import settings
    from bot.core.orders.store import OrderStore
    from bot.core.secrets import SecretBox
    from tests.documents import WINDOWS_PROGRAM, bill

    shared_too_early = fake_slack.share("early.pdf", bill(settings.today()))
    slack_user.send_json(slack_user.event("", subtype="file_share", files=[shared_too_early]))
    fake_slack.wait_for_post(slack_user.channel, lambda post: "which order it is" in post["text"])

    slack_user.send_json(slack_user.event("frontier says PO-10005 is not active, zip 80203"))
    fake_slack.wait_for_post(slack_user.channel, lambda post: "PO-10005" in post["text"])
    statement = fake_slack.share("frontier-bill.pdf", bill(settings.today() - timedelta(days=8)))
    program = fake_slack.share("bill.pdf.exe", WINDOWS_PROGRAM)
    event = slack_user.event("here is my bill", subtype="file_share", files=[statement, program])
    assert slack_user.send_json(event).status_code == 200
    assert slack_user.send_json(event, headers={"X-Slack-Retry-Num": "1"}).status_code == 200  # not kept twice
    fake_slack.wait_for_post(slack_user.channel, lambda post: post["text"].startswith("Got your bill"))
    fake_slack.wait_for_post(slack_user.channel, lambda post: "isn't a PDF, PNG or JPEG" in post["text"])

    store = OrderStore(slack_stack.settings.database_url, SecretBox(slack_stack.env_values["PIN_ENCRYPTION_KEY"]))
    try:
        time.sleep(QUIET_SECONDS)
        assert [(d.kind, d.too_old) for d in store.documents("PO-10005")] == [("bill", False)]
    finally:
        store.close()

"""The headless Chromium shared by the browser tests (one Playwright per test session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.ops.stack import Stack
from tests.conftest import require_program, stack_settings
from tests.e2e.slack_fake import BOT_TOKEN, SIGNING_SECRET, SUPPORT_CHANNEL, FakeSlack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# One per test module, stopped at its end: two sync Playwright instances cannot run at once, and
# a running one keeps an event loop in this thread, where later tests' asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_program(CHROMIUM, "chromium")  # skips, or fails when CI=true
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The Slack fixtures: module-scoped, so each module that uses them gets its own fake and stack.
@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def slack_stack(trained_model, fake_slack, tmp_path_factory) -> Iterator[Stack]:
    settings = stack_settings(tmp_path_factory.mktemp("slack-stack"))
    settings.extra_env = {
        "SLACK_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CHANNEL": SUPPORT_CHANNEL,
        "SLACK_API_URL": fake_slack.api_url,
    }
    with Stack(settings).start() as running:
        yield running

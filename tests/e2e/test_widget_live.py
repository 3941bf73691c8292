"""The chat widget on the demo page, in headless Chromium, against the real servers `make run` starts.

The browser (tests/e2e/conftest.py) and the page helpers are the ones of the static widget tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, expect

from bot.ops.stack import Stack
from tests.e2e.test_widget_static import RESULTS_DIR, ChatPage

TWO_REASONS = "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID"
# The notice's reasons as the bot names them: it explains one and offers a button for the other.
REASON_PAYLOADS = {
    "Name does not match": "/rejection_name_mismatch",
    "PIN or passcode missing or wrong": "/rejection_pin_invalid",
}
ATTACK = "<img src=x onerror=alert(1)>"
REPLY_TIMEOUT = 60_000  # ms: the real NLU and action server, on a possibly busy machine
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOT = RESULTS_DIR / "widget-conversation.png"


@pytest.fixture
def chat(browser: Browser, stack: Stack) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    chat = ChatPage(context.new_page())
    chat.page.goto(stack.web.url + "/")
    expect(chat.launcher).to_be_visible()
    yield chat
    context.close()


def wait_for_answer(chat: ChatPage) -> None:
    expect(chat.page.locator("#porting-chat .pc-typing")).to_be_hidden(timeout=REPLY_TIMEOUT)


def stored_conversation(chat: ChatPage) -> dict:
    """The widget's saved state (sender id and messages) from localStorage."""
    return chat.page.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k.startsWith("porting-chat:"));
        return JSON.parse(localStorage.getItem(key));
    }""")


def delivered_parts(event: dict) -> list[str]:
    """A tracker event as the widget got it: Rasa's REST channel sends each paragraph of a text alone."""
    text = event.get("text") or ""
    return text.strip().split("\n\n") if event["event"] == "bot" and not event["data"].get("buttons") else [text]


def sent_messages(records: list[dict]) -> list[tuple[str, str]]:
    """The conversation as the server saw it: a clicked button's row shows its title, Rasa got its payload."""
    payloads: dict[str, str] = {}  # the buttons of the bot's last answer
    conversation = []
    for record in records:
        if record["from"] == "bot":
            payloads.update({button["title"]: button["payload"] for button in record.get("buttons", [])})
            conversation.append(("bot", record["text"]))
        else:
            conversation.append(("user", payloads.get(record["text"], record["text"])))
            payloads = {}
    return conversation


def test_a_conversation_on_the_demo_page(chat, stack):
    chat.open()
    chat.send("hello")
    expect(chat.rows("bot").first).to_contain_text("Hi! I help when a request to move (port)", timeout=REPLY_TIMEOUT)

    chat.send(TWO_REASONS)
    explain = chat.log.get_by_role("button", name=re.compile(r"^Explain: "))
    expect(explain).to_have_count(1, timeout=REPLY_TIMEOUT)
    wait_for_answer(chat)
    offered = explain.inner_text().removeprefix("Explain: ")
    assert offered in REASON_PAYLOADS
    explain.click()
    expect(chat.rows("user").last).to_have_text(f"Explain: {offered}")
    expect(chat.rows("bot").filter(has_text=f"{offered}: ")).to_have_count(1, timeout=REPLY_TIMEOUT)
    wait_for_answer(chat)
    # The screenshot starts at the button choice, with the notice's answer just above it.
    chat.rows("user").last.evaluate("row => row.scrollIntoView({block: 'center'})")
    RESULTS_DIR.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(SCREENSHOT))

    history = chat.log.locator(".pc-row").all_inner_texts()
    chat.page.reload()
    expect(chat.panel).to_be_visible()
    assert chat.log.locator(".pc-row").all_inner_texts() == history
    expect(explain).to_be_disabled()  # the choice was made before the reload

    chat.send(ATTACK)
    expect(chat.rows("user").last).to_have_text(ATTACK)
    wait_for_answer(chat)
    expect(chat.log.locator("img")).to_have_count(0)
    chat.page.wait_for_timeout(300)  # give a rogue onerror handler time to fire
    assert chat.dialogs == []

    hosts = {urlsplit(url).hostname for url in chat.requests if not url.startswith("data:")}
    assert hosts <= LOCAL_HOSTS, chat.requests
    assert f"{stack.settings.rasa_url}/webhooks/rest/webhook" in chat.requests

    # The same conversation, every message in order, through the token-protected HTTP API.
    stored = stored_conversation(chat)
    tracker = requests.get(
        f"{stack.settings.rasa_url}/conversations/{stored['senderId']}/tracker",
        params={"token": stack.api_token},
        timeout=30,
    )
    tracker.raise_for_status()
    said = [
        (event["event"], text)
        for event in tracker.json()["events"]
        if event["event"] in ("user", "bot")
        for text in delivered_parts(event)
    ]
    conversation = sent_messages(stored["messages"])
    assert said == conversation
    assert [text for who, text in conversation if who == "user"] == [
        "hello",
        TWO_REASONS,
        REASON_PAYLOADS[offered],
        ATTACK,
    ]


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
def test_cors_allows_the_demo_page_only(stack, method):
    webhook = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
    headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    def allowed_origin(origin: str) -> str | None:
        answer = requests.request(
            method,
            webhook,
            headers={**headers, "Origin": origin},
            json={"sender": "cors-check", "message": "hello"},
            timeout=60,
        )
        return answer.headers.get("Access-Control-Allow-Origin")

    demo_origin = stack.web.url  # the page the browser test opens
    assert allowed_origin(demo_origin) == demo_origin
    assert allowed_origin("http://evil.example") is None
    assert allowed_origin("http://localhost:1") is None  # another local port is another origin

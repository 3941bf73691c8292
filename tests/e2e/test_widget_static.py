"""The website chat widget in a real (headless) Chromium against a fake Rasa REST channel.

The fake Rasa is a tiny local HTTP server with scripted replies; the widget, its CSS, the demo
page and the static server are the real ones. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from bot.core.errors import UserError
from bot.ops.web.server import WidgetServer, serve

RESULTS_DIR = Path(__file__).resolve().parents[2] / "results"
ERROR_TEXT = "Sorry, I couldn't reach the assistant."
SLOW_REPLY_SECONDS = 1.5

PIN_HELP = (
    "Your current carrier did not accept the transfer PIN.\n"
    "Ask them for a new one at https://example.com/transfer-pin, or write to porting@example.com."
)
HTML_REPLY = "<b>bold</b> <img src=x onerror=alert(2)> <script>alert(3)</script>"
LINKS_REPLY = (
    "Details: https://example.com/porting?step=2. Mail porting@example.com.\n"
    'Never javascript:alert(document.domain) or <a href="javascript:alert(1)">this</a>.'
)


def scripted_replies(message: str) -> list[dict]:
    """What the fake Rasa answers; anything unscripted is echoed back."""
    if message == "hello":
        return [
            {"text": "Hi! I can explain why a number transfer was rejected."},
            {
                "text": "Which reason did the rejection notice give?",
                "buttons": [
                    {"title": "Wrong PIN", "payload": "/rejection_pin_invalid"},
                    {"title": "Name mismatch", "payload": "/rejection_name_mismatch"},
                ],
            },
        ]
    if message == "/rejection_pin_invalid":
        return [{"text": PIN_HELP}]
    if message == "/rejection_name_mismatch":
        return [{"text": "The account name differs from the carrier's record."}]
    if message == "html":
        return [{"text": HTML_REPLY}]
    if message == "links":
        return [{"text": LINKS_REPLY}]
    if message == "slow":
        time.sleep(SLOW_REPLY_SECONDS)
        return [{"text": "Thanks for waiting."}]
    return [{"text": f"You said: {message}"}]


# A page on another origin that embeds the widget with the one tag, as a customer's site would.
EMBEDDING_PAGE = """<!doctype html><html><head><title>Shop</title><link rel="icon" href="data:,"></head>
<body><h1>Our shop</h1>
<script src="{widget_url}/widget.js" data-server="{rasa_url}" data-title="Shop help"
 data-primary-color="#0b6e4f" data-token="signed.customer.jwt" defer></script></body></html>"""


class FakeRasa:
    """Rasa's REST channel in miniature: scripted replies, CORS, and an on/off switch."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.failing = False  # answer HTTP 500 instead of replies
        self.widget_url = ""
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_GET(self) -> None:
                if self.path != "/shop.html":
                    self._send(404, "text/plain", b"not found")
                    return
                page = EMBEDDING_PAGE.format(widget_url=fake.widget_url, rasa_url=fake.url)
                self._send(200, "text/html; charset=utf-8", page.encode())

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/webhooks/rest/webhook" or fake.failing:
                    self._send(500, "application/json", b'{"error": "scripted failure"}')
                    return
                fake.received.append(body)
                replies = [{"recipient_id": body["sender"], **reply} for reply in scripted_replies(body["message"])]
                self._send(200, "application/json", json.dumps(replies).encode())

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self._server is not None, "the fake Rasa is not running"
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]


@dataclass
class ChatPage:
    """The demo page in a browser tab, with what the tab requested and any dialogs."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def launcher(self) -> Locator:
        return self.page.locator("#porting-chat .pc-launcher")

    @property
    def panel(self) -> Locator:
        return self.page.locator("#porting-chat-panel")

    @property
    def log(self) -> Locator:
        return self.page.locator("#porting-chat [role=log]")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Your message")

    def rows(self, sender: str) -> Locator:
        return self.log.locator(f".pc-row[data-from={sender}]")

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        # Let the opening animation finish so sizes and positions are final.
        self.panel.evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")


# ---- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    fake.start()
    yield fake
    if fake.running:
        fake.stop()


@pytest.fixture
def site(fake_rasa: FakeRasa) -> Iterator[WidgetServer]:
    server = serve(0, fake_rasa.url)
    fake_rasa.widget_url = server.url
    yield server
    server.shutdown()


@pytest.fixture
def make_chat(browser: Browser, site: WidgetServer) -> Iterator[Callable[..., ChatPage]]:
    """Opens a fresh tab (own storage) on `path` of the widget site at the given viewport."""
    contexts = []

    def make(path: str = "/", width: int = 1280, height: int = 800, base: str = "") -> ChatPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        chat = ChatPage(context.new_page())
        chat.page.goto((base or site.url) + path)
        expect(chat.launcher).to_be_visible()
        return chat

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def chat(make_chat: Callable[..., ChatPage]) -> ChatPage:
    return make_chat()


# ---- the static server (no browser) ------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(server: WidgetServer, path: str, method: str = "GET") -> Fetched:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request(method, path)  # sent verbatim: no client-side path normalising
        response = connection.getresponse()
        return Fetched(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


@pytest.fixture
def static_server() -> Iterator[WidgetServer]:
    server = serve(0, "http://rasa.example:5005/")
    yield server
    server.shutdown()


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/widget.js", "text/javascript; charset=utf-8"),
        ("/widget.css?v=2", "text/css; charset=utf-8"),
    ],
)
def test_server_serves_widget_files_with_their_content_type(static_server, path, content_type):
    response = fetch(static_server, path)
    assert response.status == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.body


def test_server_puts_the_rasa_url_into_the_demo_page(static_server):
    page = fetch(static_server, "/").body.decode()
    assert 'data-server="http://rasa.example:5005"' in page
    assert "{{RASA_URL}}" not in page
    # The widget itself is served byte for byte.
    widget = Path(__file__).resolve().parents[2] / "bot" / "ops" / "web" / "widget.js"
    assert fetch(static_server, "/widget.js").body == widget.read_bytes()


def test_server_escapes_the_rasa_url_inside_the_attribute():
    server = serve(0, 'http://rasa.example/"><script>alert(1)</script>')
    try:
        page = fetch(server, "/").body.decode()
    finally:
        server.shutdown()
    assert "<script>alert(1)</script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


@pytest.mark.parametrize(
    "path",
    [
        "/server.py",
        "/__init__.py",
        "/nothing.html",
        "/../errors.py",
        "/%2e%2e/errors.py",
        "/..%2f..%2fbot%2ferrors.py",
        "//etc/passwd",
        "/__pycache__/",
        "/.hidden.css",
        "/index.html/",
    ],
)
def test_server_answers_404_outside_its_files(static_server, path):
    response = fetch(static_server, path)
    assert response.status == 404
    assert b"RASA_URL" not in response.body and b"import" not in response.body


def test_server_head_has_headers_but_no_body(static_server):
    response = fetch(static_server, "/widget.css", method="HEAD")
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 0
    assert response.body == b""


@pytest.mark.parametrize("bad_url", ["localhost:5005", "ftp://rasa.example", "javascript:alert(1)", ""])
def test_server_rejects_a_rasa_url_that_is_not_http(bad_url):
    with pytest.raises(UserError, match="--rasa-url must be an http"):
        serve(0, bad_url)


def test_server_reports_a_busy_port_clearly(static_server):
    with pytest.raises(UserError, match="cannot listen on 127.0.0.1"):
        serve(static_server.server_address[1], "http://localhost:5005")


# ---- the widget in a browser -------------------------------------------------------------


def test_launcher_opens_the_panel_and_moves_focus_in(chat):
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    chat.open()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.input).to_be_focused()
    expect(chat.log).to_have_attribute("aria-live", "polite")
    expect(chat.page.get_by_role("button", name="Start over")).to_be_visible()
    chat.launcher.click()
    expect(chat.panel).to_be_hidden()


def test_enter_sends_the_text_and_shows_the_bot_reply(chat, fake_rasa):
    chat.open()
    chat.send("my port got rejected")
    expect(chat.rows("user")).to_have_text(["my port got rejected"])
    expect(chat.rows("bot")).to_have_text(["You said: my port got rejected"])
    expect(chat.input).to_have_value("")
    body = fake_rasa.received[0]
    assert body["message"] == "my port got rejected"
    assert body["sender"].startswith("web-")
    assert "metadata" not in body  # no token on the demo page


def test_embedded_on_another_site_with_a_token(make_chat, fake_rasa, site):
    chat = make_chat("/shop.html", base=fake_rasa.url)
    expect(chat.launcher).to_have_attribute("aria-label", "Open chat: Shop help")
    # The stylesheet comes from the script's origin, not from the embedding page's.
    assert f"{site.url}/widget.css" in chat.requests
    expect(chat.launcher).to_have_css("background-color", "rgb(11, 110, 79)")
    chat.open()
    chat.send("hi")
    expect(chat.rows("bot")).to_have_text(["You said: hi"])
    assert fake_rasa.received[0]["metadata"] == {"customer_token": "signed.customer.jwt"}


def test_button_sends_its_payload_but_shows_its_title(chat, fake_rasa):
    chat.open()
    chat.send("hello")
    buttons = chat.log.locator(".pc-quick-reply")
    expect(buttons).to_have_text(["Wrong PIN", "Name mismatch"])
    buttons.first.click()
    expect(chat.rows("user")).to_have_text(["hello", "Wrong PIN"])
    expect(chat.rows("bot").last).to_have_text(PIN_HELP)
    assert fake_rasa.messages == ["hello", "/rejection_pin_invalid"]
    # One choice per question: all of that message's buttons are now spent.
    expect(buttons.first).to_be_disabled()
    expect(buttons.last).to_be_disabled()
    buttons.last.click(force=True)
    chat.page.wait_for_timeout(300)
    assert fake_rasa.messages == ["hello", "/rejection_pin_invalid"]


def test_answering_spends_the_buttons_of_earlier_messages(chat, fake_rasa):
    chat.open()
    chat.send("hello")
    chat.send("hello")  # typed instead of clicking: the first choices are out of date
    groups = chat.log.locator(".pc-quick-replies")
    expect(groups).to_have_count(2)
    expect(groups.first.locator("button")).to_have_count(2)
    for button in groups.first.locator("button").all():
        expect(button).to_be_disabled()
    groups.last.get_by_role("button", name="Name mismatch").click()
    for button in groups.last.locator("button").all():
        expect(button).to_be_disabled()
    chat.page.reload()
    expect(chat.log.locator(".pc-quick-reply:enabled")).to_have_count(0)


def test_buttons_are_reachable_with_the_keyboard(chat, fake_rasa):
    chat.open()
    chat.send("hello")
    expect(chat.log.locator(".pc-quick-reply")).to_have_count(2)
    chat.input.focus()
    chat.page.keyboard.press("Shift+Tab")  # the paper clip sits before the input
    expect(chat.page.get_by_role("button", name="Attach a bill (PDF, PNG or JPEG, up to 10 MB)")).to_be_focused()
    chat.page.keyboard.press("Shift+Tab")
    expect(chat.page.get_by_role("button", name="Name mismatch")).to_be_focused()
    chat.page.keyboard.press("Enter")
    expect(chat.rows("user").last).to_have_text("Name mismatch")
    expect(chat.rows("bot").last).to_have_text("The account name differs from the carrier's record.")
    assert fake_rasa.messages[-1] == "/rejection_name_mismatch"


def test_typing_indicator_shows_while_a_reply_is_slow_and_order_is_kept(chat, fake_rasa):
    typing = chat.page.locator("#porting-chat .pc-typing")
    chat.open()
    expect(typing).to_be_hidden()
    chat.send("slow")
    chat.send("right after")  # typed while the first is still in flight
    expect(typing).to_be_visible()
    expect(typing).to_have_text("The assistant is typing")
    expect(chat.rows("bot")).to_have_text(
        ["Thanks for waiting.", "You said: right after"], timeout=SLOW_REPLY_SECONDS * 1000 + 5000
    )
    expect(typing).to_be_hidden()
    assert fake_rasa.messages == ["slow", "right after"]


def test_user_and_bot_html_is_shown_as_text(chat):
    attack = "<img src=x onerror=alert(1)>"
    chat.open()
    chat.send(attack)
    expect(chat.rows("bot")).to_have_text([f"You said: {attack}"])
    chat.send("html")
    expect(chat.rows("bot").last).to_have_text(HTML_REPLY)
    expect(chat.rows("user").first).to_have_text(attack)
    for tag in ("img", "b", "script"):
        expect(chat.log.locator(tag)).to_have_count(0)
    chat.page.wait_for_timeout(300)  # give a rogue onerror handler time to fire
    assert chat.dialogs == []


def test_links_in_bot_text(chat):
    chat.open()
    chat.send("links")
    bubble = chat.rows("bot").last
    expect(bubble).to_contain_text("javascript:alert(document.domain)")
    links = bubble.locator("a")
    expect(links).to_have_count(2)
    web = links.first
    expect(web).to_have_attribute("href", "https://example.com/porting?step=2")
    expect(web).to_have_text("https://example.com/porting?step=2")  # the full stop stays text
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    expect(web).to_have_attribute("target", "_blank")
    expect(links.last).to_have_attribute("href", "mailto:porting@example.com")
    expect(bubble.locator("a[href^='javascript' i]")).to_have_count(0)
    # The newline in the reply is a visible line break.
    assert "porting@example.com.\nNever javascript:" in bubble.inner_text()


def test_reload_keeps_history_sender_and_open_panel(chat, fake_rasa):
    chat.open()
    chat.send("hello")
    chat.log.get_by_role("button", name="Wrong PIN").click()
    expect(chat.rows("bot")).to_have_count(3)
    before = chat.log.locator(".pc-row").all_inner_texts()

    chat.page.reload()
    expect(chat.panel).to_be_visible()
    assert chat.log.locator(".pc-row").all_inner_texts() == before
    expect(chat.log.get_by_role("button", name="Name mismatch")).to_be_disabled()
    expect(chat.log.get_by_role("link", name="https://example.com/transfer-pin")).to_be_visible()

    chat.send("still me")
    expect(chat.rows("bot").last).to_have_text("You said: still me")
    senders = {body["sender"] for body in fake_rasa.received}
    assert len(senders) == 1


def test_start_over_clears_history_and_starts_a_new_conversation(chat, fake_rasa):
    chat.open()
    chat.send("first conversation")
    expect(chat.rows("bot")).to_have_count(1)
    chat.page.get_by_role("button", name="Start over").click()
    expect(chat.log.locator(".pc-row")).to_have_count(0)
    expect(chat.log.locator(".pc-intro")).to_be_visible()
    chat.page.wait_for_timeout(300)
    assert len(fake_rasa.received) == 1  # starting over sends nothing by itself

    chat.page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.log.locator(".pc-row")).to_have_count(0)
    chat.send("second conversation")
    expect(chat.rows("bot")).to_have_text(["You said: second conversation"])
    first, second = (body["sender"] for body in fake_rasa.received)
    assert first != second


@pytest.mark.parametrize("outage", ["server down", "HTTP 500"])
def test_failed_send_offers_a_retry_that_works_once_rasa_is_back(chat, fake_rasa, outage):
    if outage == "server down":
        fake_rasa.stop()
    else:
        fake_rasa.failing = True
    chat.open()
    chat.send("hello")
    error = chat.log.locator(".pc-row--error")
    expect(error).to_have_text(f"{ERROR_TEXT} Retry")
    expect(chat.page.locator("#porting-chat .pc-typing")).to_be_hidden()

    if outage == "server down":
        fake_rasa.start()  # same port as before
    else:
        fake_rasa.failing = False
    error.get_by_role("button", name="Retry").click()
    expect(error).to_have_count(0)
    expect(chat.log.get_by_role("button", name="Wrong PIN")).to_be_visible()
    expect(chat.rows("user")).to_have_text(["hello"])  # retried, not typed again
    assert fake_rasa.messages == ["hello"]


def test_escape_and_close_button_close_the_panel_and_return_focus(chat):
    chat.open()
    chat.input.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    chat.open()
    chat.page.get_by_role("button", name="Close chat", exact=True).click()
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()


def test_phone_width_panel_fills_the_screen(make_chat):
    chat = make_chat(width=390, height=844)
    chat.open()
    box = chat.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    expect(chat.page.get_by_role("button", name="Close chat", exact=True)).to_be_in_viewport()
    expect(chat.input).to_be_in_viewport()


def test_public_api_and_whole_conversation_stays_on_localhost(chat, fake_rasa):
    chat.page.evaluate("window.PortingChat.open()")
    expect(chat.panel).to_be_visible()
    chat.page.evaluate("window.PortingChat.send('hello')")
    chat.log.get_by_role("button", name="Wrong PIN").click()
    expect(chat.rows("bot").last).to_have_text(PIN_HELP)
    chat.page.reload()
    expect(chat.rows("bot")).to_have_count(3)
    RESULTS_DIR.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(RESULTS_DIR / "widget-static.png"))

    chat.send("links")
    expect(chat.rows("bot").last).to_contain_text("Details:")

    chat.page.evaluate("window.PortingChat.close()")
    expect(chat.panel).to_be_hidden()
    chat.page.evaluate("window.PortingChat.reset()")
    expect(chat.log.locator(".pc-row")).to_have_count(0)

    assert f"{fake_rasa.url}/webhooks/rest/webhook" in chat.requests
    assert any(url.endswith("/widget.css") for url in chat.requests)
    hosts = {urlsplit(url).hostname for url in chat.requests}
    assert hosts == {"127.0.0.1"}, chat.requests


def test_the_paper_clip_says_when_it_can_be_used(chat, fake_rasa):
    chat.open()
    attach = chat.page.get_by_role("button", name="Attach a bill (PDF, PNG or JPEG, up to 10 MB)")
    attach.focus()
    chat.page.keyboard.press("Enter")  # before the assistant asked for a bill: nothing to send it to
    expect(chat.rows("bot").last).to_contain_text("I'll ask for a bill when your fix needs one")
    assert fake_rasa.messages == []

"""Bad input against the real servers: the REST webhook, the Slack webhook and every fix-form slot.

Whatever arrives, no request gets a 5xx, the servers stay up, a refused request stores nothing, and
an accepted one is stored exactly as sent (Rasa trims surrounding whitespace from every message).
The counts of bad inputs tried are the parametrized cases below
(`pytest --collect-only -q tests/e2e/test_bad_input.py`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from bot.adapters.channels.bodies import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS
from bot.core import fixes, validators
from bot.core.catalog import load_catalog
from bot.core.orders.records import NewOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import MASK, SecretBox
from bot.core.validators import ValidationError
from bot.ops.stack import Stack
from tests.conftest import RestClient, sign_if_asked
from tests.e2e.slack_fake import SlackUser

# Accepted as messages: stored exactly, answered with a 200.
ODD_MESSAGES = {
    "empty": "",
    "whitespace": " \t\n ",
    "null-byte": "invalid\x00pin",
    "control-chars": "\x01\x02\x1b[31mred\x1b[0m\x07\x7f\x9b",
    "emoji": "my port 📞🙅‍♀️🇺🇸 was rejected 👩‍👩‍👧",
    "rtl-arabic": "تم رفض نقل رقمي",
    "rtl-override": "invalid \u202enip\u202c pin \u2067שלום\u2069",
    "zero-width": "\u200binvalid\u200d pin\ufeff",
    "line-separators": "invalid\u2028pin\u2029",
    "combining": "Z̷̢͉a̸l̶g̵o̵ ṕ̷o̸r̵t̶",
    "astral-plane": "𝔦𝔫𝔳𝔞𝔩𝔦𝔡 𝔭𝔦𝔫 \U0010fffd",
    "sql": "'; DROP TABLE events; --",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "json-in-text": '{"sender": "someone-else", "message": "hi"}',
    "intent-payload-broken": "/greet{not json",
    "intent-payload-unknown": "/does_not_exist",
    "format-strings": "%s%n%x {0} ${7*7} {{7*7}}",
    "at-the-limit": "invalid pin " * (MAX_MESSAGE_CHARS // 12) + "x" * (MAX_MESSAGE_CHARS % 12),
}

JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Refused:
    """A request the REST webhook must refuse with `status`, storing nothing for `sender`."""

    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    status: int = 400
    sender: str | None = None  # a conversation id it names, checked to stay empty


# A conversation id longer than this is not looked up: its URL would not fit in the 8 KB of
# request line and headers that Sanic reads (see test_a_huge_url_is_refused_and_the_server_stays_up).
MAX_LOOKED_UP_SENDER = 1_000


def refused_json(payload: Any, status: int = 400) -> Refused:
    sender = payload.get("sender") if isinstance(payload, dict) else None
    looked_up = isinstance(sender, str) and sender.isprintable() and len(sender) <= MAX_LOOKED_UP_SENDER
    return Refused(json.dumps(payload).encode(), status=status, sender=sender if looked_up else None)


REFUSED = {
    "json-array": refused_json([{"sender": "bad-array", "message": "hi"}]),
    "json-string": refused_json("hello"),
    "json-number": refused_json(42),
    "json-null": refused_json(None),
    "empty-body": Refused(b""),
    "malformed-json": Refused(b'{"sender": "bad-malformed", "message": '),
    "trailing-garbage": Refused(b'{"sender": "bad-trailing", "message": "hi"} extra'),
    "invalid-utf8": Refused(b'{"sender": "bad-utf8", "message": "\xff\xfe caf\xe9"}', sender="bad-utf8"),
    "lone-surrogate": Refused(b'{"sender": "bad-surrogate", "message": "\\ud800 pin"}', sender="bad-surrogate"),
    "nan-in-metadata": Refused(b'{"sender": "bad-nan", "message": "hi", "metadata": {"x": NaN}}', sender="bad-nan"),
    "huge-number": Refused(b'{"sender": "bad-inf", "message": "hi", "metadata": {"x": 1e999}}', sender="bad-inf"),
    "deep-nesting": Refused(
        b'{"sender": "bad-deep", "message": "hi", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        sender="bad-deep",
    ),
    "form-encoded": Refused(
        urlencode({"sender": "bad-form", "message": "hi"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        "bad-form",
    ),
    "text-plain": Refused(b'{"sender": "bad-text", "message": "hi"}', {"Content-Type": "text/plain"}, 415, "bad-text"),
    "no-content-type": Refused(b'{"sender": "bad-none", "message": "hi"}', {}, 415, "bad-none"),
    "multipart": Refused(
        b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--b--\r\n',
        {"Content-Type": "multipart/form-data; boundary=b"},
        415,
    ),
    "missing-sender": refused_json({"message": "hello"}),
    "missing-message": refused_json({"sender": "bad-missing-message"}),
    "null-message": refused_json({"sender": "bad-null-message", "message": None}),
    "number-message": refused_json({"sender": "bad-number-message", "message": 42}),
    "bool-message": refused_json({"sender": "bad-bool-message", "message": True}),
    "list-message": refused_json({"sender": "bad-list-message", "message": ["hi"]}),
    "object-message": refused_json({"sender": "bad-object-message", "message": {"text": "hi"}}),
    "number-sender": refused_json({"sender": 12345, "message": "hello"}),
    "object-sender": refused_json({"sender": {"id": 1}, "message": "hello"}),
    "empty-sender": refused_json({"sender": "", "message": "hello"}),
    "blank-sender": refused_json({"sender": "   ", "message": "hello"}),
    "huge-sender": refused_json({"sender": "s" * 100_000, "message": "hello"}),
    "just-too-long-sender": refused_json({"sender": "s" * (MAX_SENDER_CHARS + 1), "message": "hello"}),
    "null-byte-sender": refused_json({"sender": "bad\x00sender", "message": "hello"}),
    "newline-sender": refused_json({"sender": "bad\nsender", "message": "hello"}),
    "100-kb-message": refused_json({"sender": "bad-100kb", "message": "invalid pin " * 8_534}, status=413),
    "string-metadata": refused_json({"sender": "bad-metadata", "message": "hi", "metadata": "token"}),
    "list-metadata": refused_json({"sender": "bad-list-metadata", "message": "hi", "metadata": [1]}),
}


def webhook(stack: Stack) -> str:
    return f"{stack.settings.rasa_url}/webhooks/rest/webhook"


def tracker(stack: Stack, sender: str) -> dict:
    answer = requests.get(
        f"{stack.settings.rasa_url}/conversations/{sender}/tracker", params={"token": stack.api_token}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def user_texts(stack: Stack, sender: str) -> list[str]:
    return [event["text"] for event in tracker(stack, sender)["events"] if event["event"] == "user"]


def assert_alive(stack: Stack) -> None:
    assert stack.exited() is None, f"the {stack.exited()} server died"


@pytest.mark.parametrize("stream", [False, True], ids=["reply", "stream"])
@pytest.mark.parametrize("name", ODD_MESSAGES)
def test_odd_message_is_answered_and_stored_exactly(stack, name, stream):
    message, sender = ODD_MESSAGES[name], f"odd-{name}-{'stream' if stream else 'reply'}-{uuid.uuid4().hex[:8]}"
    answer = requests.post(
        webhook(stack),
        params={"stream": "true"} if stream else None,
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    replies = [json.loads(line) for line in answer.text.splitlines() if line] if stream else answer.json()
    assert replies and all(reply["recipient_id"] == sender for reply in replies)
    assert user_texts(stack, sender) == [message.strip()]  # Rasa trims every message, nothing more
    assert_alive(stack)


@pytest.mark.parametrize("name", REFUSED)
def test_bad_request_is_refused_with_a_clear_message_and_stores_nothing(stack, name):
    case = REFUSED[name]
    answer = requests.post(webhook(stack), data=case.body, headers=case.headers, timeout=60)
    assert answer.status_code == case.status, answer.text
    error = answer.json()["error"]
    assert len(error) > 20 and "Traceback" not in error
    if case.sender:
        assert user_texts(stack, case.sender) == []
    assert user_texts(stack, "default") == []  # Rasa's name for a message without a sender
    assert_alive(stack)


@pytest.mark.parametrize(
    "method, path",
    [("POST", "/webhooks/rest/webhook?pad=" + "p" * 100_000), ("GET", "/conversations/" + "s" * 100_000 + "/tracker")],
    ids=["long-query", "long-path"],
)
def test_a_huge_url_is_refused_and_the_server_stays_up(stack, method, path):
    # Sanic reads at most 8 KB of request line and headers, and answers a longer one with 413 (in
    # JSON, as bot/adapters/server.py sets Sanic's error format).
    answer = requests.request(
        method,
        stack.settings.rasa_url + path,
        params={"token": stack.api_token},
        json={"sender": "bad-huge-url", "message": "hi"},
        timeout=60,
    )
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["message"] == "Request header exceeds the size limit"
    assert user_texts(stack, "bad-huge-url") == []
    assert_alive(stack)


def test_a_client_cannot_pass_for_another_channel(stack):
    sender = f"claims-slack-{uuid.uuid4().hex[:8]}"
    answer = requests.post(
        webhook(stack), json={"sender": sender, "message": "hello", "input_channel": "slack"}, timeout=60
    )
    assert answer.status_code == 200
    [event] = [e for e in tracker(stack, sender)["events"] if e["event"] == "user"]
    assert event["input_channel"] == "rest"


def test_an_intent_payload_cannot_set_the_verified_order(stack):
    sender = f"payload-{uuid.uuid4().hex[:8]}"
    message = '/affirm{"verified_order_id": "PO-10007", "order_verifier": "verified"}'
    assert requests.post(webhook(stack), json={"sender": sender, "message": message}, timeout=60).status_code == 200
    slots = tracker(stack, sender)["slots"]
    assert slots["verified_order_id"] is None and slots["order_verifier"] is None
    assert user_texts(stack, sender) == [message]


def test_after_the_bad_input_the_servers_are_up_and_answer(stack, customer):
    assert_alive(stack)
    assert customer.texts("hello").startswith("Hi")


# ----------------------------------------------------------------------------- Slack

SLACK_JSON, SLACK_FORM = "application/json", "application/x-www-form-urlencoded"


def event_with(slack_user: SlackUser, **event: Any) -> dict:
    body = slack_user.event("hello")
    body["event"].update(event)
    return body


def interaction_with(slack_user: SlackUser, **fields: Any) -> dict:
    body = slack_user.click({"text": {"type": "plain_text", "text": "PIN"}, "value": "/rejection_pin_invalid"})
    body.update(fields)
    return body


def form(payload: Any) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


# name -> (body for a given user, content type, expected status); every request correctly signed.
SLACK_REFUSED = {
    "malformed-json": (lambda u: b'{"type": "event_callback", "event": ', SLACK_JSON, 400),
    "json-array": (lambda u: json.dumps([u.event("hello")]).encode(), SLACK_JSON, 400),
    "json-string": (lambda u: b'"hello"', SLACK_JSON, 400),
    "empty-json-body": (lambda u: b"", SLACK_JSON, 400),
    "invalid-utf8": (lambda u: json.dumps(u.event("hello")).encode().replace(b"hello", b"\xff\xfe"), SLACK_JSON, 400),
    "lone-surrogate": (lambda u: json.dumps(u.event("\ud800 pin")).encode(), SLACK_JSON, 400),
    "nan": (lambda u: json.dumps(u.event("hello")).encode()[:-1] + b', "x": NaN}', SLACK_JSON, 400),
    "deep-nesting": (lambda u: b'{"event": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", SLACK_JSON, 400),
    "event-is-a-string": (lambda u: json.dumps({**u.event("hello"), "event": "hello"}).encode(), SLACK_JSON, 400),
    "text-is-a-number": (lambda u: json.dumps(event_with(u, text=42)).encode(), SLACK_JSON, 400),
    "user-is-an-object": (lambda u: json.dumps(event_with(u, user={"id": u.user})).encode(), SLACK_JSON, 400),
    "channel-with-spaces": (lambda u: json.dumps(event_with(u, channel="C1 C2")).encode(), SLACK_JSON, 400),
    "huge-user-id": (lambda u: json.dumps(event_with(u, user="U" * 100_000)).encode(), SLACK_JSON, 400),
    "authorizations-not-a-list": (
        lambda u: json.dumps({**u.event("hello"), "authorizations": "U0BOT"}).encode(),
        SLACK_JSON,
        400,
    ),
    "form-without-payload": (lambda u: urlencode({"text": "hello"}).encode(), SLACK_FORM, 400),
    "form-two-payloads": (lambda u: form(interaction_with(u)) + b"&" + form(interaction_with(u)), SLACK_FORM, 400),
    "form-payload-not-json": (lambda u: urlencode({"payload": "{not json"}).encode(), SLACK_FORM, 400),
    "form-payload-array": (lambda u: form([interaction_with(u)]), SLACK_FORM, 400),
    "form-invalid-utf8": (lambda u: b"payload=%7B%22a%22%3A%22\xff%22%7D\xff", SLACK_FORM, 400),
    "click-without-user": (
        lambda u: form({k: v for k, v in interaction_with(u).items() if k != "user"}),
        SLACK_FORM,
        400,
    ),
    "click-user-id-number": (lambda u: form(interaction_with(u, user={"id": 42})), SLACK_FORM, 400),
    "click-actions-strings": (lambda u: form(interaction_with(u, actions=["button"])), SLACK_FORM, 400),
    "click-value-number": (
        lambda u: form(interaction_with(u, actions=[{"type": "button", "value": 42}])),
        SLACK_FORM,
        400,
    ),
    "select-option-a-string": (
        lambda u: form(interaction_with(u, actions=[{"type": "static_select", "selected_option": "pin"}])),
        SLACK_FORM,
        400,
    ),
    "text-plain": (lambda u: b"hello", "text/plain", 415),
    "json-with-charset": (lambda u: json.dumps(u.event("hello")).encode(), "application/json; charset=utf-8", 415),
    "multipart": (lambda u: b"--b\r\n\r\nhello\r\n--b--\r\n", "multipart/form-data; boundary=b", 415),
    "no-content-type": (lambda u: json.dumps(u.event("hello")).encode(), "", 415),
}

# Well-formed interactions Rasa cannot answer (it says 500): acknowledged with 200, nothing answered.
SLACK_IGNORED = {
    "modal-submission": lambda u: form({"type": "view_submission", "user": {"id": u.user}, "view": {"id": "V1"}}),
    "unknown-action-type": lambda u: form(interaction_with(u, actions=[{"type": "rich_text_input"}])),
    "overflow-without-choice": lambda u: form(interaction_with(u, actions=[{"type": "overflow"}])),
}

SLACK_ODD_TEXTS = {
    name: ODD_MESSAGES[name]
    for name in (
        "null-byte",
        "control-chars",
        "emoji",
        "rtl-override",
        "zero-width",
        "combining",
        "astral-plane",
        "sql",
        "html",
        "intent-payload-broken",
    )
} | {"slack-maximum-40000": "invalid pin " * 3_333 + "pin!"}


def wait_for_user_texts(stack: Stack, sender: str, timeout: float = 60) -> list[str]:
    """Slack messages are handled after the 200: wait until the conversation holds one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = user_texts(stack, sender)
        if texts:
            return texts
        time.sleep(0.3)
    return []


@pytest.mark.parametrize("name", SLACK_REFUSED)
def test_signed_but_malformed_slack_request_is_refused_and_not_answered(slack_stack, fake_slack, name):
    user = SlackUser(slack_stack)
    make_body, content_type, status = SLACK_REFUSED[name]
    answer = user.post(make_body(user), content_type)
    assert answer.status_code == status, answer.text
    assert "Traceback" not in answer.text and len(answer.text) > 20
    assert user_texts(slack_stack, user.user) == []
    assert fake_slack.posts(user.channel) == []
    assert_alive(slack_stack)


@pytest.mark.parametrize("name", SLACK_IGNORED)
def test_slack_interaction_rasa_cannot_answer_is_acknowledged(slack_stack, fake_slack, name):
    user = SlackUser(slack_stack)
    answer = user.post(SLACK_IGNORED[name](user), SLACK_FORM)
    assert answer.status_code == 200, answer.text
    assert user_texts(slack_stack, user.user) == []
    assert_alive(slack_stack)


@pytest.mark.parametrize("name", SLACK_ODD_TEXTS)
def test_odd_slack_text_is_answered_and_stored_as_slack_cleans_it(slack_stack, fake_slack, name):
    user, text = SlackUser(slack_stack), SLACK_ODD_TEXTS[name]
    assert user.send_json(user.event(text)).status_code == 200
    # Rasa's Slack channel strips surrounding whitespace (and bot mentions) before handling a message.
    assert wait_for_user_texts(slack_stack, user.user) == [text.strip()]
    fake_slack.wait_for_post(user.channel, lambda post: bool(post.get("text")))
    assert_alive(slack_stack)


def test_slack_still_answers_after_the_bad_input(slack_stack, fake_slack):
    user = SlackUser(slack_stack)
    assert user.send_json(user.event("hello")).status_code == 200
    fake_slack.wait_for_post(user.channel, lambda post: post["text"].startswith("Hi"))
    assert_alive(slack_stack)


# ----------------------------------------------------------------------------- every slot

INJECTIONS = (
    "'; DROP TABLE port_orders; --",
    "<script>alert(1)</script>",
    "Robert'); --",
    "1' UNION SELECT pin_encrypted FROM port_orders --",
    '" OR "1"="1',
    "<img src=x onerror=alert(1)> & &amp; &lt;",
)
NUMBERS = ("+14155550186", "+14155550187")
ZIP = "94110"
SECRET_SLOTS = ("pin", "account_number")


def valid_answers(today: date) -> dict[str, str]:
    """An answer every field's check accepts, for the orders made below."""
    return {
        "account_name": "Summit Travel Partners LLC",
        "account_number": "421555010900777",
        "btn": "(415) 555-0186",
        "service_address": "410 Congress Ave",
        "service_zip": "78701",
        "authorized_name": "Dana Whitfield",
        "authorized_title": "Owner",
        "authorized_email": "owner@example.com",
        "pin": "739154",
        "remaining_disposition": "keep them",
        "pilot_number": "(415) 555-0199",  # a line that stays with the old carrier
        "numbers": "415-555-0186",
        "underlying_carrier": "Bandwidth",
        "checklist_note": "paid the balance, confirmation 88231",
        "requested_foc_date": validators.business_days_after(today, 5).isoformat(),
    }


# One rejected order per fix family whose fields are asked in the chat: together they ask every slot.
SLOT_CATEGORIES = (
    "all_info_mismatch",
    "authorized_signer",
    "pin_invalid",
    "due_date_rejected",
    "remaining_services",
    "hunt_group",
    "multiple_accounts",
    "unpaid_balance",
    "resold_account",  # the network it runs on: a name read by the catalog's carriers or as typed
)


@pytest.fixture
def order_store(stack) -> Iterator[OrderStore]:
    store = OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))
    yield store
    store.close()


@dataclass
class SlotConversation:
    """A customer answering every question with injection strings first, and validly once each
    field has refused them all; records what was sent while which slot was asked."""

    customer: RestClient
    stack: Stack
    order_id: str
    injections: list[str]
    valid: dict[str, str]
    sent: list[tuple[str, str | None]] = field(default_factory=list)  # (message, slot asked)
    tried: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, str] = field(default_factory=dict)  # slot -> the text it took

    def answer_for(self, slot: str) -> str:
        limit = 1 if slot == "order_verifier" else len(self.injections)  # 3 wrong ones lock the chat
        tried = self.tried.get(slot, 0)
        self.tried[slot] = tried + 1
        if tried < limit:
            return self.injections[tried]
        return {"order_id": self.order_id, "order_verifier": ZIP}.get(slot) or self.valid[slot]

    def say(self, message: str, slot: str | None) -> str:
        self.sent.append((message, slot))
        return self.customer.texts(message)  # raises on a 4xx or 5xx

    def run(self, max_turns: int = 80) -> str:
        reply = self.say("fix my order", None)
        for _ in range(max_turns):
            if "Shall I go ahead?" in reply:
                return reply
            state = self.customer.tracker()
            loop, slot = (state.get("active_loop") or {}).get("name"), state["slots"].get("requested_slot")
            if loop in ("verify_form", "fix_form") and slot:
                text = self.answer_for(slot)
                reply = self.say(text, slot)
                filled = self.customer.tracker()["slots"]
                if loop == "fix_form":  # the field asked, and any read from the same answer ("name, title")
                    for field in fixes.FIELD_CHECKS:
                        if filled.get(field) is not None and field not in self.accepted:
                            self.accepted[field] = text
            else:  # the NLU read an answer as "stop" or off-topic: ask again, the form starts over
                self.accepted.clear()
                reply = self.say("fix my order", None)
        raise AssertionError(f"no summary after {max_turns} turns; sent: {self.sent}")


def order_snapshot(store: OrderStore, leave_out: str) -> dict[str, dict]:
    return {order.order_id: order.masked() for order in store.list() if order.order_id != leave_out}


@pytest.mark.parametrize("category", SLOT_CATEGORIES)
def test_injection_strings_in_every_slot_are_refused_or_stored_exactly(stack, customer, order_store, category):
    order = order_store.add(
        NewOrder(
            numbers=NUMBERS,
            losing_carrier="AT&T",
            account_name="Injection Test Co",
            service_zip=ZIP,
            contact_email="owner@example.com",
            status="submitted",
        )
    )
    order_store.record_rejection(order.order_id, category, "rejected")
    others = order_snapshot(order_store, order.order_id)
    rotation = SLOT_CATEGORIES.index(category) % len(INJECTIONS)  # each family meets them in another order
    conversation = SlotConversation(
        customer,
        stack,
        order.order_id,
        list(INJECTIONS[rotation:] + INJECTIONS[:rotation]),
        valid_answers(date.today()),
    )
    conversation.run()

    # every field the fix asks, and perhaps one it keeps when given with another ("name, title")
    rejection, current = load_catalog().category(category), order_store.get(order.order_id)
    asked, taken = set(fixes.fields_to_ask(rejection, current)), set(fixes.fields_taken([rejection], current))
    assert asked <= set(conversation.accepted) <= taken
    slots = customer.tracker()["slots"]
    box = SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"])
    context = fixes.FixContext(order_store.get(order.order_id), date.today())
    sent = [text for text, _ in conversation.sent]
    for slot in conversation.accepted:
        # what the chat keeps is a value read out of something the customer sent, checked and tidied
        readings = []
        for text in sent:
            value = fixes.read_answer(slot, text, date.today())[0]
            try:
                readings.append(fixes.FIELD_CHECKS[slot](value, context) if value else None)
            except ValidationError:
                continue
        kept = box.decrypt(slots[slot]) if slot in SECRET_SLOTS else slots[slot]
        assert kept in readings, f"{slot}: the conversation kept {kept!r}, read from none of {sent}"

    # The tracker holds every message as sent, except answers to secret questions (masked on purpose).
    stored = [event["text"] for event in customer.tracker()["events"] if event["event"] == "user"]
    assert len(stored) == len(conversation.sent)
    for text, (sent, slot) in zip(stored, conversation.sent):
        assert text == sent or (slot in SECRET_SLOTS and MASK in text), f"stored {text!r} for {sent!r}"

    answer = customer.texts("yes")
    # a fix that changed what the letter of authorization states waits for its signature
    signed = sign_if_asked(answer, order_store.get(order.order_id).authorized_name)
    assert ("has to sign the new letter" if signed else "is corrected and resubmitted") in answer
    fixed = order_store.get(order.order_id)
    assert fixed.status == "resubmitted"
    for name, value in fixes.changes(asked, {s: slots[s] for s in asked}, box).items():
        if name == "pin":
            assert order_store.reveal_pin(order.order_id) == value
        else:
            stored_value = getattr(fixed, name)
            shown = {"numbers": list, "requested_foc_date": date.isoformat}.get(name, lambda v: v)(stored_value)
            assert shown == value, name
    # The table is there and the other orders are unchanged (a split adds one for the moved numbers).
    after = order_snapshot(order_store, order.order_id)
    assert {order_id: after[order_id] for order_id in others} == others
    assert_alive(stack)

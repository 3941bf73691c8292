"""Documents in the chat widget, in headless Chromium against the real servers: a name fix whose
new letter of authorization is signed in the widget and resubmits the order, and a bill sent with
the paper clip. Screenshots go to results/."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from bot import settings
from bot.core.documents.storage import storage_from_url
from bot.core.orders.demo import DEMO_ORDERS
from bot.core.orders.records import PortOrder
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from bot.ops.stack import Stack
from tests.documents import bill
from tests.e2e.test_widget_live import REPLY_TIMEOUT, wait_for_answer
from tests.e2e.test_widget_static import RESULTS_DIR, ChatPage

SIGNER = "Nadia Brooks"


@pytest.fixture
def store(stack: Stack) -> Iterator[OrderStore]:
    orders = OrderStore(stack.settings.database_url, SecretBox(stack.env_values["PIN_ENCRYPTION_KEY"]))
    yield orders
    orders.close()


@pytest.fixture
def chat(browser: Browser, stack: Stack) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    chat = ChatPage(context.new_page())
    chat.page.goto(stack.web.url + "/")
    chat.open()
    yield chat
    context.close()


def copy_of(store: OrderStore, demo_index: int, **changes) -> PortOrder:
    category, notice, order = DEMO_ORDERS[demo_index]
    copy = store.add(replace(order, customer_id=None, **changes), actor="test")
    return store.record_rejection(copy.order_id, category, notice)


def say(chat: ChatPage, text: str) -> None:
    chat.send(text)
    wait_for_answer(chat)


def test_a_name_fix_is_signed_in_the_widget_and_resubmitted(chat, stack, store):
    order = copy_of(store, 1, authorized_name=SIGNER, authorized_title="Office Manager")  # name_mismatch, AT&T
    say(chat, f"hi, our port {order.order_id} got rejected")
    say(chat, f"zip is {order.service_zip}")
    say(chat, "ok lets fix it")
    say(chat, "It's Bayview Dental Group, LLC exactly like on the AT&T bill")
    say(chat, "yes go ahead")
    assert store.get(order.order_id).status.value == "awaiting_loa"

    sign = chat.log.get_by_role("button", name="Review and sign the letter")
    expect(sign).to_have_count(1, timeout=REPLY_TIMEOUT)
    sign.focus()
    chat.page.keyboard.press("Enter")  # keyboard users open it too
    sheet = chat.page.locator("#porting-chat .pc-sheet")
    expect(sheet).to_be_visible()
    letter = chat.page.frame_locator("#porting-chat .pc-sheet-frame")
    expect(letter.locator("dl")).to_contain_text("Bayview Dental Group, LLC")
    letter.get_by_label("Type your full name to sign").fill(SIGNER)
    letter.locator("#consent").check()
    chat.page.screenshot(path=str(RESULTS_DIR / "loa-signing.png"))
    letter.get_by_role("button", name="Sign the letter").click()

    expect(sheet).to_be_hidden(timeout=REPLY_TIMEOUT)
    expect(chat.rows("bot").last).to_contain_text(
        f"with the letter of authorization {SIGNER} signed", timeout=REPLY_TIMEOUT
    )
    chat.page.screenshot(path=str(RESULTS_DIR / "loa-signed.png"))

    final = store.get(order.order_id)
    assert final.status.value == "resubmitted" and final.account_name == "Bayview Dental Group, LLC"
    documents = store.documents(order.order_id)
    assert [d.kind for d in documents] == ["loa", "signed_loa"]
    signed = storage_from_url(stack.settings.documents_url).get(documents[-1].storage_key)
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(signed)).pages)
    assert "Bayview Dental Group, LLC" in text and f"Signed electronically by {SIGNER}" in text
    assert documents[-1].evidence["typed_name"] == SIGNER and "Chrome" in documents[-1].evidence["user_agent"]


def test_a_bill_sent_with_the_paper_clip_is_kept_with_the_order(chat, stack, store, tmp_path):
    order = copy_of(store, 4)  # inactive_number, Frontier
    say(chat, f"frontier rejected {order.order_id}, says the number isnt active")
    say(chat, order.service_zip)
    say(chat, "i got the line turned back on, lets fix it")
    expect(chat.log).to_contain_text("bill from your current provider issued in the last 30 days")

    statement = tmp_path / "frontier-bill.pdf"
    statement.write_bytes(bill(settings.today() - timedelta(days=12)))
    attach = chat.page.get_by_role("button", name="Attach a bill (PDF, PNG or JPEG, up to 10 MB)")
    with chat.page.expect_file_chooser() as chooser:
        attach.click()
    chooser.value.set_files(str(statement))
    expect(chat.rows("bot").last).to_contain_text("Got your bill", timeout=REPLY_TIMEOUT)
    chat.page.screenshot(path=str(RESULTS_DIR / "bill-uploaded.png"))
    [kept] = store.documents(order.order_id)
    assert kept.kind == "bill" and not kept.too_old and kept.content_type == "application/pdf"
    say(chat, "ok yes go ahead")  # the bill changes nothing on the letter: resubmitted at once
    assert store.get(order.order_id).status.value == "resubmitted"

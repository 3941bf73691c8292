"""The document pages over real HTTP: the widget's web server with the order store and a document
folder, as `python -m bot run` starts it (no Rasa needed: the links are made by the desk)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import requests

from bot import settings
from bot.core.documents import links
from bot.core.documents.storage import FolderStorage
from bot.core.fixes import LETTER_FIELDS
from bot.core.orders.demo import seed_demo
from bot.core.orders.documents import DocumentDesk
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox, generate_key
from bot.ops.web.documents import DocumentPages, letter_summary
from bot.ops.web.server import serve
from tests.conftest import sign_letter
from tests.documents import WINDOWS_PROGRAM, bill
from tests.unit.records import port_order

SECRET = "integration-document-link-secret-0123456789"
WIDGET_SITE = "https://www.example-telco.com"
TODAY = date(2026, 12, 3)
MB = 1024 * 1024


@pytest.fixture
def site(tmp_path, monkeypatch):
    """(the server's URL, the desk behind it)."""
    monkeypatch.setenv(settings.PORTING_TODAY, TODAY.isoformat())
    store = OrderStore(f"sqlite:///{tmp_path / 'orders.db'}", SecretBox(generate_key()))
    seed_demo(store)
    server = serve(0, "http://localhost:5005", documents=DocumentPages(lambda: desk, (WIDGET_SITE,)))
    desk = DocumentDesk(store, FolderStorage(tmp_path / "documents"), SECRET, server.url, "Northwind Voice")
    yield server.url, desk
    server.shutdown()
    store.close()


def waiting_for_signature(desk: DocumentDesk) -> str:
    """PO-10006 (authorized person Leo Marsh) corrected in the chat; the link the chat gives."""
    desk.store.resubmit_corrected(
        "PO-10006", {"service_address": "97 Harvard Ave"}, "chat:test", letter_fields=LETTER_FIELDS
    )
    return desk.issue_loa("PO-10006", "chat:test", TODAY)


def kept(desk: DocumentDesk) -> tuple[list, list]:
    files = sorted(p.name for p in desk.storage.root.rglob("*") if p.is_file()) if desk.storage.root.exists() else []
    return files, desk.store.documents("PO-10005")


def test_the_signing_page_shows_the_letter_and_signs_it(site):
    url, desk = site
    link = waiting_for_signature(desk)
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "Leo Marsh" in page.text and "97 Harvard Ave" in page.text
    assert (
        'name="consent"' in page.text
        and "frame-ancestors 'self' " + WIDGET_SITE in page.headers["Content-Security-Policy"]
    )
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    letter = requests.get(f"{link}/letter.pdf", timeout=10)
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")

    signed = sign_letter(link, "Leo Marsh", address="198.51.100.23")
    assert signed.status_code == 200 and 'id="signed"' in signed.text and "resubmitted" in signed.text
    assert desk.store.get("PO-10006").status.value == "resubmitted"
    evidence = desk.latest("PO-10006", "signed_loa").evidence
    # the web server believes X-Forwarded-For from this machine only (our load balancer)
    assert evidence["ip"] == "198.51.100.23" and evidence["user_agent"] == "pytest-signer/1.0"


@pytest.mark.parametrize(("name", "consent"), [("Dana Whitfield", True), ("Leo Marsh", False)])
def test_a_wrong_signature_is_refused_on_the_page(site, name, consent):
    _, desk = site
    link = waiting_for_signature(desk)
    refused = sign_letter(link, name, consent=consent)
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert desk.store.get("PO-10006").status.value == "awaiting_loa"
    assert desk.latest("PO-10006", "signed_loa") is None


@pytest.mark.parametrize("how", ["expired", "tampered"])
@pytest.mark.parametrize("path", ["", "/letter.pdf"])
def test_an_expired_or_tampered_link_gets_403_and_nothing_of_the_order(site, how, path):
    url, desk = site
    link = waiting_for_signature(desk)
    token = link.rsplit("/", 1)[1]
    if how == "expired":
        letter = desk.latest("PO-10006", "loa").document_id
        token = links.make_token(SECRET, links.SIGN, "PO-10006", time.time() - 8 * 24 * 3600, letter)
    else:
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for response in (
        requests.get(f"{url}/loa/{token}{path}", timeout=10),
        requests.post(f"{url}/loa/{token}", data={"name": "Leo Marsh", "consent": "yes"}, timeout=10),
    ):
        assert response.status_code == 403
        for secret in ("PO-10006", "Leo Marsh", "Kestrel", "Harvard", "617", "%PDF"):
            assert secret not in response.text
    assert desk.store.get("PO-10006").status.value == "awaiting_loa"


def upload(url: str, data: bytes, content_type: str = "application/pdf", **headers) -> requests.Response:
    return requests.post(url, data=data, headers={"Content-Type": content_type, **headers}, timeout=30)


def test_bills_are_checked_by_their_content_and_date(site):
    url, desk = site
    link = desk.link(links.UPLOAD, "PO-10005")
    assert requests.get(link, timeout=10).status_code == 200  # the page Slack and shell users open

    recent = upload(link, bill(TODAY - timedelta(days=30)))
    assert recent.status_code == 200 and recent.json()["too_old"] is False
    old = upload(link, bill(TODAY - timedelta(days=90)))
    assert old.status_code == 200 and old.json()["too_old"] is True and "30 days" in old.json()["message"]
    assert [d.too_old for d in desk.store.documents("PO-10005")] == [False, True]

    before = kept(desk)
    program = upload(link, WINDOWS_PROGRAM, "application/pdf")  # an .exe renamed bill.pdf
    assert program.status_code == 415 and "PDF, PNG or JPEG" in program.json()["error"]
    huge = upload(link, b"%PDF-1.4\n" + b"0" * (11 * MB))
    assert huge.status_code == 413 and "10 MB" in huge.json()["error"]
    assert kept(desk) == before  # nothing half-stored


def test_the_widget_on_the_companys_site_may_upload(site):
    _, desk = site
    link = desk.link(links.UPLOAD, "PO-10005")
    allowed = upload(link, bill(TODAY), Origin=WIDGET_SITE)
    assert allowed.headers["Access-Control-Allow-Origin"] == WIDGET_SITE
    other = upload(link, bill(TODAY), Origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other.headers


def test_an_upload_link_is_no_signing_link(site):
    url, desk = site
    token = desk.link(links.UPLOAD, "PO-10005").rsplit("/", 1)[1]
    assert requests.get(f"{url}/loa/{token}", timeout=10).status_code == 403
    assert upload(f"{url}/upload/not-a-token", bill(TODAY)).status_code == 403


def test_the_signing_page_lists_what_the_letter_states_with_the_billing_number():
    summary = letter_summary(port_order(btn="+17185550130", numbers=("+17185550110", "+17185550111")))
    assert "Billing telephone number (BTN)</dt><dd>(718) 555-0130" in summary
    assert "(718) 555-0110, (718) 555-0111" in summary

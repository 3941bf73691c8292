"""An order's documents end to end in the core: the letter made from the corrected order, its
signature by the authorized person only, the resubmission that waits for it, and bills."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

import jwt
import pytest
from pypdf import PdfReader

from bot.core.documents import links
from bot.core.documents.intake import RefusedUpload
from bot.core.documents.storage import FolderStorage
from bot.core.fixes import LETTER_FIELDS
from bot.core.orders.demo import seed_demo
from bot.core.orders.documents import DocumentDesk, SignatureRefused, names_match
from bot.core.orders.records import OrderStatus
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox, generate_key
from tests.documents import WINDOWS_PROGRAM, bill

SECRET = "unit-test-document-link-secret-0123456789"
TODAY = date(2026, 12, 3)
SIGNER = "Leo Marsh"  # the authorized person of PO-10006 (Kestrel Yoga Studio)


@pytest.fixture
def desk(tmp_path) -> DocumentDesk:
    store = OrderStore(f"sqlite:///{tmp_path / 'orders.db'}", SecretBox(generate_key()))
    seed_demo(store)
    yield DocumentDesk(store, FolderStorage(tmp_path / "documents"), SECRET, "http://chat.example", "Northwind Voice")
    store.close()


def stored_files(desk: DocumentDesk) -> list[str]:
    return sorted(str(p.relative_to(desk.storage.root)) for p in desk.storage.root.rglob("*") if p.is_file())


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def corrected_and_waiting(desk: DocumentDesk, order_id: str = "PO-10006", **changes) -> str:
    """The chat's fix: corrections written, the order waiting; returns the token of the signing link."""
    order, _ = desk.store.resubmit_corrected(
        order_id, changes or {"account_name": "Kestrel Yoga LLC"}, "chat:test", letter_fields=LETTER_FIELDS
    )
    assert order.status is OrderStatus.AWAITING_LOA
    return desk.issue_loa(order_id, "chat:test", TODAY).rsplit("/", 1)[1]


def test_a_change_to_what_the_letter_states_waits_for_a_signature(desk):
    order, _ = desk.store.resubmit_corrected(
        "PO-10002", {"account_name": "Bayview Dental Group LLC"}, "chat:test", letter_fields=LETTER_FIELDS
    )
    assert order.status is OrderStatus.AWAITING_LOA
    assert desk.store.audit("PO-10002")[-1].note == "corrected; waiting for the signed LOA"


def test_a_value_given_again_unchanged_changes_nothing_on_the_letter(desk):
    order, _ = desk.store.resubmit_corrected(
        "PO-10002", {"account_name": "Bayview Dental Group"}, "chat:test", letter_fields=LETTER_FIELDS
    )
    assert order.status is OrderStatus.RESUBMITTED


def test_a_date_change_alone_is_resubmitted_at_once(desk):
    order, _ = desk.store.resubmit_corrected(
        "PO-10006", {"requested_foc_date": TODAY + timedelta(days=7)}, "chat:test", letter_fields=LETTER_FIELDS
    )
    assert order.status is OrderStatus.RESUBMITTED


def test_a_missing_letter_waits_for_a_signature_with_nothing_changed(desk):
    order, _ = desk.store.resubmit_corrected("PO-10006", {}, "chat:test", sign_first=True)
    assert order.status is OrderStatus.AWAITING_LOA


def test_the_authorized_person_signs_and_the_order_is_resubmitted_with_the_letter(desk):
    token = corrected_and_waiting(desk)
    request = desk.signature_request(desk.read_link(token, links.SIGN))
    assert request.signer == SIGNER and request.signed is None
    unsigned = pdf_text(desk.letter_pdf(request))
    assert "Kestrel Yoga LLC" in unsigned and "Signed electronically" not in unsigned

    signed, order = desk.sign(request, "  leo   MARSH ", True, "203.0.113.7", "Mozilla/5.0 (X11) Chrome/120")
    assert order.status is OrderStatus.RESUBMITTED
    assert signed.kind == "signed_loa" and signed.evidence["typed_name"] == "leo MARSH"
    assert signed.evidence["ip"] == "203.0.113.7" and signed.evidence["letter"] == request.document_id
    assert "Chrome/120" in signed.evidence["user_agent"] and signed.evidence["consent"]
    text = pdf_text(desk.storage.get(signed.storage_key))
    assert "Kestrel Yoga LLC" in text and "leo MARSH" in text and "203.0.113.7" in text
    assert [d.kind for d in desk.store.documents("PO-10006")] == ["loa", "signed_loa"]
    assert "resubmitted with the LOA signed by leo MARSH" in desk.store.audit("PO-10006")[-1].note
    # the link now shows the signed letter, and can't sign again
    again = desk.signature_request(desk.read_link(token, links.SIGN))
    assert again.signed == signed and "leo MARSH" in pdf_text(desk.letter_pdf(again))
    with pytest.raises(SignatureRefused, match="already signed"):
        desk.sign(again, SIGNER, True, "203.0.113.7", "x")


@pytest.mark.parametrize(
    ("typed", "consented", "problem"),
    [
        ("Dana Whitfield", True, "Only Leo Marsh"),  # somebody else
        ("Leo", True, "Only Leo Marsh"),  # not a full name
        ("Leon Marsh", True, "Only Leo Marsh"),
        ("", True, "type your full name"),
        (SIGNER, False, "tick the box"),
    ],
)
def test_a_signature_that_is_not_the_authorized_persons_is_refused(desk, typed, consented, problem):
    token = corrected_and_waiting(desk)
    request = desk.signature_request(desk.read_link(token, links.SIGN))
    files = stored_files(desk)
    with pytest.raises(SignatureRefused, match=problem):
        desk.sign(request, typed, consented, "203.0.113.7", "x")
    assert desk.store.get("PO-10006").status is OrderStatus.AWAITING_LOA
    assert [d.kind for d in desk.store.documents("PO-10006")] == ["loa"] and stored_files(desk) == files


def test_an_order_that_names_nobody_takes_the_signers_name(desk):
    token = corrected_and_waiting(desk, "PO-10002", account_name="Bayview Dental Group LLC")
    request = desk.signature_request(desk.read_link(token, links.SIGN))
    assert request.signer is None
    with pytest.raises(SignatureRefused, match="full name"):
        desk.sign(request, "1234", True, "198.51.100.2", "x")
    signed, order = desk.sign(request, "Nadia Brooks", True, "198.51.100.2", "x")
    assert order.status is OrderStatus.RESUBMITTED and signed.evidence["typed_name"] == "Nadia Brooks"


def test_a_newer_letter_makes_the_older_link_stale(desk):
    old = corrected_and_waiting(desk)
    desk.issue_loa("PO-10006", "chat:test", TODAY)
    with pytest.raises(links.BadLink):
        desk.signature_request(desk.read_link(old, links.SIGN))


@pytest.mark.parametrize("how", ["tampered", "expired", "other secret", "upload link", "garbage"])
def test_a_bad_link_opens_nothing(desk, how):
    token = corrected_and_waiting(desk)
    letter = desk.latest("PO-10006", "loa").document_id
    bad = {
        "tampered": token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        "expired": links.make_token(SECRET, links.SIGN, "PO-10006", time.time() - 8 * 24 * 3600, letter),
        "other secret": links.make_token("x" * 40, links.SIGN, "PO-10006", time.time(), letter),
        "upload link": links.make_token(SECRET, links.UPLOAD, "PO-10006", time.time()),
        "garbage": "not-a-token",
    }[how]
    with pytest.raises(links.BadLink):
        desk.signature_request(desk.read_link(bad, links.SIGN))


def test_a_document_link_is_no_customer_token():
    from bot.core.orders.identity import customer_from_token

    token = links.make_token(SECRET, links.UPLOAD, "PO-10006", time.time())
    assert customer_from_token(token, SECRET) is None
    assert jwt.decode(token, SECRET, algorithms=["HS256"], audience="porting-documents:upload")["sub"] == "PO-10006"


@pytest.mark.parametrize(
    ("typed", "authorized", "same"),
    [
        ("Zoe O'Brien", "Zoë O’Brien", True),
        ("maria l. lopez", "Maria Luisa Lopez", True),
        ("Maria K. Lopez", "Maria Luisa Lopez", False),
        ("Lopez, Maria", "Maria Lopez", True),
        ("Maria Lopez", "Mario Lopez", False),
        ("Maria", "Maria Lopez", False),
    ],
)
def test_names_match_as_people_write_them(typed, authorized, same):
    assert names_match(typed, authorized) is same


def test_a_recent_bill_is_kept_and_an_old_one_flagged(desk):
    recent, checked = desk.take_upload("PO-10005", bill(TODAY - timedelta(days=30)), "customer upload", TODAY)
    # its newest date is the due date three weeks after the statement: still in the past
    assert recent.kind == "bill" and not recent.too_old and checked.latest_date == TODAY - timedelta(days=9)
    old, checked = desk.take_upload("PO-10005", bill(TODAY - timedelta(days=90)), "customer upload", TODAY)
    assert old.too_old and "30 days" in checked.message()
    assert desk.storage.get(old.storage_key) == bill(TODAY - timedelta(days=90))
    assert len(stored_files(desk)) == 2


def test_a_refused_upload_keeps_nothing(desk):
    with pytest.raises(RefusedUpload):
        desk.take_upload("PO-10005", WINDOWS_PROGRAM, "customer upload", TODAY)
    assert desk.store.documents("PO-10005") == [] and stored_files(desk) == []


def test_bytes_are_deleted_when_the_record_cant_be_written(desk, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(desk.store, "add_document", broken)
    with pytest.raises(RuntimeError):
        desk.take_upload("PO-10005", bill(TODAY), "customer upload", TODAY)
    assert stored_files(desk) == []

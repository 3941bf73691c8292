"""The Letter of Authorization: what a carrier reads on it, read back from the PDF with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from bot.core.documents.loa import MISSING, Signature, readable_number, render_loa
from bot.core.orders.records import OrderStatus, PortOrder

ISSUED = date(2026, 11, 20)
COMPANY = "Brightline Voice"
ACCOUNT_NUMBER = "8812004477316"
SIGNATURE = Signature(
    typed_name="Maria Lopez",
    signed_at=datetime(2026, 11, 21, 14, 5, 33, tzinfo=timezone.utc),
    ip="203.0.113.9",
    user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    consent="I agree that typing my name above is my signature on this Letter of Authorization.",
)


def full_order(**fields) -> PortOrder:
    """An order with every field the LOA prints."""
    now = datetime(2026, 11, 19, 9, 30, tzinfo=timezone.utc)
    values = dict(
        order_id="PO-10001",
        status=OrderStatus.DRAFT,
        numbers=("+13125550148", "+13125550149", "+13125550150"),
        losing_carrier="CenturyLink",
        account_name="Lopez Insurance Agency",
        service_zip="60601",
        contact_email="maria@lopez-insurance.example",
        customer_id="C-2001",
        account_number=ACCOUNT_NUMBER,
        btn="+13125550148",
        has_pin=True,
        service_address="200 E Randolph St, Suite 5100, Chicago IL",
        authorized_name="Maria Lopez",
        authorized_title="Office Manager",
        authorized_email="maria@lopez-insurance.example",
        requested_foc_date=date(2026, 12, 4),
        remaining_disposition="keep",
        pilot_number="+13125550148",
        created_at=now,
        updated_at=now,
    )
    return PortOrder(**{**values, **fields})


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_unsigned_loa_prints_every_field_and_masks_the_account_number():
    data = render_loa(full_order(), COMPANY, ISSUED)
    assert data.startswith(b"%PDF-")
    text, pages = pdf_text(data)
    assert pages == 1
    for expected in (
        "Letter of Authorization",
        COMPANY,
        "Lopez Insurance Agency",
        "200 E Randolph St, Suite 5100, Chicago IL",
        "60601",
        "CenturyLink",
        "(312) 555-0148",
        "(312) 555-0149",
        "(312) 555-0150",
        "Maria Lopez",
        "Office Manager",
        "PO-10001",
        "November 20, 2026",
        "7316",
    ):
        assert expected in text, expected
    assert ACCOUNT_NUMBER not in text
    assert ACCOUNT_NUMBER[:-4] not in text
    assert "customer service record" in text
    assert "Signed electronically" not in text
    for line in ("Signature", "Printed name", "Title", "Date"):
        assert line in text
    assert "None" not in text


def test_the_wording_says_what_the_customer_authorizes():
    text, _ = pdf_text(render_loa(full_order(), COMPANY, ISSUED))
    flat = " ".join(text.split())
    assert f"authorize {COMPANY} to act as my agent" in flat
    assert "account holder" in flat
    assert "my service with CenturyLink ends" in flat
    assert "remain my responsibility" in flat


def test_signed_loa_carries_the_signature_and_its_evidence():
    text, pages = pdf_text(render_loa(full_order(), COMPANY, ISSUED, SIGNATURE))
    assert pages == 1
    assert "Signed electronically by Maria Lopez" in text
    assert "2026-11-21 14:05 UTC" in text
    assert "203.0.113.9" in text
    assert "IP address" in text
    assert "consent:" in text
    flat = " ".join(text.split())
    assert "typing my name above is my signature" in flat
    assert "Mozilla/5.0 (Windows NT 10.0" in flat
    assert "Edg/131.0.0.0" not in flat  # the browser string is shortened


@pytest.mark.parametrize("name", ["Đặng Thị Hương", "Zoë O'Brien-Łukasz", "Øystein Ærøskøbing-Straße"])
def test_any_latin_or_vietnamese_name_renders(name):
    order = full_order(authorized_name=name, account_name=f"{name} Dental")
    signature = Signature(name, SIGNATURE.signed_at, "2001:db8::7", "curl/8.5", "I agree.")
    text, _ = pdf_text(render_loa(order, COMPANY, ISSUED, signature))
    assert f"Signed electronically by {name}" in text
    assert f"{name} Dental" in text


def test_missing_values_print_a_dash_never_none():
    order = full_order(
        losing_carrier=None,
        account_number=None,
        btn=None,
        service_address=None,
        service_zip=None,
        authorized_name=None,
        authorized_title=None,
    )
    text, _ = pdf_text(render_loa(order, COMPANY, ISSUED))
    assert "None" not in text
    assert text.count(MISSING) >= 6


def test_forty_numbers_fit_on_two_pages():
    numbers = tuple(f"+1312555{n:04d}" for n in range(100, 140))
    text, pages = pdf_text(render_loa(full_order(numbers=numbers), COMPANY, ISSUED, SIGNATURE))
    assert pages <= 2
    for number in numbers:
        assert readable_number(number) in text
    assert "40 numbers" in text
    assert "Signed electronically by Maria Lopez" in text


def test_the_same_input_gives_the_same_pdf():
    order = full_order()
    assert render_loa(order, COMPANY, ISSUED, SIGNATURE) == render_loa(order, COMPANY, ISSUED, SIGNATURE)
    assert render_loa(order, COMPANY, ISSUED) == render_loa(order, COMPANY, ISSUED)


def test_metadata_names_the_document_without_secrets():
    reader = PdfReader(io.BytesIO(render_loa(full_order(), COMPANY, ISSUED, SIGNATURE)))
    info = reader.metadata
    assert info.title == "Letter of Authorization — PO-10001"
    assert info.author == COMPANY
    assert info.creation_date.date() == SIGNATURE.signed_at.date()
    assert ACCOUNT_NUMBER not in str(dict(info))
    assert "Lopez Insurance" not in str(dict(info))


def test_a_naive_signing_time_is_refused():
    naive = Signature("Maria Lopez", datetime(2026, 11, 21, 14, 5), "203.0.113.9", "ua", "I agree.")
    with pytest.raises(ValueError, match="aware"):
        render_loa(full_order(), COMPANY, ISSUED, naive)


@pytest.mark.parametrize(
    ("number", "expected"),
    [("+13125550148", "(312) 555-0148"), ("+442079460958", "+44 20 7946 0958"), ("not a number", "not a number")],
)
def test_numbers_are_printed_for_reading(number, expected):
    assert readable_number(number) == expected

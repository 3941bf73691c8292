"""The check of an uploaded bill: its type from its bytes, whether a PDF opens, and how old it is."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest
from fpdf import FPDF
from PIL import Image

from bot.core.documents.intake import (
    MAX_BILL_AGE_DAYS,
    MAX_UPLOAD_BYTES,
    CheckedUpload,
    RefusedUpload,
    check_upload,
)
from bot.core.errors import UserError
from tests.documents import bill, day, pdf

TODAY = date(2026, 11, 20)
MB = 1024 * 1024


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(buffer, format=kind)
    return buffer.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(RefusedUpload) as caught:
        check_upload(data, TODAY)
    message = str(caught.value)
    assert isinstance(caught.value, UserError)
    for leak in ("None", "Error", "Traceback", "pypdf", "b'", "\\x"):
        assert leak not in message, message
    return message


def clean(message: str) -> str:
    for leak in ("None", "Error", "Traceback"):
        assert leak not in message, message
    return message


def test_a_recent_bill_is_accepted_with_its_date():
    data = bill(date(2026, 11, 3))
    checked = check_upload(data, TODAY)
    assert checked == CheckedUpload(
        content_type="application/pdf",
        extension="pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        latest_date=date(2026, 11, 3),  # not the due date, Nov 24, which is still ahead
        too_old=False,
    )
    assert clean(checked.message()).startswith("Got your bill (PDF, ")
    assert "KB), dated Nov 3, 2026." in checked.message()


def test_a_bill_exactly_thirty_days_old_is_accepted():
    statement = TODAY - timedelta(days=MAX_BILL_AGE_DAYS)
    checked = check_upload(bill(statement, due=TODAY + timedelta(days=5)), TODAY)
    assert checked.latest_date == statement
    assert checked.too_old is False


def test_a_bill_thirty_one_days_old_is_too_old():
    statement = TODAY - timedelta(days=MAX_BILL_AGE_DAYS + 1)
    checked = check_upload(bill(statement, due=TODAY + timedelta(days=5)), TODAY)
    assert checked.too_old is True


def test_a_ninety_day_old_bill_is_flagged_and_the_message_says_why():
    statement = TODAY - timedelta(days=90)
    checked = check_upload(bill(statement), TODAY)
    assert checked.latest_date == statement + timedelta(days=21)  # its due date is the newest date on it
    assert checked.too_old is True
    message = clean(checked.message())
    assert f"The newest date I can read on it is {day(checked.latest_date)}, more than 30 days ago" in message
    assert "last 30 days" in message
    assert "upload a newer one" in message


def test_a_due_date_ahead_is_not_the_bill_date():
    checked = check_upload(bill(date(2026, 11, 1), due=date(2026, 12, 15)), TODAY)
    assert checked.latest_date == date(2026, 11, 1)


@pytest.mark.parametrize(
    "written", ["Nov 3, 2026", "11/03/2026", "2026-11-03", "November 3, 2026", "3 November 2026", "11/03/26"]
)
def test_dates_are_read_in_the_usual_ways(written):
    checked = check_upload(pdf("Your bill", f"Bill date {written}", "Amount due $12.00"), TODAY)
    assert checked.latest_date == date(2026, 11, 3)


def test_words_and_numbers_that_are_not_dates_are_ignored():
    checked = check_upload(pdf("Invoice 2026", "Pay now or today", "Total $84 - page 1 of 3"), TODAY)
    assert checked.latest_date is None
    assert checked.too_old is False
    assert "I can't read a date on it, so a person will check" in clean(checked.message())


def test_a_pdf_without_text_is_left_to_a_person():
    checked = check_upload(pdf(pages=2), TODAY)
    assert (checked.content_type, checked.latest_date, checked.too_old) == ("application/pdf", None, False)
    assert "a person will check that it is from the last 30 days" in checked.message()


def test_only_the_first_pages_are_read():
    document = FPDF()
    for page in range(5):
        document.add_page()
        document.set_font("Helvetica", size=11)
        document.cell(0, 8, f"Statement date: Nov {page + 1}, 2026")
    checked = check_upload(bytes(document.output()), TODAY)
    assert checked.latest_date == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"), [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg")]
)
def test_photos_are_accepted_without_a_date(kind, content_type, extension):
    data = image(kind)
    checked = check_upload(data, TODAY)
    assert (checked.content_type, checked.extension, checked.size) == (content_type, extension, len(data))
    assert checked.latest_date is None
    assert checked.too_old is False
    message = clean(checked.message())
    assert message.startswith(f"Got your bill ({kind} image, 1 KB).")
    assert "a person will check" in message


def test_a_program_is_refused_whatever_its_name():
    message = refused(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(2000))
    assert message.startswith("That file isn't a PDF, PNG or JPEG")


def test_a_text_file_is_refused():
    assert "isn't a PDF, PNG or JPEG" in refused(b"Statement date: Nov 3, 2026\nAmount due: $84.12\n")


def test_a_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bill.pdf", bill(date(2026, 11, 3)))
    assert "isn't a PDF, PNG or JPEG" in refused(buffer.getvalue())


def test_an_empty_file_is_refused():
    assert "empty" in refused(b"")


def test_a_file_over_the_limit_is_refused_with_its_size():
    message = refused(b"%PDF-1.4\n" + bytes(11 * MB - 9))
    assert "10 MB" in message
    assert "11.0 MB" in message
    assert "photo" in message


def test_a_byte_over_the_limit_is_not_shown_as_the_limit():
    assert "10.1 MB, over the 10 MB limit" in refused(bytes(MAX_UPLOAD_BYTES + 1))


def test_a_file_at_the_limit_is_checked():
    data = image("PNG")
    data += bytes(MAX_UPLOAD_BYTES - len(data))  # PNG readers ignore bytes after the image
    assert check_upload(data, TODAY).size == MAX_UPLOAD_BYTES


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"%PDF-1.7\n" + bytes(500), bill(date(2026, 11, 3))[:400]])
def test_a_damaged_pdf_is_refused(data):
    message = refused(data)
    assert message.startswith("I can't open that PDF")
    assert "photo" in message


def test_a_pdf_that_needs_a_password_is_refused():
    message = refused(pdf("Statement date: Nov 3, 2026", password="customer-password"))
    assert message.startswith("I can't open that PDF: it is protected by a password")


def test_a_pdf_with_an_empty_password_opens_like_any_other():
    checked = check_upload(pdf("Statement date: Nov 3, 2026", password=""), TODAY)
    assert checked.latest_date == date(2026, 11, 3)

"""Documents for the tests: text PDFs and bills of a given date, made with fpdf2 (as customers'
providers make theirs), and a Windows program's first bytes."""

from __future__ import annotations

from datetime import date, timedelta

from fpdf import FPDF

# what a Windows program starts with ("MZ", then the DOS stub): an .exe renamed to bill.pdf
WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"This program cannot be run in DOS mode." * 20
)


def day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def pdf(*lines: str, pages: int = 1, password: str | None = None) -> bytes:
    """A PDF with `lines` of text on its first page (and empty pages after it)."""
    document = FPDF()
    if password is not None:
        document.set_encryption(owner_password="owner-secret", user_password=password)
    for page in range(pages):
        document.add_page()
        document.set_font("Helvetica", size=11)
        for line in lines if page == 0 else (f"Page {page + 1} of {pages}",):
            document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def bill(statement: date, due: date | None = None) -> bytes:
    due = due or statement + timedelta(days=21)
    return pdf(
        "ACME Telecom - Monthly statement",
        "Account 8812004477316    Invoice 2026",
        f"Statement date: {day(statement)}",
        f"Please pay $84.12 by {due:%B} {due.day}, {due.year}. Page 1 of 3",
        "Questions? Call today or visit us now.",
    )

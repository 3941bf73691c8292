"""The Letter of Authorization (LOA): the page a carrier needs before it releases numbers to us.

The losing carrier checks the LOA against its own records, so it prints the order's fields as the
customer gave them (the account number masked: the carrier has it, and the PDF travels by e-mail),
and, once signed, the evidence of the electronic signature. The text is our own wording of what
porting LOAs say. Fonts are the DejaVu files matplotlib ships: fpdf2's core fonts are latin-1 only
and a customer's name may be "Đặng Thị Hương"; nothing is fetched.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

import phonenumbers
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.core.orders.records import PortOrder
from bot.core.secrets import mask

TITLE = "Letter of Authorization"
MISSING = "—"  # a value the order does not have yet; never "None"
FONT = "DejaVu"
# a row holds this many numbers one per line; a longer list goes to a schedule in columns, so that
# 40 numbers still fit on two pages
NUMBERS_IN_TABLE = 8
SCHEDULE_COLUMNS = 4
USER_AGENT_LENGTH = 80
LABEL = FontFace(emphasis="BOLD")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


@dataclass(frozen=True)
class Signature:
    """What the signing page recorded: the evidence a carrier asks for when an e-signature is disputed."""

    typed_name: str  # what the signer typed as their full name
    signed_at: datetime  # aware, UTC
    ip: str
    user_agent: str
    consent: str  # the consent sentence the signer ticked (printed on the PDF)


@functools.lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, found without importing matplotlib (a second of start-up)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed: its DejaVu fonts are needed to write the LOA")
    folder = Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise RuntimeError(f"{path} is missing: the LOA needs matplotlib's DejaVu fonts")
    return regular, bold


def readable_number(number: str) -> str:
    """A stored E.164 number as people read it: "(312) 555-0148" in North America, "+44 20 7946 0958" elsewhere."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number  # printed as stored: the carrier still recognises it
    style = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 1 else None
    return phonenumbers.format_number(parsed, style or phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def render_loa(order: PortOrder, company: str, issued_on: date, signature: Signature | None = None) -> bytes:
    """The LOA for `order` as PDF bytes: unsigned (lines to sign on paper) or signed electronically.

    The same input gives the same text and dates, so a stored LOA can be rendered again to compare."""
    if signature is not None and signature.signed_at.tzinfo is None:
        raise ValueError("signature.signed_at must be an aware datetime (UTC)")
    pdf = _new_pdf(order, company, issued_on, signature)
    pdf.add_page()
    _heading(pdf, order, issued_on)
    _authorization(pdf, order, company)
    _fields(pdf, order, issued_on)
    if len(order.numbers) > NUMBERS_IN_TABLE:
        _schedule(pdf, order.numbers)
    _signature_block(pdf, order, signature)
    return bytes(pdf.output())


def _new_pdf(order: PortOrder, company: str, issued_on: date, signature: Signature | None) -> FPDF:
    pdf = FPDF(format="letter")
    regular, bold = font_files()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    # metadata names the document, never the customer or a secret: PDF viewers show it everywhere
    pdf.set_title(f"{TITLE} — {order.order_id}")
    pdf.set_author(_clean(company))
    pdf.set_subject("Authorization to port telephone numbers")
    pdf.set_creator(_clean(company))
    pdf.set_lang("en-US")
    # the creation date comes from the input, not the clock, so the output is reproducible
    created = (
        signature.signed_at.astimezone(timezone.utc)
        if signature
        else datetime.combine(issued_on, time(0), tzinfo=timezone.utc)
    )
    pdf.set_creation_date(created)
    return pdf


def _heading(pdf: FPDF, order: PortOrder, issued_on: date) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 10, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 5, f"Port order {order.order_id} · issued {_day(issued_on)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


def _authorization(pdf: FPDF, order: PortOrder, company: str) -> None:
    company = _clean(company) or MISSING
    carrier = _value(order.losing_carrier)
    account = _value(order.account_name)
    paragraphs = (
        f"I, the undersigned, on behalf of {account}, authorize {company} to act as my agent to move "
        f'("port") the telephone numbers listed below from my current provider, {carrier}, to service '
        f"arranged by {company}, and to request and receive the customer service record (CSR) of the "
        "account from that provider for this purpose.",
        "I confirm that I am the account holder named below, or that the account holder has given me "
        "the authority to sign this letter for it, and that the information below matches the account "
        "with the current provider.",
        f"I understand that once the port is complete, my service with {carrier} ends for the numbers "
        "that are ported, and that any other services, equipment, contracts, fees or balances I keep "
        "with that provider remain my responsibility.",
    )
    pdf.set_font(FONT, "", 10.5)
    for text in paragraphs:
        pdf.multi_cell(0, 5.4, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)
    pdf.ln(1.5)


def _fields(pdf: FPDF, order: PortOrder, issued_on: date) -> None:
    numbers = [readable_number(n) for n in order.numbers]
    if not numbers:
        listed = MISSING
    elif len(numbers) > NUMBERS_IN_TABLE:
        listed = f"{len(numbers)} numbers, listed in the schedule below"
    else:
        listed = "\n".join(numbers)
    address = ", ".join(v for v in (_clean(order.service_address or ""), _clean(order.service_zip or "")) if v)
    rows = (
        ("Account name", _value(order.account_name)),
        ("Service address", address or MISSING),
        ("Current provider", _value(order.losing_carrier)),
        # the carrier knows the full number; the PDF is mailed and stored, so it shows the last 4
        ("Account number", mask(order.account_number, keep=4) or MISSING),
        ("Billing telephone number (BTN)", readable_number(order.btn) if order.btn else MISSING),
        ("Telephone numbers to port", listed),
        ("Authorized person", _value(order.authorized_name)),
        ("Title", _value(order.authorized_title)),
        ("Port order id", _value(order.order_id)),
        ("Date issued", _day(issued_on)),
    )
    pdf.set_font(FONT, "", 10)
    with pdf.table(
        col_widths=(44, 56),
        first_row_as_headings=False,
        line_height=5.4,
        padding=(1.4, 2),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=LABEL)
            row.cell(value)
    pdf.ln(5)


def _schedule(pdf: FPDF, numbers: tuple[str, ...]) -> None:
    """A long list of numbers in columns, read down each column, one number a line."""
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 6, f"Schedule: telephone numbers to port ({len(numbers)})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)
    readable = [readable_number(n) for n in numbers]
    rows = -(-len(readable) // SCHEDULE_COLUMNS)  # ceiling division
    width = pdf.epw / SCHEDULE_COLUMNS
    for r in range(rows):
        for c in range(SCHEDULE_COLUMNS):
            index = c * rows + r
            text = readable[index] if index < len(readable) else ""
            pdf.cell(width, 5, text, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.ln(5)
    pdf.ln(4)


def _signature_block(pdf: FPDF, order: PortOrder, signature: Signature | None) -> None:
    # the block is never split across pages: a carrier wants the signature next to its date
    needed = 8 + 4 * 9
    if signature is not None:
        pdf.set_font(FONT, "", 8)
        needed += 2 + pdf.multi_cell(0, 4, _evidence(signature), dry_run=True, output="HEIGHT")
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, "Signature of the account holder or authorized person", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if signature is None:
        lines = (("Signature", ""), ("Printed name", ""), ("Title", ""), ("Date", ""))
    else:
        name = _clean(signature.typed_name) or MISSING
        signed = signature.signed_at.astimezone(timezone.utc)
        lines = (
            ("Signature", f"Signed electronically by {name}"),
            ("Printed name", name),
            ("Title", _value(order.authorized_title)),
            ("Date", f"{signed:%Y-%m-%d %H:%M} UTC"),
        )
    label_width = 32
    for label, value in lines:
        pdf.set_font(FONT, "", 10)
        pdf.cell(label_width, 9, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        if value:
            pdf.cell(0, 9, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            # an empty line to write on, as on a paper form
            y = pdf.get_y() + 7
            pdf.line(pdf.get_x(), y, pdf.w - pdf.r_margin - 40, y)
            pdf.set_xy(pdf.l_margin, pdf.get_y() + 9)
    if signature is not None:
        pdf.ln(2)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(70, 70, 70)
        pdf.multi_cell(0, 4, _evidence(signature), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)


def _evidence(signature: Signature) -> str:
    browser = _clean(signature.user_agent)
    if len(browser) > USER_AGENT_LENGTH:
        browser = browser[: USER_AGENT_LENGTH - 1].rstrip() + "…"
    return (
        f"IP address {_clean(signature.ip) or MISSING} · browser {browser or MISSING} · "
        f"consent: {_clean(signature.consent) or MISSING}"
    )


def _value(value: str | None) -> str:
    return _clean(value or "") or MISSING


def _clean(text: str) -> str:
    """One line of composed text: a typed name may carry newlines or decomposed accents (e + ◌́),
    which would break the layout or render as two glyphs."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"

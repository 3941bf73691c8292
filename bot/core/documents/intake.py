"""The check of a document a customer uploads (a recent bill, which carriers ask for with an LOA).

What a file is comes from its bytes, never its name: a program renamed "bill.pdf" is refused. A
PDF must open (a carrier that can't open it rejects the port) and, when its text can be read, its
newest date tells whether the bill is recent enough. Images and scanned PDFs are accepted as they
are: reading them is left to a person. Every refusal is a `RefusedUpload` whose message says what
to send instead; no parser's error text reaches the customer.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import filetype
from pypdf import PasswordType, PdfReader

from bot.core.errors import UserError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_BILL_AGE_DAYS = 30  # carriers want a bill (or CSR) issued in the last 30 days
ACCEPTED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}  # content type -> extension
# a bill's issue date is on its first page; the limits keep a 500-page or text-bomb PDF fast
PAGES_READ = 3
CHARACTERS_READ = 20_000
_MB = 1024 * 1024
_KIND = {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image"}
_SEND_INSTEAD = "Please upload your latest bill as a PDF, or a photo of it as a PNG or JPEG."

# What counts as a date on a bill: a month name with a day ("Nov 3, 2026", "3rd November") or all
# numbers with a 4-digit year ("11/03/2026", "2026-11-03", and "11/03/26"). dateparser's own search
# also "finds" dates in "now", "$84", "1 of 3" or a bare "2026" (read as today), and reads
# "$84.12 by November 24, 2026" as November 12: so the dates are found here and only parsed by it.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May|MAY)|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:,\s*|\s+)(?:19|20)\d\d)?"
_DATE = re.compile(
    rf"(?<![\w/.-])(?:"
    rf"{_MONTH}\.?\s+{_DAY}{_YEAR}"  # Nov 3, 2026 / November 3 / Sept. 30th 2026
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}\.?{_YEAR}"  # 3 November 2026 / 3rd of Nov
    r"|\d{1,2}([/.-])\d{1,2}\1(?:19|20)\d\d"  # 11/03/2026, 11-03-2026, 11.03.2026
    r"|(?:19|20)\d\d([/-])\d{1,2}\2\d{1,2}"  # 2026-11-03
    r"|\d{1,2}/\d{1,2}/\d\d"  # 11/03/26
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)


class RefusedUpload(UserError):
    """An upload that can't be used; the message is shown to the customer as is."""


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str  # from the bytes, never from the file name
    extension: str
    size: int
    sha256: str
    latest_date: date | None  # newest readable date not after today; None for images and scans
    too_old: bool  # latest_date is more than MAX_BILL_AGE_DAYS days before today

    def message(self) -> str:
        """One or two sentences for the customer about what was received."""
        got = f"Got your bill ({_KIND.get(self.content_type, self.extension.upper())}, {_size(self.size)})"
        if self.latest_date is None:
            return (
                f"{got}. I can't read a date on it, so a person will check that it is from the last "
                f"{MAX_BILL_AGE_DAYS} days."
            )
        if self.too_old:
            return (
                f"{got}. The newest date I can read on it is {_day(self.latest_date)}, more than "
                f"{MAX_BILL_AGE_DAYS} days ago: carriers want a bill issued in the last {MAX_BILL_AGE_DAYS} days, "
                "so please upload a newer one if you have it."
            )
        return f"{got}, dated {_day(self.latest_date)}."


def too_large(size: int) -> RefusedUpload:
    """The refusal of a file over the limit (the web server says it from the announced size alone)."""
    megabytes = math.ceil(size / _MB * 10) / 10  # rounded up: a byte over the limit is "10.1 MB", not "10.0"
    return RefusedUpload(
        f"That file is {megabytes:.1f} MB, over the {MAX_UPLOAD_BYTES // _MB} MB limit. "
        "Please upload a photo of the bill, or a PDF of just its first page."
    )


def check_upload(data: bytes, today: date) -> CheckedUpload:
    """What `data` is and how recent; raises `RefusedUpload` for a file a carrier would not take."""
    if not data:
        raise RefusedUpload(f"That file is empty. {_SEND_INSTEAD}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large(len(data))
    kind = filetype.guess(data)
    content_type = kind.mime if kind else None
    if content_type not in ACCEPTED_TYPES:
        raise RefusedUpload(f"That file isn't a PDF, PNG or JPEG, whatever its name says. {_SEND_INSTEAD}")
    latest = _latest_date(_pdf_text(data), today) if content_type == "application/pdf" else None
    return CheckedUpload(
        content_type=content_type,
        extension=ACCEPTED_TYPES[content_type],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        latest_date=latest,
        too_old=latest is not None and (today - latest).days > MAX_BILL_AGE_DAYS,
    )


def _pdf_text(data: bytes) -> str:
    """The text of the first pages; "" for a scan. Refuses a PDF that can't be opened."""
    # pypdf raises many kinds of errors on damaged input (its own, ValueError, KeyError, ...): any of
    # them means the file is not a PDF a carrier can open
    try:
        reader = PdfReader(io.BytesIO(data))
        # a PDF with an empty user password (restrictions only) opens in any viewer: keep those
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise RefusedUpload(
                "I can't open that PDF: it is protected by a password, so the carrier couldn't open it "
                "either. Please upload a copy without a password (for example, print the bill to a new "
                "PDF), or a photo of it as a PNG or JPEG."
            )
        pages = list(reader.pages[:PAGES_READ])
    except RefusedUpload:
        raise
    except Exception:
        logger.info("an uploaded PDF could not be opened", exc_info=True)
        raise RefusedUpload(
            "I can't open that PDF: it looks damaged or incomplete, so the carrier couldn't open it either. "
            "Please download the bill again from your provider and upload it, or send a photo of it as "
            "a PNG or JPEG."
        ) from None
    text = []
    for page in pages:
        try:
            text.append(page.extract_text() or "")
        except Exception:  # a page whose text can't be read is treated like a scan
            logger.info("no text from a page of an uploaded PDF", exc_info=True)
        if sum(map(len, text)) >= CHARACTERS_READ:
            break
    return "\n".join(text)[:CHARACTERS_READ]


def _latest_date(text: str, today: date) -> date | None:
    """The newest whole date in `text` that is not after `today` (a due date ahead is not the issue date)."""
    candidates = {match.group() for match in _DATE.finditer(text)}
    if not candidates:
        return None
    import dateparser  # half a second to load: only PDFs with text need it

    settings = {
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "MDY",  # US bills: 11/03/2026 is November 3
        "PREFER_DATES_FROM": "past",  # "Nov 3" without a year is the last Nov 3, not the next
        "RELATIVE_BASE": datetime.combine(today, time(0)),
    }
    dates = set()
    for candidate in candidates:
        try:
            moment = dateparser.parse(candidate, languages=["en"], settings=settings)
        except Exception:  # a date library failing on odd text loses that date, not the upload
            logger.warning("dateparser failed on %r", candidate, exc_info=True)
            continue
        if moment is not None and moment.date() <= today:
            dates.add(moment.date())
    return max(dates, default=None)


def _size(size: int) -> str:
    if size >= _MB:
        return f"{size / _MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"

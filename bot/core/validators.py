"""Validation of what customers type: each function returns the normalised value or raises
`ValidationError` with a message that says what is wrong and what a good answer looks like."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

import holidays
import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from bot.core.errors import UserError

DEFAULT_REGION = "US"  # NANP numbers are usually typed without "+1"
MIN_NOTICE_BUSINESS_DAYS = 3  # the usual carrier interval for a simple port
MAX_DAYS_AHEAD = 30  # carriers refuse due dates further out than this


class ValidationError(UserError):
    """A customer's answer cannot be used; the message explains how to fix it."""


# ----------------------------------------------------------------------------- phone numbers

_PHONE_EXAMPLE = "a 10-digit number with its area code, like (415) 555-0186"
_POSSIBLE_REASONS = {
    ValidationResult.TOO_SHORT: "is too short",
    ValidationResult.TOO_LONG: "is too long",
    ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
    ValidationResult.INVALID_COUNTRY_CODE: "starts with a country code that does not exist",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "is missing its area code",
}


def phone_number(text: str) -> str:
    """Return `text` as an E.164 number ("+14155550186")."""
    if not re.search(r"\d", text or ""):
        raise ValidationError(f"That doesn't look like a phone number. Please send {_PHONE_EXAMPLE}.")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        raise ValidationError(
            f"I couldn't read “{text.strip()}” as a phone number. Please send {_PHONE_EXAMPLE}."
        ) from None
    reason = _POSSIBLE_REASONS.get(phonenumbers.is_possible_number_with_reason(number))
    if reason:
        raise ValidationError(f"“{text.strip()}” {reason}. Please send {_PHONE_EXAMPLE}.")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"“{text.strip()}” is not a valid phone number (that area code or exchange does not exist). "
            f"Please check it and send {_PHONE_EXAMPLE}."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def btn(text: str) -> str:
    """The billing telephone number: a phone number that is not toll-free, since an account is
    never billed under an 800 or 888 number (those are routed to a local one)."""
    number = phone_number(text)
    if phonenumbers.number_type(phonenumbers.parse(number)) == phonenumbers.PhoneNumberType.TOLL_FREE:
        raise ValidationError(
            f"{number} is a toll-free number, and a toll-free number can't be the billing telephone number "
            "(BTN). The BTN is the main local number the account is billed under; the carrier's bill shows it."
        )
    return number


def phone_numbers(text: str) -> list[str]:
    """Every valid number found in a free-text answer, E.164, in order, without repeats."""
    found = [
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text or "", DEFAULT_REGION)
    ]
    if not found:
        raise ValidationError(
            f"I didn't find a phone number in that. Please send each number as {_PHONE_EXAMPLE}, separated by commas."
        )
    return list(dict.fromkeys(found))


# ----------------------------------------------------------------------------- account data

_SEPARATORS = re.compile(r"[\s\-.]")


def pin(text: str) -> str:
    """A carrier PIN or passcode: 4-10 letters or digits; spaces and dashes are dropped."""
    value = _SEPARATORS.sub("", text or "")
    if not re.fullmatch(r"[A-Za-z0-9]{4,10}", value):
        raise ValidationError(
            "A carrier PIN is 4 to 10 letters or digits (for example 4821 or AB12CD), with no other "
            "symbols. If you are not sure, your current carrier can give you the PIN or a number "
            "transfer PIN; some carriers use the last 4 digits of the account holder's SSN."
        )
    return value


def account_number(text: str) -> str:
    """The losing carrier's account number: 4-30 letters or digits; carriers ignore punctuation."""
    value = _SEPARATORS.sub("", text or "")
    # checked before upper-casing, which turns some other letters into ASCII ("ß" -> "SS")
    if not re.fullmatch(r"[A-Za-z0-9]{4,30}", value):
        raise ValidationError(
            "An account number is 4 to 30 letters or digits, as printed on your bill from the current "
            "carrier (for example 123456789-00001). Wireless carriers often give a separate account "
            "number for transfers: ask them for it if the bill doesn't show one."
        )
    return value.upper()


# [0-9], not \d: \d also matches the digits of other scripts ("٩٤١١٠").
_US_ZIP = re.compile(r"([0-9]{5})(?:[\s-]?([0-9]{4}))?")
_CA_POSTAL = re.compile(r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])[\s-]?([0-9][ABCEGHJ-NPRSTV-Z][0-9])")


def zip_code(text: str) -> str:
    """A US ZIP ("94110" or "94110-1234") or a Canadian postal code ("K1A 0B1")."""
    value = " ".join((text or "").split())
    value = value.upper() if value.isascii() else value  # "ſ".upper() is "S": only ASCII may be upper-cased
    if match := _US_ZIP.fullmatch(value):
        return "-".join(part for part in match.groups() if part)
    if match := _CA_POSTAL.fullmatch(value):
        return " ".join(match.groups())
    raise ValidationError(
        "Please give the ZIP code of the service address: 5 digits like 94110 (ZIP+4 like "
        "94110-1234 is fine), or a Canadian postal code like K1A 0B1."
    )


def plain_text(text: str) -> str:
    """Free text for an order field, whitespace tidied. Control characters are refused: the
    text is stored, shown and sent to the carrier (and PostgreSQL refuses NUL)."""
    value = " ".join(str(text or "").split())
    if not value:
        raise ValidationError("This field can't be empty.")
    if not value.isprintable():
        raise ValidationError("Please type the answer as plain text, without control characters.")
    return value


def person_name(text: str) -> str:
    """A person's full name, whitespace tidied."""
    value = " ".join((text or "").split())
    # [^\W\d_] is a letter or a number that is not a decimal digit ("²", "Ⅷ"): those are refused too
    if not (
        2 <= len(value) <= 100
        and re.fullmatch(r"[^\W\d_]+(?:[ .,'’-]+[^\W\d_]+)*\.?", value)
        and not any(char.isnumeric() for char in value)
    ):
        raise ValidationError(
            "Please give the person's full name as the carrier has it, letters only, for example Maria Lopez-Garcia."
        )
    return value


def account_name(text: str) -> str:
    """The name on the carrier account: a person or a company (legal suffixes like LLC matter)."""
    value = " ".join((text or "").split())
    # printable: it is stored, shown and sent to the carrier (and PostgreSQL refuses NUL)
    if not (2 <= len(value) <= 120 and re.search(r"[^\W\d_]", value) and value.isprintable()):
        raise ValidationError(
            "Please give the account name exactly as on the carrier's bill, for example "
            "Maria Lopez or Bayview Dental Group LLC."
        )
    return value


def email(text: str) -> str:
    """An e-mail address, lower-cased (mail providers treat addresses case-insensitively)."""
    value = (text or "").strip().lower()
    # the top-level domain: letters, or an internationalised one in its ASCII form ("xn--p1ai")
    if (
        len(value) > 254
        or not value.isprintable()
        or not re.fullmatch(r"[^@\s]+@[^@\s]+\.(?:[a-z]{2,}|xn--[a-z0-9-]+)", value)
    ):
        raise ValidationError("That doesn't look like an e-mail address. Please send one like name@example.com.")
    return value


# ----------------------------------------------------------------------------- port dates


# The holidays on which carriers do not port, by the losing carrier's country (carriers.yml):
# US federal holidays and Canada's national statutory holidays, each as observed.
HOLIDAY_KINDS = {"US": "a US federal holiday", "CA": "a Canadian statutory holiday"}


@functools.lru_cache(maxsize=len(HOLIDAY_KINDS))
def _holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)  # fills in each year on its first look-up


def holiday_name(day: date, country: str = "US") -> str | None:
    return _holidays(country).get(day)


def is_business_day(day: date, country: str = "US") -> bool:
    return day.weekday() < 5 and holiday_name(day, country) is None


def business_days_after(start: date, n: int, country: str = "US") -> date:
    """The date `n` business days after `start` (weekends and the country's holidays skipped)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= is_business_day(day, country)
    return day


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATED_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y")
_YEARLESS_FORMATS = ("%m/%d", "%b %d", "%B %d", "%d %b", "%d %B")
_DATE_EXAMPLES = "like 2026-12-15, 12/15/2026, Dec 15 or next Tuesday"


def _parse_date(text: str, today: date) -> date | None:
    value = re.sub(r"(?<=\d)(st|nd|rd|th)\b|,", "", text.strip().lower())
    value = " ".join(value.replace("sept", "sep").split())
    if value == "tomorrow":
        return today + timedelta(days=1)
    if match := re.fullmatch(r"(?:next |this |on )?(\w+)", value):
        if match.group(1) in _WEEKDAYS:  # the next such weekday after today
            return today + timedelta(days=(_WEEKDAYS.index(match.group(1)) - today.weekday() - 1) % 7 + 1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    for fmt in _DATED_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    for fmt in _YEARLESS_FORMATS:
        for year in (today.year, today.year + 1):  # a yearless date means the next one to come
            try:
                day = datetime.strptime(f"{value} {year}", f"{fmt} %Y").date()
            except ValueError:
                continue
            if day > today:
                return day
    return None


def show_day(day: date) -> str:
    """ "Thursday, December 10, 2026" """
    return f"{day:%A, %B} {day.day}, {day.year}"


def port_date(text: str, today: date, country: str = "US") -> date:
    """A requested port (FOC) date a losing carrier of `country` can accept, relative to `today`."""
    day = _parse_date(text or "", today)
    if day is None:
        raise ValidationError(f"I couldn't read “{(text or '').strip()}” as a date. Please give it {_DATE_EXAMPLES}.")
    earliest = business_days_after(today, MIN_NOTICE_BUSINESS_DAYS, country)
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    while not is_business_day(latest, country):
        latest -= timedelta(days=1)
    window = f"Please pick a business day between {show_day(earliest)} and {show_day(latest)}."
    if day < today:
        raise ValidationError(f"{show_day(day)} is in the past. {window}")
    if day == today:
        raise ValidationError(f"A port can't be scheduled for today. {window}")
    if day > latest:  # before the holiday check: the holidays of the year after 9999 can't be computed
        raise ValidationError(
            f"{show_day(day)} is too far away: carriers accept dates at most {MAX_DAYS_AHEAD} days ahead. {window}"
        )
    if day.weekday() >= 5:
        raise ValidationError(f"{show_day(day)} is a weekend day, and carriers only port on business days. {window}")
    if holiday := holiday_name(day, country):
        kind = HOLIDAY_KINDS[country]
        raise ValidationError(f"{show_day(day)} is {holiday}, {kind} when carriers don't port. {window}")
    if day < earliest:
        raise ValidationError(
            f"{show_day(day)} is too soon: the current carrier needs at least {MIN_NOTICE_BUSINESS_DAYS} "
            f"business days' notice. {window}"
        )
    return day

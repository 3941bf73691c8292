import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.core import validators
from bot.core.errors import UserError
from bot.core.validators import ValidationError


def test_validation_error_is_a_user_error():
    assert issubclass(ValidationError, UserError)


@pytest.mark.parametrize("text", ["(415) 555-0186", "415.555.0186", "+1 415 555 0186", "1-415-555-0186", "4155550186"])
def test_phone_number_accepts_common_nanp_formats(text):
    assert validators.phone_number(text) == "+14155550186"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "doesn't look like a phone number"),
        ("my number", "doesn't look like a phone number"),
        ("123", "too short"),
        ("555-0186", "missing its area code"),
        ("+1 415 555 01867 99", "too long"),
        ("(999) 555-0186", "not a valid phone number"),
    ],
)
def test_phone_number_rejects_with_a_reason_and_an_example(text, reason):
    with pytest.raises(ValidationError) as error:
        validators.phone_number(text)
    assert reason in str(error.value)
    assert "(415) 555-0186" in str(error.value)


@given(st.one_of(st.text(max_size=300), st.text(alphabet="0123456789+-()./ extA", max_size=40)))
def test_phone_number_only_ever_raises_validation_error(text):
    try:
        result = validators.phone_number(text)
    except ValidationError:
        return
    assert result.startswith("+") and result[1:].isdigit()


def test_phone_numbers_finds_each_number_once_in_order():
    text = "port 415-555-0186 and (415) 555 0187, also 415.555.0186 again"
    assert validators.phone_numbers(text) == ["+14155550186", "+14155550187"]


@pytest.mark.parametrize("text", ["", "no numbers here", "call 555-01"])
def test_phone_numbers_without_any_number_is_an_error(text):
    with pytest.raises(ValidationError, match="didn't find a phone number"):
        validators.phone_numbers(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("1234", "1234"), ("12-34 56", "123456"), ("AB12cd", "AB12cd"), ("1234567890", "1234567890")]
)
def test_pin_strips_separators(text, expected):
    assert validators.pin(text) == expected


@pytest.mark.parametrize("text", ["", "123", "12345678901", "12#4", "pin?"])
def test_pin_explains_the_rule(text):
    with pytest.raises(ValidationError, match="4 to 10 letters or digits"):
        validators.pin(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("94110", "94110"),
        (" 94110-1234 ", "94110-1234"),
        ("94110 1234", "94110-1234"),
        ("941101234", "94110-1234"),
        ("k1a0b1", "K1A 0B1"),
        ("K1A-0B1", "K1A 0B1"),
        ("m5v 3l9", "M5V 3L9"),
    ],
)
def test_zip_code_normalises_us_and_canadian_codes(text, expected):
    assert validators.zip_code(text) == expected


@pytest.mark.parametrize("text", ["", "9411", "941101", "ABCDE", "D1A 0B1", "K1A 0B"])
def test_zip_code_rejects_other_text(text):
    with pytest.raises(ValidationError, match="ZIP code"):
        validators.zip_code(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234-5678-90", "1234567890"), ("ab12 cd", "AB12CD"), ("421555010900001", "421555010900001")],
)
def test_account_number_ignores_case_and_punctuation(text, expected):
    assert validators.account_number(text) == expected


@pytest.mark.parametrize("text", ["", "12", "12#45", "x" * 31])
def test_account_number_rejects_bad_values(text):
    with pytest.raises(ValidationError, match="4 to 30 letters or digits"):
        validators.account_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  maria   lopez ", "maria lopez"),
        ("Sean O'Brien", "Sean O'Brien"),
        ("Jean-Luc Picard", "Jean-Luc Picard"),
        ("José Núñez", "José Núñez"),
        ("Martin Luther King Jr.", "Martin Luther King Jr."),
    ],
)
def test_person_name_tidies_whitespace(text, expected):
    assert validators.person_name(text) == expected


@pytest.mark.parametrize("text", ["", "a", "R2D2", "maria@example.com", "x" * 101])
def test_person_name_rejects_non_names(text):
    with pytest.raises(ValidationError, match="full name"):
        validators.person_name(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Bayview Dental Group,  LLC", "Bayview Dental Group, LLC"), ("7-Eleven Store 42", "7-Eleven Store 42")],
)
def test_account_name_accepts_people_and_companies(text, expected):
    assert validators.account_name(text) == expected


@pytest.mark.parametrize("text", ["", " ", "12345"])
def test_account_name_needs_letters(text):
    with pytest.raises(ValidationError, match="account name"):
        validators.account_name(text)


def test_email_is_lower_cased():
    assert validators.email(" Maria.Lopez@Example.COM ") == "maria.lopez@example.com"


@pytest.mark.parametrize("text", ["", "maria", "maria@", "maria@example", "ma ria@example.com", "a@b@c.com"])
def test_email_rejects_malformed_addresses(text):
    with pytest.raises(ValidationError, match="name@example.com"):
        validators.email(text)


# ----------------------------------------------------------------------------- dates

TUESDAY = date(2026, 12, 1)  # earliest port date: Fri Dec 4; latest: Thu Dec 31


def test_us_holidays_2026_on_weekdays_are_not_business_days():
    weekdays_2026 = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    closed = {day: validators.holiday_name(day) for day in weekdays_2026 if day.weekday() < 5}
    assert {day: name for day, name in closed.items() if name} == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 1, 19): "Martin Luther King Jr. Day",
        date(2026, 2, 16): "Washington's Birthday",
        date(2026, 5, 25): "Memorial Day",
        date(2026, 6, 19): "Juneteenth National Independence Day",
        date(2026, 7, 3): "Independence Day (observed)",
        date(2026, 9, 7): "Labor Day",
        date(2026, 10, 12): "Columbus Day",
        date(2026, 11, 11): "Veterans Day",
        date(2026, 11, 26): "Thanksgiving Day",
        date(2026, 12, 25): "Christmas Day",
    }


def test_canadian_carriers_follow_canadas_holidays():
    canada_day, us_thanksgiving = date(2026, 7, 1), date(2026, 11, 26)
    assert not validators.is_business_day(canada_day, "CA") and validators.is_business_day(canada_day, "US")
    assert validators.is_business_day(us_thanksgiving, "CA") and not validators.is_business_day(us_thanksgiving)
    with pytest.raises(ValidationError, match="Canada Day, a Canadian statutory holiday"):
        validators.port_date("July 1", date(2026, 6, 15), "CA")
    assert validators.port_date("Nov 26", date(2026, 11, 2), "CA") == us_thanksgiving


def test_new_years_day_on_a_saturday_is_observed_the_friday_before():
    assert validators.holiday_name(date(2021, 12, 31)) == "New Year's Day (observed)"
    assert validators.holiday_name(date(2027, 1, 1)) == "New Year's Day"
    assert validators.holiday_name(date(2026, 12, 2)) is None


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 20), 3, date(2026, 11, 25)),  # over a weekend
        (date(2026, 11, 24), 3, date(2026, 11, 30)),  # over Thanksgiving and a weekend
        (date(2026, 12, 23), 3, date(2026, 12, 29)),  # over Christmas
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
    ],
)
def test_business_days_after(start, n, expected):
    assert validators.business_days_after(start, n) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("12/15/2026", date(2026, 12, 15)),
        ("12/15/26", date(2026, 12, 15)),
        ("12/15", date(2026, 12, 15)),
        ("Dec 15", date(2026, 12, 15)),
        ("December 15th, 2026", date(2026, 12, 15)),
        ("15 Dec 2026", date(2026, 12, 15)),
        ("next Tuesday", date(2026, 12, 8)),
        ("friday", date(2026, 12, 4)),
    ],
)
def test_port_date_accepts_common_forms(text, expected):
    assert validators.port_date(text, TUESDAY) == expected


def test_port_date_without_a_year_means_the_next_one():
    assert validators.port_date("Jan 5", date(2026, 12, 20)) == date(2027, 1, 5)


@pytest.mark.parametrize(
    ("text", "today", "reason"),
    [
        ("2026-11-30", TUESDAY, "in the past"),
        ("2026-12-01", TUESDAY, "today"),
        ("Dec 12", TUESDAY, "weekend"),
        ("Dec 25", TUESDAY, "Christmas Day, a US federal holiday"),
        ("11/26/2026", date(2026, 11, 16), "Thanksgiving Day"),
        ("tomorrow", TUESDAY, "too soon"),
        ("Dec 3", TUESDAY, "too soon"),
        ("Jan 5 2027", TUESDAY, "too far away"),
        ("soon", TUESDAY, "couldn't read"),
        ("13/45/2026", TUESDAY, "couldn't read"),
    ],
)
def test_port_date_refusals_say_why(text, today, reason):
    with pytest.raises(ValidationError) as error:
        validators.port_date(text, today)
    assert reason in str(error.value)


def test_port_date_refusal_offers_the_window():
    with pytest.raises(ValidationError) as error:
        validators.port_date("Dec 3", TUESDAY)
    assert "between Friday, December 4, 2026 and Thursday, December 31, 2026" in str(error.value)


# ----------------------------------------------------------------------------- properties
# Whatever a customer types, a validator either returns a well-formed value or raises its own
# ValidationError; and an accepted value, typed again, is accepted unchanged.

ANY_TEXT = st.text(max_size=80)
SEPARATORS = st.sampled_from([" ", "-", ".", "\t", "\u00a0"])
ASCII_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Letters that upper-case to ASCII ("ß" -> "SS") and digits of other scripts ("٩", "９").
LOOKALIKES = "ßſıﬁﬀ٩٤١٠０１２９"


def checked(validator, text):
    """The validator's value, or None when it refused `text` with a ValidationError."""
    try:
        return validator(text)
    except ValidationError as refusal:
        assert str(refusal), "a refusal must say what is wrong"
        return None


def separated(alphabet: str, min_size: int, max_size: int):
    """Runs of `alphabet` joined by the separators customers type between groups of characters."""
    return (
        st.lists(st.tuples(st.text(alphabet, min_size=1, max_size=4), SEPARATORS), min_size=1, max_size=8)
        .map(lambda parts: "".join(a + b for a, b in parts))
        .filter(lambda text: min_size <= len("".join(c for c in text if c in alphabet)) <= max_size)
    )


@given(st.one_of(ANY_TEXT, st.text(ASCII_ALNUM + " -." + LOOKALIKES, max_size=14)))
def test_pin_property_only_ascii_letters_and_digits(text):
    value = checked(validators.pin, text)
    if value is not None:
        assert re.fullmatch(r"[A-Za-z0-9]{4,10}", value)
        assert validators.pin(value) == value


@given(separated(ASCII_ALNUM, 4, 10))
def test_pin_property_separators_are_dropped_and_nothing_else(text):
    assert validators.pin(text) == re.sub(r"[\s.-]", "", text)


@given(st.one_of(ANY_TEXT, st.text(ASCII_ALNUM[:20] + " -." + LOOKALIKES, min_size=2, max_size=32)))
@example("ßß")  # bugs hypothesis found, kept as examples
@example("00ﬀ")
def test_account_number_property_keeps_what_was_typed(text):
    value = checked(validators.account_number, text)
    if value is not None:
        typed = re.sub(r"[\s.-]", "", text)
        # what was typed is letters and digits ("ß" must not pass as "SS"), and only upper-cased
        assert re.fullmatch(r"[A-Za-z0-9]{4,30}", typed) and value == typed.upper()
        assert validators.account_number(value) == value


@given(separated(ASCII_ALNUM, 4, 30))
def test_account_number_property_accepts_grouped_numbers(text):
    assert validators.account_number(text) == re.sub(r"[\s.-]", "", text).upper()


ZIP_SHAPES = st.one_of(
    st.from_regex(r"\s*[0-9]{5}([ -]?[0-9]{4})?\s*", fullmatch=True),
    st.from_regex(r"\s*[A-Za-z][0-9][A-Za-z][ -]?[0-9][A-Za-z][0-9]\s*", fullmatch=True),
    st.text("0123456789" + LOOKALIKES, min_size=5, max_size=5),
)


@given(st.one_of(ANY_TEXT, ZIP_SHAPES))
@example("٩٤١١٠")
@example("ſ1A 0B1")
def test_zip_code_property_output_is_a_us_zip_or_canadian_postal_code(text):
    value = checked(validators.zip_code, text)
    if value is not None:
        assert re.fullmatch(r"[0-9]{5}(-[0-9]{4})?|[A-Z][0-9][A-Z] [0-9][A-Z][0-9]", value)
        assert validators.zip_code(value) == value


NAME_SHAPES = st.lists(
    st.one_of(
        st.text(st.characters(whitelist_categories=("L",)), min_size=1, max_size=8),
        st.sampled_from([" ", "  ", "-", "'", ".", ", ", "\t", "\n", "\x00", "1"]),
    ),
    min_size=1,
    max_size=10,
).map("".join)


@given(st.one_of(ANY_TEXT, NAME_SHAPES))
@example("A²")
def test_person_name_property_tidy_letters_only(text):
    value = checked(validators.person_name, text)
    if value is not None:
        assert value == " ".join(value.split()) and 2 <= len(value) <= 100
        assert value.isprintable() and not any(char.isnumeric() for char in value)
        assert validators.person_name(value) == value


@given(st.one_of(ANY_TEXT, NAME_SHAPES))
@example("Acme\x00 LLC")
def test_account_name_property_tidy_printable_text(text):
    value = checked(validators.account_name, text)
    if value is not None:
        assert value == " ".join(value.split()) and 2 <= len(value) <= 120
        # Stored, shown and sent to the carrier: no control characters (PostgreSQL refuses NUL).
        assert value.isprintable()
        assert validators.account_name(value) == value


EMAIL_SHAPES = st.one_of(
    st.emails().map(lambda address: f" {address} "),
    st.tuples(st.text(max_size=10), st.text(max_size=10), st.sampled_from(["com", "ORG", "io", "c"])).map(
        lambda parts: f"{parts[0]}@{parts[1]}.{parts[2]}"
    ),
)


@given(st.one_of(ANY_TEXT, EMAIL_SHAPES))
@example("a\x00b@example.com")
def test_email_property_one_printable_lower_case_address(text):
    value = checked(validators.email, text)
    if value is not None:
        local, _, domain = value.partition("@")
        assert local and "@" not in domain and "." in domain and len(value) <= 254
        assert value == value.lower() and value.isprintable() and not any(char.isspace() for char in value)
        assert validators.email(value) == value


@given(st.emails())
@example("0@A.XN--11B4C3D")
def test_email_property_accepts_addresses(address):
    assert validators.email(address) == address.lower()


PHONE_TEXT = st.lists(
    st.one_of(
        st.text(max_size=10), st.from_regex(r"\(?[2-9][0-9]{2}\)?[ .-]?[2-9][0-9]{2}[ .-]?[0-9]{4}", fullmatch=True)
    ),
    max_size=5,
).map(" ".join)


@given(st.one_of(ANY_TEXT, PHONE_TEXT))
def test_phone_numbers_property_valid_e164_once_each(text):
    numbers = checked(validators.phone_numbers, text)
    if numbers is not None:
        assert numbers and len(numbers) == len(set(numbers))
        assert all(validators.phone_number(number) == number for number in numbers)  # valid E.164
        assert validators.phone_numbers(", ".join(numbers)) == numbers


TODAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
# Formats customers type dates in (the validator also reads weekday names and "tomorrow").
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%d %B %Y", "%m/%d", "%B %d", "%A")
DATE_TEXT = st.one_of(
    ANY_TEXT,
    st.tuples(
        st.one_of(st.dates(), st.dates(min_value=date(9999, 1, 1))),  # also the last year there is
        st.sampled_from(DATE_FORMATS),
    ).map(lambda pair: pair[0].strftime(pair[1])),
    st.sampled_from(["tomorrow", "next monday", "this friday", "on sunday", "Dec 31st", "31 December", "2/29"]),
)


@given(DATE_TEXT, TODAYS)
@example("12/15/9999", date(2026, 12, 1))
def test_port_date_property_a_business_day_in_the_window(text, today):
    day = checked(lambda answer: validators.port_date(answer, today), text)
    if day is not None:
        assert validators.is_business_day(day)
        assert validators.business_days_after(today, validators.MIN_NOTICE_BUSINESS_DAYS) <= day
        assert day <= today + timedelta(days=validators.MAX_DAYS_AHEAD)
        assert validators.port_date(day.isoformat(), today) == day


@given(TODAYS, st.integers(min_value=0, max_value=40))
def test_port_date_property_every_day_in_the_window_is_offered(today, ahead):
    day = today + timedelta(days=ahead)
    earliest = validators.business_days_after(today, validators.MIN_NOTICE_BUSINESS_DAYS)
    in_window = validators.is_business_day(day) and earliest <= day <= today + timedelta(days=validators.MAX_DAYS_AHEAD)
    assert (checked(lambda answer: validators.port_date(answer, today), day.isoformat()) == day) == in_window


@pytest.mark.parametrize("text", ["Suite 4\x00", "a\x07b", "\x1b[31mred"])
def test_plain_text_refuses_control_characters(text):
    with pytest.raises(ValidationError, match="plain text"):
        validators.plain_text(text)


def test_plain_text_tidies_whitespace_and_refuses_nothing_at_all():
    assert validators.plain_text("  Office\n manager\t") == "Office manager"
    with pytest.raises(ValidationError, match="can't be empty"):
        validators.plain_text(" \n ")


@pytest.mark.parametrize("text", ["888-555-0105", "(800) 555-0199", "+1 877 555 0100"])
def test_a_toll_free_number_is_never_the_billing_number(text):
    assert validators.phone_number(text).startswith("+18")
    with pytest.raises(ValidationError, match="toll-free number can't be the billing telephone number"):
        validators.btn(text)


def test_a_local_number_is_a_billing_number():
    assert validators.btn("718-555-0119") == "+17185550119"

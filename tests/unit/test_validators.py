from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import validators
from bot.errors import UserError
from bot.validators import ValidationError


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


@pytest.mark.parametrize(("text", "expected"), [("1234", "1234"), ("12-34 56", "123456"), ("AB12cd", "AB12cd"), ("1234567890", "1234567890")])
def test_pin_strips_separators(text, expected):
    assert validators.pin(text) == expected


@pytest.mark.parametrize("text", ["", "123", "12345678901", "12#4", "pin?"])
def test_pin_explains_the_rule(text):
    with pytest.raises(ValidationError, match="4 to 10 letters or digits"):
        validators.pin(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("94110", "94110"), (" 94110-1234 ", "94110-1234"), ("94110 1234", "94110-1234"), ("941101234", "94110-1234"),
     ("k1a0b1", "K1A 0B1"), ("K1A-0B1", "K1A 0B1"), ("m5v 3l9", "M5V 3L9")],
)
def test_zip_code_normalises_us_and_canadian_codes(text, expected):
    assert validators.zip_code(text) == expected


@pytest.mark.parametrize("text", ["", "9411", "941101", "ABCDE", "D1A 0B1", "K1A 0B"])
def test_zip_code_rejects_other_text(text):
    with pytest.raises(ValidationError, match="ZIP code"):
        validators.zip_code(text)


@pytest.mark.parametrize(("text", "expected"), [("1234-5678-90", "1234567890"), ("ab12 cd", "AB12CD"), ("421555010900001", "421555010900001")])
def test_account_number_ignores_case_and_punctuation(text, expected):
    assert validators.account_number(text) == expected


@pytest.mark.parametrize("text", ["", "12", "12#45", "x" * 31])
def test_account_number_rejects_bad_values(text):
    with pytest.raises(ValidationError, match="4 to 30 letters or digits"):
        validators.account_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  maria   lopez ", "maria lopez"), ("Sean O'Brien", "Sean O'Brien"), ("Jean-Luc Picard", "Jean-Luc Picard"),
     ("José Núñez", "José Núñez"), ("Martin Luther King Jr.", "Martin Luther King Jr.")],
)
def test_person_name_tidies_whitespace(text, expected):
    assert validators.person_name(text) == expected


@pytest.mark.parametrize("text", ["", "a", "R2D2", "maria@example.com", "x" * 101])
def test_person_name_rejects_non_names(text):
    with pytest.raises(ValidationError, match="full name"):
        validators.person_name(text)


@pytest.mark.parametrize(("text", "expected"), [("Bayview Dental Group,  LLC", "Bayview Dental Group, LLC"), ("7-Eleven Store 42", "7-Eleven Store 42")])
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


def test_us_federal_holidays_2026():
    assert validators.us_federal_holidays(2026) == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 1, 19): "Martin Luther King Jr. Day",
        date(2026, 2, 16): "Washington's Birthday (Presidents' Day)",
        date(2026, 5, 25): "Memorial Day",
        date(2026, 6, 19): "Juneteenth",
        date(2026, 7, 3): "Independence Day (observed)",
        date(2026, 9, 7): "Labor Day",
        date(2026, 10, 12): "Columbus Day",
        date(2026, 11, 11): "Veterans Day",
        date(2026, 11, 26): "Thanksgiving Day",
        date(2026, 12, 25): "Christmas Day",
    }


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

import pytest

from bot.core.errors import UserError
from bot.core.secrets import KEY_ENV, SecretBox, generate_key, looks_like_secret_field, mask, mask_text


def test_round_trip_with_key_from_env(monkeypatch):
    monkeypatch.setenv(KEY_ENV, generate_key())
    box = SecretBox()
    token = box.encrypt("738261")
    assert "738261" not in token
    assert box.decrypt(token) == "738261"


def test_wrong_key_cannot_decrypt():
    token = SecretBox(generate_key()).encrypt("738261")
    with pytest.raises(UserError, match="not the key it was encrypted with"):
        SecretBox(generate_key()).decrypt(token)


def test_missing_key_says_how_to_make_one(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(UserError, match=f"{KEY_ENV} is not set.*generate_key"):
        SecretBox()


@pytest.mark.parametrize("key", ["not-a-key", "c2hvcnQ="])
def test_invalid_key_is_a_user_error(key):
    with pytest.raises(UserError, match="not a valid key"):
        SecretBox(key)


@pytest.mark.parametrize(
    ("value", "keep", "expected"),
    [
        ("123434", 2, "••••34"),
        ("1234", 2, "••••"),  # too short to show anything
        ("12345", 2, "••••"),
        ("9876543210", 4, "••••3210"),
        ("9876543210", 9, "••••3210"),  # never more than 4
        ("9876543210", 0, "••••"),
        ("", 2, ""),
        (None, 2, ""),
    ],
)
def test_mask(value, keep, expected):
    assert mask(value, keep=keep) == expected


def test_mask_does_not_reveal_the_length():
    assert mask("1234") == mask("12345") == "••••"


def test_mask_text_replaces_every_secret():
    text = "PIN 738261 and account AB-9876543210, pin again 738261"
    assert mask_text(text, ["738261", "ab-9876543210", None, ""]) == ("PIN ••••61 and account ••••10, pin again ••••61")


def test_mask_text_prefers_the_longest_secret():
    assert mask_text("code 12345678", ["1234", "12345678"]) == "code ••••78"


def test_mask_text_without_secrets_is_unchanged():
    assert mask_text("nothing to hide", []) == "nothing to hide"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("pin", True),
        ("pin_encrypted", True),
        ("transferPin", True),
        ("ssn_last4", True),
        ("passcode", True),
        ("account_number", True),
        ("accountNumber", True),
        ("losing_carrier", False),
        ("spin", False),
        ("pinned", False),
        ("btn", False),
        ("service_zip", False),
    ],
)
def test_looks_like_secret_field(name, secret):
    assert looks_like_secret_field(name) is secret

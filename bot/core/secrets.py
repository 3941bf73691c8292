"""Secrets on port orders (PINs, SSN digits, account numbers): encryption at rest and masking
for anything a person or a log can see."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken

from bot import settings
from bot.core.errors import UserError

KEY_ENV = settings.PIN_ENCRYPTION_KEY
# Fernet tokens are url-safe base64 of a version byte 0x80 and a timestamp: they start "gAAAAA".
_FERNET_PREFIX = "gAAAAA"
_FERNET_MIN_LENGTH = 100
MASK = "••••"  # always four dots, so the mask does not give away the length
_SECRET_WORDS = {"pin", "passcode", "password", "ssn", "secret"}


class SecretBox:
    """Fernet (AES + HMAC) encryption with a key from `PIN_ENCRYPTION_KEY` unless one is given."""

    def __init__(self, key: str | bytes | None = None):
        key = key if key is not None else settings.get(KEY_ENV)
        if not key:
            raise UserError(
                f"{KEY_ENV} is not set. Create a key with "
                "`python -c 'from bot.core.secrets import generate_key; print(generate_key())'` and export it."
            )
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise UserError(f"{KEY_ENV} is not a valid key: it must be 32 url-safe base64-encoded bytes.") from None

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise UserError(
                f"A stored secret can't be decrypted: {KEY_ENV} is not the key it was encrypted with."
            ) from None


def is_ciphertext(value: str) -> bool:
    """True for a Fernet token (what `SecretBox.encrypt` returns), which is safe to store."""
    return value.startswith(_FERNET_PREFIX) and len(value) >= _FERNET_MIN_LENGTH


def generate_key() -> str:
    return Fernet.generate_key().decode()


def mask(value: str | None, keep: int = 2) -> str:
    """ "••••34": the last `keep` (at most 4) characters, only when at least 4 others stay hidden."""
    if not value:
        return ""
    keep = max(0, min(keep, 4))
    return MASK + value[-keep:] if keep and len(value) - keep >= 4 else MASK


def mask_text(text: str, secrets: Iterable[str | None], keep: int = 2) -> str:
    """`text` with every occurrence of each secret (case-insensitive) replaced by its mask."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)  # longest first: "123456" before "1234"
    if not values:
        return text
    pattern = re.compile("|".join(map(re.escape, values)), re.IGNORECASE)
    return pattern.sub(lambda match: mask(match.group(), keep), text)


def looks_like_secret_field(name: str) -> bool:
    """True for field or slot names that hold secrets: pin, transfer_pin, ssn_last4, account_number..."""
    words = re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z0-9])", r"\1_\2", name).lower())
    return bool(_SECRET_WORDS.intersection(words)) or "account_number" in "_".join(words)

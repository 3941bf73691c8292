"""Where things are and what the environment configures: the one reader of `os.environ`.

Every setting an operator may change is read here, at the moment it is asked for (tests and the
launcher set variables after import), so a newcomer finds in one file what the assistant reads.
Nothing here imports more than the standard library: every layer may use it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_ENV_FILE = PROJECT_ROOT / ".env"
CREDENTIALS_TEMPLATE = PROJECT_ROOT / "credentials.yml"
ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
PROD_ENDPOINTS = PROJECT_ROOT / "endpoints.prod.yml"

# The environment variables, by what they configure (README "Production" lists them too).
DATABASE_URL = "DATABASE_URL"  # the port order store; SQLite in var/ when unset
PIN_ENCRYPTION_KEY = "PIN_ENCRYPTION_KEY"  # Fernet key for PINs and account numbers
CUSTOMER_TOKEN_SECRET = "CUSTOMER_TOKEN_SECRET"  # signs the website's customer tokens
SMTP_URL = "SMTP_URL"  # hand-off tickets are e-mailed when set
SUPPORT_EMAIL = "SUPPORT_EMAIL"
CORS_ORIGINS = "CORS_ORIGINS"  # more origins allowed to call the Rasa server, space-separated
PORTING_TODAY = "PORTING_TODAY"  # an ISO date taken as today (demos, the dated customer conversations)
DOCUMENTS_URL = "DOCUMENTS_URL"  # where LOAs and bills are kept: a folder, or s3://bucket/prefix
DOCUMENT_LINK_SECRET = "DOCUMENT_LINK_SECRET"  # signs the links to sign an LOA or upload a bill
PUBLIC_WEB_URL = "PUBLIC_WEB_URL"  # the document pages' address as customers reach it
COMPANY_NAME = "COMPANY_NAME"  # who the letter of authorization authorizes to port the numbers
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_VAR_DIR / 'orders.db'}"
DEFAULT_DOCUMENTS_DIR = DEFAULT_VAR_DIR / "documents"
DEFAULT_WEB_URL = "http://localhost:8080"
DEFAULT_COMPANY_NAME = "Kestrel Mobile"  # the demo page's company


def get(name: str, default: str | None = None) -> str | None:
    """An environment variable; an empty value counts as unset."""
    return os.environ.get(name) or default


def database_url() -> str:
    return get(DATABASE_URL, DEFAULT_DATABASE_URL)


def documents_url() -> str:
    return get(DOCUMENTS_URL, str(DEFAULT_DOCUMENTS_DIR))


def public_web_url() -> str:
    return get(PUBLIC_WEB_URL, DEFAULT_WEB_URL).rstrip("/")


def company_name() -> str:
    return get(COMPANY_NAME, DEFAULT_COMPANY_NAME)


def today() -> date:
    """The day port dates are read and checked against ("next friday", five business days ahead).

    PORTING_TODAY pins it, so a conversation written for a day reads the same on any later day."""
    pinned = get(PORTING_TODAY)
    return date.fromisoformat(pinned) if pinned else date.today()


def port(name: str, default: int) -> int:
    """A port from RASA_PORT, ACTION_PORT or WEB_PORT, for the commands that start servers."""
    return int(get(name, str(default)))


def cors_origins() -> list[str]:
    return (get(CORS_ORIGINS) or "").split()


def environment() -> dict[str, str]:
    """A copy of the whole environment, for the child processes the launcher starts."""
    return dict(os.environ)


def set_default(name: str, value: str) -> None:
    """For libraries read at import time (TensorFlow's log level, Rasa's telemetry switch)."""
    os.environ.setdefault(name, value)

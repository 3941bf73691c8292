"""Fixtures of the order store tests: an encryption key and a database file of the test's own."""
from __future__ import annotations

import pytest

from bot.secrets import KEY_ENV, generate_key


@pytest.fixture
def pin_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, generate_key())


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "orders.db"

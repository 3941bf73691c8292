"""The conversations name dates ("monday december 14", "friday december 11") written for a fixed
day, so the servers take that day as today: a port date that is five business days ahead on it
stays so whenever the suite runs."""

from __future__ import annotations

import pytest

from bot import settings

WRITTEN_ON = "2026-12-01"  # a Tuesday


@pytest.fixture(scope="session", autouse=True)
def written_on():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.PORTING_TODAY, WRITTEN_ON)
        yield

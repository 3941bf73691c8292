"""A SQLite database file that a test makes unreachable and brings back, for outage tests."""

from __future__ import annotations

import shutil
from pathlib import Path


class UnreachableSqlite:
    """`break_it()` puts a folder where the file was, so SQLite can't open it ("unable to open
    database file"), as when a database server goes away; `restore()` brings the file back."""

    def __init__(self, path: Path):
        self.path, self.aside = path, path.with_name(path.name + ".aside")

    @property
    def broken(self) -> bool:
        return self.aside.exists()

    def break_it(self) -> None:
        self.path.rename(self.aside)
        self.path.mkdir()

    def restore(self) -> None:
        shutil.rmtree(self.path)
        self.aside.rename(self.path)

"""No secret a customer types is kept in clear: every conversation of tests/conversations/ is
played again on servers of their own, which e-mail every hand-off ticket to a local mail server,
and every file they wrote (the order and conversation databases with their write-ahead logs, the
logs, the e-mails received) is searched for every PIN, SSN last four and account number typed.
"""

from __future__ import annotations

import asyncore
import re
import smtpd
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import settings
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from bot.ops.processes import free_port
from bot.ops.stack import Stack
from tests.conftest import RestClient, stack_settings
from tests.conversations.conftest import WRITTEN_ON
from tests.conversations.script import copy_of_demo, load, take_turn, typed_secrets

CONVERSATIONS = load()


class MailFolder(smtpd.SMTPServer):
    """A local mail server that writes each message it receives into a folder."""

    def __init__(self, port: int, folder: Path):
        super().__init__(("127.0.0.1", port), None, decode_data=True)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.received = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.received += 1
        (self.folder / f"{self.received:04d}.eml").write_text(data)


@pytest.fixture(scope="module")
def mail(tmp_path_factory) -> Iterator[tuple[MailFolder, int]]:
    warnings.simplefilter("ignore", DeprecationWarning)  # smtpd: the standard library's test server
    port = free_port()
    inbox = MailFolder(port, tmp_path_factory.mktemp("mail"))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1)

    loop = threading.Thread(target=serve, daemon=True)
    loop.start()
    yield inbox, port
    stop.set()
    loop.join(timeout=5)
    inbox.close()


@pytest.fixture(scope="module")
def servers(trained_model, tmp_path_factory, mail) -> Iterator[Stack]:
    own = stack_settings(tmp_path_factory.mktemp("secrets"))
    own.extra_env.update({settings.SMTP_URL: f"smtp://127.0.0.1:{mail[1]}", settings.PORTING_TODAY: WRITTEN_ON})
    with Stack(own).start() as running:
        yield running


def standing_alone(secret: str) -> re.Pattern[bytes]:
    # a 4-digit secret also occurs inside a float, a timestamp or a random id
    return re.compile(rb"(?<![0-9A-Za-z])" + re.escape(secret).encode() + rb"(?![0-9A-Za-z])")


def places_found(secrets: set[str], folders: list[Path], skip: set[Path]) -> list[str]:
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file() and path not in skip]
    contents = {path: path.read_bytes() for path in files}
    return sorted(
        f"{secret!r} in {path}"
        for secret in secrets
        for path, content in contents.items()
        if standing_alone(secret).search(content)
    )


def test_no_secret_typed_in_any_conversation_is_kept_in_clear(servers, mail):
    store = OrderStore(servers.settings.database_url, SecretBox(servers.env_values["PIN_ENCRYPTION_KEY"]))
    secrets: set[str] = set()
    try:
        for conversation in CONVERSATIONS:
            order = copy_of_demo(store, conversation) if conversation.demo else None
            customer = RestClient(servers, f"secrets-{uuid.uuid4().hex[:10]}")
            transcript: list[str] = []
            for turn in conversation.turns:
                take_turn(customer, turn, order, transcript)
            secrets |= typed_secrets(conversation, order)
        tickets = len(store.tickets())
    finally:
        store.close()
    inbox, _ = mail
    deadline = time.monotonic() + 10
    while inbox.received < tickets and time.monotonic() < deadline:
        time.sleep(0.1)
    # the search has something to find: many secrets typed, every ticket e-mailed
    assert len(secrets) >= 30 and tickets >= 10 and inbox.received == tickets, (len(secrets), tickets, inbox.received)
    found = places_found(secrets, [servers.settings.var_dir, inbox.folder], skip={servers.settings.env_file})
    assert found == [], "\n".join(found[:20])


def test_the_search_finds_a_secret_kept_in_clear(tmp_path):
    """The search itself can fail: a PIN written plainly into a database file is found, one inside
    a longer number is not."""
    (tmp_path / "tracker.db-wal").write_bytes(b"\x00user said: my pin is 583920\x00")
    (tmp_path / "rasa.log").write_bytes(b"took 0.1583920 s")
    assert places_found({"583920"}, [tmp_path], skip=set()) == [f"'583920' in {tmp_path / 'tracker.db-wal'}"]

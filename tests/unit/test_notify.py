"""Ticket e-mail through a real SMTP conversation with a local server (Python's smtpd)."""

import asyncore
import smtpd
import threading
import time
import warnings

from bot.core import notify
from bot.ops.processes import free_port


class Inbox(smtpd.SMTPServer):
    def __init__(self, port):
        super().__init__(("127.0.0.1", port), None, decode_data=True)
        self.received = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.received.append((rcpttos, data))


def serve_until(stop: threading.Event, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        asyncore.loop(timeout=0.05, count=1)


def test_a_ticket_is_e_mailed_to_support():
    warnings.simplefilter("ignore", DeprecationWarning)
    port = free_port()
    inbox = Inbox(port)
    done = threading.Event()
    loop = threading.Thread(target=serve_until, args=(done,), daemon=True)
    loop.start()
    assert notify.send_ticket(
        f"smtp://127.0.0.1:{port}", "support@example.com", "T-100007", "Order: PO-10007\n- pin: ••••"
    )
    done.set()  # the client has said QUIT and had its answer
    loop.join(timeout=15)
    inbox.close()
    [(recipients, body)] = inbox.received
    assert recipients == ["support@example.com"] and "T-100007" in body and "PO-10007" in body


def test_an_unreachable_mail_server_is_logged_not_raised(caplog):
    assert not notify.send_ticket(f"smtp://127.0.0.1:{free_port()}", "support@example.com", "T-1", "x")
    assert "could not e-mail ticket T-1" in caplog.text

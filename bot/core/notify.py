"""E-mail to the support team when a case is handed to a person (only when SMTP_URL is set)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

logger = logging.getLogger(__name__)
DEFAULT_SUPPORT_ADDRESS = "porting-support@localhost"


def send_ticket(smtp_url: str, to_address: str, ticket_id: str, summary: str) -> bool:
    """Sends the ticket; False (and a logged error) when the mail server can't be reached.

    `smtp_url` is smtp://[user:password@]host[:port] or smtps://... for implicit TLS.
    """
    url = urlparse(smtp_url)
    message = EmailMessage()
    message["Subject"] = f"[porting assistant] {ticket_id}"
    message["From"] = f"porting-assistant@{url.hostname or 'localhost'}"
    message["To"] = to_address
    message.set_content(summary)
    client = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with client(
            url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25), timeout=10
        ) as smtp:
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException) as error:
        logger.error("could not e-mail ticket %s to %s: %s", ticket_id, to_address, error)
        return False

"""The document pages the chat links to, served by the widget's web server:

  GET  /loa/<token>             the letter to sign: what it says, a link to the PDF, the signing form
  GET  /loa/<token>/letter.pdf  the letter (the signed one, once signed)
  POST /loa/<token>             the signature: typed full name and consent
  GET  /upload/<token>          a page to upload a bill (for Slack and the shell; the widget posts directly)
  POST /upload/<token>          the file itself as the request body (PDF, PNG or JPEG, at most 10 MB)

A link's token is the only key (bot/core/documents/links.py): a bad or expired one gets 403 and a
page that names nothing of the order. The pages hold no inline script (their CSP forbids it):
documents.js tells the widget a letter was signed and sends an upload.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from bot import settings
from bot.adapters.channels.bodies import sender_address
from bot.core.documents import links
from bot.core.documents.intake import MAX_UPLOAD_BYTES, RefusedUpload, too_large
from bot.core.documents.loa import readable_number
from bot.core.errors import UserError
from bot.core.orders.documents import CONSENT, DocumentDesk, SignatureRefused, SignatureRequest
from bot.core.orders.records import PortOrder
from bot.core.secrets import mask

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 4096  # a typed name and a tick box
UNAVAILABLE = "Documents can't be opened right now. Please try again in a few minutes, or ask for a person in the chat."

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
main{max-width:40rem;margin:0 auto;padding:1.5rem;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:1.4rem;margin-top:0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0}label{display:block;margin:1rem 0 .25rem}
input[type=text]{font:inherit;padding:.5rem;width:100%;box-sizing:border-box}
button{font:inherit;padding:.6rem 1.2rem;margin-top:1rem;background:#1d5fbf;color:#fff;border:0;border-radius:4px}
.problem{background:#fde8e8;border-left:4px solid #c62828;padding:.75rem}
.done{background:#e6f4ea;border-left:4px solid #2e7d32;padding:.75rem}
.consent{display:flex;gap:.5rem;align-items:flex-start}.consent input{margin-top:.35rem}
"""


def page(title: str, body: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f'<script src="/documents.js" defer></script></head><body><main>{body}</main></body></html>'
    ).encode()


def letter_summary(order: PortOrder) -> str:
    rows = {
        "Port order": order.order_id,
        "Account name": order.account_name,
        "Service address": " ".join(v for v in (order.service_address, order.service_zip) if v),
        "Current provider": order.losing_carrier,
        "Account number": mask(order.account_number, keep=4) if order.account_number else None,
        "Billing telephone number (BTN)": readable_number(order.btn) if order.btn else None,
        "Numbers to port": ", ".join(readable_number(number) for number in order.numbers),
        "Authorized person": ", ".join(v for v in (order.authorized_name, order.authorized_title) if v),
    }
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v or '—')}</dd>" for k, v in rows.items())
    return f"<dl>{items}</dl>"


def sign_page(request: SignatureRequest, order: PortOrder, token: str, problem: str | None = None) -> bytes:
    letter = f"/loa/{token}/letter.pdf"
    if request.signed:
        evidence = request.signed.evidence or {}
        return page(
            "Letter of Authorization signed",
            f'<h1>Letter of Authorization signed</h1><p class="done" id="signed">Signed by '
            f"{html.escape(evidence.get('typed_name', ''))} on {html.escape(evidence.get('signed_at', ''))}. "
            f"Port order {html.escape(order.order_id)} was resubmitted to "
            f"{html.escape(order.losing_carrier or 'your current provider')} with it.</p>"
            f'<p><a href="{letter}">Download the signed letter (PDF)</a>. You can close this page.</p>',
        )
    shown = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    signer = f"{request.signer}, the person authorized on the account" if request.signer else "the account holder"
    expected = f" ({request.signer})" if request.signer else ""
    return page(
        "Sign your Letter of Authorization",
        "<h1>Sign your Letter of Authorization</h1>"
        f"{shown}<p>Your current provider moves the numbers only with a letter signed by "
        f"{html.escape(signer)}. This is what it says:</p>"
        f"{letter_summary(order)}"
        f'<p><a href="{letter}" target="_blank" rel="noopener">Read the whole letter (PDF)</a></p>'
        f'<form method="post" action="/loa/{token}">'
        f'<label for="name">Type your full name to sign{html.escape(expected)}</label>'
        '<input type="text" id="name" name="name" autocomplete="name" required maxlength="100">'
        f'<label class="consent"><input type="checkbox" id="consent" name="consent" value="yes" required>'
        f"<span>{html.escape(CONSENT)}</span></label>"
        '<button type="submit" id="sign">Sign the letter</button></form>',
    )


UPLOAD_PAGE = page(
    "Upload a bill",
    "<h1>Upload a bill</h1><p>A bill from your current provider issued in the last 30 days: PDF, PNG or "
    "JPEG, at most 10 MB.</p>"
    '<form id="upload"><label for="file">Bill</label>'
    '<input type="file" id="file" name="file" accept="application/pdf,image/png,image/jpeg" required>'
    '<button type="submit">Upload</button></form><p id="result" role="status"></p>',
)
BAD_LINK_PAGE = page(
    "Link not valid", f'<h1>Link not valid</h1><p class="problem">{html.escape(str(links.BadLink()))}</p>'
)
UNAVAILABLE_PAGE = page("Not available", f'<h1>Not available right now</h1><p class="problem">{UNAVAILABLE}</p>')


def route(path: str) -> tuple[str, str, str] | None:
    """(purpose, token, rest) for a document page's path; None for any other path."""
    parts = urlsplit(path).path.strip("/").split("/")
    purposes = {page_path: purpose for purpose, page_path in links.PATHS.items()}
    if len(parts) in (2, 3) and parts[0] in purposes and parts[1]:
        rest = parts[2] if len(parts) == 3 else ""
        if not rest or (rest == "letter.pdf" and purposes[parts[0]] == links.SIGN):  # only a letter has a PDF
            return purposes[parts[0]], parts[1], rest
    return None


class DocumentPages:
    """Answers the document routes for a request handler of the widget's web server."""

    def __init__(self, desk: Callable[[], DocumentDesk], allowed_origins: tuple[str, ...]) -> None:
        self._desk_factory = desk
        self._desk: DocumentDesk | None = None
        self.allowed_origins = allowed_origins

    def desk(self) -> DocumentDesk:
        if self._desk is None:  # made on first use: a widget-only server never needs the order store
            self._desk = self._desk_factory()
        return self._desk

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> bool:
        """Answers the request when it is for a document page; False when it is not one."""
        found = route(handler.path)
        if found is None:
            return False
        purpose, token, rest = found
        try:
            if method == "OPTIONS":
                self._respond(handler, HTTPStatus.NO_CONTENT, b"", "text/plain")
            elif purpose == links.SIGN:
                self._sign(handler, method, token, rest)
            else:
                self._upload(handler, method, token)
        except links.BadLink:
            self._respond(handler, HTTPStatus.FORBIDDEN, *self._bad_link(method, purpose))
        except UserError as problem:  # the order store down, no link secret: say so, never a traceback
            log.warning("document page unavailable: %s", problem)
            self._respond(handler, HTTPStatus.SERVICE_UNAVAILABLE, *self._unavailable(method, purpose))
        return True

    # ------------------------------------------------------------------ signing

    def _sign(self, handler: BaseHTTPRequestHandler, method: str, token: str, rest: str) -> None:
        desk = self.desk()
        request = desk.signature_request(desk.read_link(token, links.SIGN))
        if rest == "letter.pdf" and method in ("GET", "HEAD"):
            self._respond(handler, HTTPStatus.OK, desk.letter_pdf(request), "application/pdf", method == "GET")
            return
        if rest or method not in ("GET", "HEAD", "POST"):
            self._respond(handler, HTTPStatus.METHOD_NOT_ALLOWED, b"Method not allowed", "text/plain")
            return
        order = desk.store.get(request.order_id)
        if method != "POST":
            self._respond(handler, HTTPStatus.OK, sign_page(request, order, token), "text/html", method == "GET")
            return
        form = parse_qs(self._body(handler, MAX_FORM_BYTES).decode("utf-8", "replace"))
        client = sender_address(handler.client_address[0], handler.headers.get("X-Forwarded-For", ""))
        try:
            desk.sign(
                request,
                (form.get("name") or [""])[0],
                (form.get("consent") or [""])[0] == "yes",
                client,
                handler.headers.get("User-Agent", ""),
            )
        except SignatureRefused as problem:
            body = sign_page(request, order, token, str(problem))
            self._respond(handler, HTTPStatus.UNPROCESSABLE_ENTITY, body, "text/html")
            return
        signed = desk.signature_request(desk.read_link(token, links.SIGN))
        self._respond(handler, HTTPStatus.OK, sign_page(signed, desk.store.get(order.order_id), token), "text/html")

    # ------------------------------------------------------------------ uploads

    def _upload(self, handler: BaseHTTPRequestHandler, method: str, token: str) -> None:
        desk = self.desk()
        claims = desk.read_link(token, links.UPLOAD)
        if method in ("GET", "HEAD"):
            self._respond(handler, HTTPStatus.OK, UPLOAD_PAGE, "text/html", method == "GET")
            return
        if method != "POST":
            self._respond(handler, HTTPStatus.METHOD_NOT_ALLOWED, b"Method not allowed", "text/plain")
            return
        size = self._length(handler)
        if size > MAX_UPLOAD_BYTES:  # refused before a byte of it is read or kept
            handler.close_connection = True
            self._json(handler, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": str(too_large(size))})
            return
        data = self._body(handler, MAX_UPLOAD_BYTES)
        try:
            document, checked = desk.take_upload(claims.order_id, data, "customer upload", settings.today())
        except RefusedUpload as problem:
            self._json(handler, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": str(problem)})
            return
        self._json(
            handler,
            HTTPStatus.OK,
            {"message": checked.message(), "document_id": document.document_id, "too_old": checked.too_old},
        )

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _length(handler: BaseHTTPRequestHandler) -> int:
        try:
            return max(0, int(handler.headers.get("Content-Length", "0")))
        except ValueError:
            return 0

    def _body(self, handler: BaseHTTPRequestHandler, limit: int) -> bytes:
        return handler.rfile.read(min(self._length(handler), limit))

    def _bad_link(self, method: str, purpose: str) -> tuple[bytes, str]:
        if purpose == links.UPLOAD and method == "POST":
            return json.dumps({"error": str(links.BadLink())}).encode(), "application/json"
        return BAD_LINK_PAGE, "text/html"

    def _unavailable(self, method: str, purpose: str) -> tuple[bytes, str]:
        if purpose == links.UPLOAD and method == "POST":
            return json.dumps({"error": UNAVAILABLE}).encode(), "application/json"
        return UNAVAILABLE_PAGE, "text/html"

    def _json(self, handler: BaseHTTPRequestHandler, status: HTTPStatus, body: dict) -> None:
        self._respond(handler, status, json.dumps(body).encode(), "application/json")

    def _respond(
        self, handler: BaseHTTPRequestHandler, status: HTTPStatus, body: bytes, content_type: str, include_body=True
    ) -> None:
        handler.send_response(status)
        handler.send_header(
            "Content-Type", f"{content_type}; charset=utf-8" if content_type.startswith("text") else content_type
        )
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Cache-Control", "no-store")  # a letter or a bill is never cached
        handler.send_header("Referrer-Policy", "no-referrer")  # the token is in the address
        handler.send_header("X-Content-Type-Options", "nosniff")
        frames = " ".join(("'self'", *self.allowed_origins))
        handler.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
            f"form-action 'self'; frame-ancestors {frames}; base-uri 'none'",
        )
        origin = handler.headers.get("Origin")
        if origin and origin in self.allowed_origins:  # the widget on the company's site uploads from there
            handler.send_header("Access-Control-Allow-Origin", origin)
            handler.send_header("Access-Control-Allow-Methods", "POST")
            handler.send_header("Access-Control-Allow-Headers", "Content-Type")
            handler.send_header("Vary", "Origin")
        handler.end_headers()
        if include_body:
            handler.wfile.write(body)

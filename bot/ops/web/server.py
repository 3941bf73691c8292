"""Server for the chat widget, its demo page and the document pages the chat links to.

`python -m bot.ops.web.server --port 8080 --rasa-url http://localhost:5005`

Serves only the widget's own files from this folder. The one thing it rewrites is the demo
page's `{{RASA_URL}}` placeholder, so the page talks to whichever Rasa server was named. The
document pages (signing an LOA, uploading a bill: documents.py) are there when the server is
given a document desk, as `python -m bot run` does; standalone they are served when
DOCUMENT_LINK_SECRET is set (the order store and the document storage then come from the
environment, as in docker-compose.yml).
"""

from __future__ import annotations

import argparse
import html
import logging
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot import settings
from bot.core.errors import UserError
from bot.core.orders.documents import DocumentDesk
from bot.ops.web.documents import DocumentPages

WEB_DIR = Path(__file__).resolve().parent
DEMO_PAGE = "index.html"
RASA_URL_PLACEHOLDER = "{{RASA_URL}}"

# Only these suffixes are ever served: server.py and other Python files stay private.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

log = logging.getLogger(__name__)


def check_rasa_url(rasa_url: str) -> str:
    """The Rasa base URL without a trailing slash; rejects anything that is not http(s)."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"--rasa-url must be an http(s) address such as http://localhost:5005, got {rasa_url!r}")
    return rasa_url.rstrip("/")


def resolve_file(request_path: str) -> Path | None:
    """The file a request path names, or None when it is not one of ours.

    Only plain names directly inside WEB_DIR are served, which rules out directory
    listings and `..` tricks (also when percent-encoded) by construction.
    """
    path = unquote(urlsplit(request_path).path)
    name = DEMO_PAGE if path == "/" else path[1:]
    if not path.startswith("/") or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    candidate = WEB_DIR / name
    if candidate.suffix not in CONTENT_TYPES or not candidate.is_file():
        return None
    return candidate


class WidgetServer(ThreadingHTTPServer):
    """HTTP server that knows the Rasa URL the demo page should point at."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], rasa_url: str, documents: DocumentPages | None = None) -> None:
        self.rasa_url = check_rasa_url(rasa_url)
        self.documents = documents
        super().__init__(address, WidgetRequestHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def shutdown(self) -> None:
        """Stop serving and release the port (the stdlib version keeps the socket open)."""
        super().shutdown()
        self.server_close()


class WidgetRequestHandler(BaseHTTPRequestHandler):
    server: WidgetServer
    server_version = "PortingChatStatic"

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def do_GET(self) -> None:
        if not self._document_page("GET"):
            self._respond(include_body=True)

    def do_HEAD(self) -> None:
        if not self._document_page("HEAD"):
            self._respond(include_body=False)

    def do_POST(self) -> None:
        if not self._document_page("POST"):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")

    def do_OPTIONS(self) -> None:
        if not self._document_page("OPTIONS"):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")

    def _document_page(self, method: str) -> bool:
        return self.server.documents is not None and self.server.documents.handle(self, method)

    def _respond(self, include_body: bool) -> None:
        file = resolve_file(self.path)
        if file is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        body = file.read_bytes()
        if file.name == DEMO_PAGE:
            rasa_url = html.escape(self.server.rasa_url, quote=True)
            body = body.replace(RASA_URL_PLACEHOLDER.encode(), rasa_url.encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[file.suffix])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        # The files change with every deploy and are tiny: always revalidate.
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def serve(port: int, rasa_url: str, host: str = "127.0.0.1", documents: DocumentPages | None = None) -> WidgetServer:
    """Start serving in a background thread; port 0 picks a free port (see `.url`).

    Call `shutdown()` on the returned server to stop it.
    """
    try:
        server = WidgetServer((host, port), rasa_url, documents)
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    threading.Thread(target=server.serve_forever, name="widget-server", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.ops.web.server", description="Serve the chat widget and its demo page."
    )
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--rasa-url",
        default="http://localhost:5005",
        help="Rasa server the demo page's widget talks to (default http://localhost:5005)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    documents = None
    if settings.get(settings.DOCUMENT_LINK_SECRET):
        documents = DocumentPages(DocumentDesk.from_settings, tuple(settings.cors_origins()))
    try:
        server = serve(args.port, args.rasa_url, args.host, documents)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Demo page on {server.url}/ (widget talks to {server.rasa_url}); Ctrl+C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The round-robin proxy of the cluster and of docker-compose.yml (bot/ops/cluster.py), in front of
small real HTTP servers that echo what they received."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
import requests

from bot.core.errors import UserError
from bot.ops.cluster import RoundRobinProxy
from bot.ops.processes import free_port


class Echo(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        reply = json.dumps(
            {
                "server": self.server.name,
                "method": self.command,
                "path": self.path,
                "body": body.decode(),
                "x_test": self.headers.get("X-Test"),
            }
        ).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Served-By", self.server.name)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def echo_servers():
    servers = []
    for name in ("a", "b"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        server.name = name
        Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy_to():
    started = []

    def start(backends: list[str]) -> RoundRobinProxy:
        started.append(RoundRobinProxy("test", free_port(), backends).start())
        return started[-1]

    yield start
    for proxy in started:
        proxy.stop()


def test_requests_go_to_each_server_in_turn_unchanged(echo_servers, proxy_to):
    proxy = proxy_to(echo_servers)
    answers = [
        requests.post(
            f"{proxy.url}/webhooks/rest/webhook?token=t%2B1",
            data="héllo".encode(),
            headers={"X-Test": str(turn)},
            timeout=10,
        )
        for turn in range(4)
    ]
    assert [answer.json()["server"] for answer in answers] == ["a", "b", "a", "b"]
    for turn, answer in enumerate(answers):
        assert answer.status_code == 201 and answer.headers["X-Served-By"] == answer.json()["server"]
        assert answer.json() | {"server": None} == {
            "server": None,
            "method": "POST",
            "body": "héllo",
            "path": "/webhooks/rest/webhook?token=t%2B1",
            "x_test": str(turn),
        }
    assert requests.put(f"{proxy.url}/x", timeout=10).json()["method"] == "PUT"


def test_a_server_that_is_down_is_skipped(echo_servers, proxy_to):
    down = f"http://127.0.0.1:{free_port()}"
    proxy = proxy_to([down, echo_servers[0]])
    assert [requests.get(f"{proxy.url}/", timeout=10).json()["server"] for _ in range(3)] == ["a"] * 3


def test_no_server_answering_gives_502_with_a_json_error(proxy_to):
    proxy = proxy_to([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"])
    answer = requests.get(f"{proxy.url}/status", timeout=10)
    assert answer.status_code == 502
    assert answer.json() == {"error": "bad_gateway", "message": "none of the 2 test servers answered"}


@pytest.mark.parametrize("backends", [[], ["ftp://127.0.0.1:21"], ["localhost:5005"]])
def test_server_addresses_must_be_http_urls(backends):
    with pytest.raises(UserError, match="needs http:// server addresses"):
        RoundRobinProxy("test", free_port(), backends)


def test_a_port_in_use_is_a_clear_error(echo_servers):
    port = int(echo_servers[0].rsplit(":", 1)[1])
    with pytest.raises(UserError, match=f"cannot listen on port {port}"):
        RoundRobinProxy("test", port, echo_servers).start()

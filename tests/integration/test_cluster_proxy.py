"""HAProxy as the cluster runs it (LocalHAProxy, bot/ops/services.py), in front of small real HTTP
servers that echo what they received, and the config docker-compose.yml mounts (deploy/haproxy.cfg)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
import requests
import yaml

from bot.core.errors import UserError
from bot.ops.processes import free_port, port_in_use
from bot.ops.services import HAPROXY_CONFIG, LocalHAProxy, ProxyGroup
from bot.settings import PROJECT_ROOT
from tests.conftest import require_program


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
                "x_forwarded_for": self.headers.get("X-Forwarded-For"),
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


class EchoServer(ThreadingHTTPServer):
    def handle_error(self, *args) -> None:
        pass  # HAProxy's health checks hang up once they have the status line


@pytest.fixture
def echo_servers():
    servers = []
    for name in ("a", "b"):
        server = EchoServer(("127.0.0.1", 0), Echo)
        server.name = name
        Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def ports(servers: list[EchoServer]) -> list[int]:
    return [server.server_address[1] for server in servers]


@pytest.fixture
def haproxy_to(tmp_path):
    """Starts LocalHAProxy with one group in front of the given ports; returns the group's URL."""
    require_program("haproxy", "haproxy")
    started = []

    def start(servers: list[int]) -> str:
        group = ProxyGroup("test", free_port(), servers)
        started.append(LocalHAProxy(tmp_path / f"haproxy-{len(started)}", [group]).start())
        return f"http://127.0.0.1:{group.port}"

    yield start
    for haproxy in started:
        haproxy.stop()


def test_requests_go_to_each_server_in_turn_unchanged(echo_servers, haproxy_to):
    url = haproxy_to(ports(echo_servers))
    answers = [
        requests.post(
            f"{url}/webhooks/rest/webhook?token=t%2B1",
            json={"message": "héllo"},
            headers={"X-Test": str(turn)},
            timeout=10,
        )
        for turn in range(4)
    ]
    served = [answer.json()["server"] for answer in answers]
    assert sorted(served[:2]) == ["a", "b"] and served == served[:2] * 2
    for turn, answer in enumerate(answers):
        assert answer.status_code == 201 and answer.headers["X-Served-By"] == answer.json()["server"]
        assert answer.json() | {"server": None} == {
            "server": None,
            "method": "POST",
            "body": json.dumps({"message": "héllo"}),
            "path": "/webhooks/rest/webhook?token=t%2B1",
            "x_test": str(turn),
            "x_forwarded_for": "127.0.0.1",
        }
    assert requests.put(f"{url}/x", timeout=10).json()["method"] == "PUT"


def test_a_server_that_stops_is_skipped(echo_servers, haproxy_to):
    url = haproxy_to(ports(echo_servers))
    assert {requests.get(url, timeout=10).json()["server"] for _ in range(2)} == {"a", "b"}
    echo_servers[1].shutdown()
    echo_servers[1].server_close()
    answers = [requests.get(url, timeout=10) for _ in range(6)]
    assert [(answer.status_code, answer.json()["server"]) for answer in answers] == [(201, "a")] * 6


def test_with_every_server_down_the_client_gets_a_json_503_at_once(haproxy_to):
    url = haproxy_to([free_port(), free_port()])
    started = time.monotonic()
    answer = requests.get(f"{url}/status", timeout=10)
    assert time.monotonic() - started < 3
    assert answer.status_code == 503 and answer.headers["Content-Type"] == "application/json"
    assert answer.json() == {"error": "service_unavailable", "message": "no server is available to answer"}


def test_haproxy_listens_on_loopback_only_and_stops_cleanly(echo_servers, tmp_path):
    require_program("haproxy", "haproxy")
    group = ProxyGroup("test", free_port(), ports(echo_servers))
    haproxy = LocalHAProxy(tmp_path, [group]).start()
    pid = haproxy.process.pid
    assert haproxy.config.stat().st_mode & 0o777 == 0o600
    binds = [line.split()[1] for line in haproxy.config.read_text().splitlines() if line.strip().startswith("bind")]
    assert binds == [f"127.0.0.1:{group.port}"]  # not the compose file's frontends, open to every interface
    assert requests.get(f"http://127.0.0.1:{group.port}/", timeout=10).status_code == 201

    haproxy.stop()

    assert haproxy.process is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not port_in_use(group.port)


def test_a_port_in_use_is_a_clear_error_and_leaves_nothing_running(echo_servers, tmp_path):
    require_program("haproxy", "haproxy")
    taken = ports(echo_servers)[0]
    haproxy = LocalHAProxy(tmp_path, [ProxyGroup("test", taken, ports(echo_servers))])
    with pytest.raises(UserError, match=f"haproxy cannot listen on port {taken}: already in use"):
        haproxy.start()
    assert haproxy.process is None


def test_a_missing_haproxy_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(UserError, match=r"haproxy is not installed \(apt-get install haproxy\)"):
        LocalHAProxy(tmp_path, [ProxyGroup("test", free_port(), [free_port()])]).start()


def test_the_compose_config_is_valid():
    """Its server names only resolve inside Docker's network: HAProxy must start without them."""
    haproxy = require_program("haproxy", "haproxy")
    check = subprocess.run([haproxy, "-c", "-f", str(HAPROXY_CONFIG)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


def test_compose_balances_with_haproxy_and_the_checked_in_config():
    services = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]
    config = HAPROXY_CONFIG.read_text()
    for name, port in (("rasa", 5005), ("actions", 5055)):
        assert services[name]["image"].startswith("haproxy:2.")
        assert services[name]["volumes"] == ["./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"]
        assert f"frontend {name}\n    bind :{port}\n" in config

"""The production profile on one machine: `python -m bot run-cluster` (what `make run-cluster` calls).

Several Rasa replicas share a PostgreSQL tracker store and a Redis lock store (endpoints.prod.yml),
several action servers share the port order store on PostgreSQL, and a round-robin proxy gives
each group one address, as a load balancer would in production. PostgreSQL and Redis are
throwaway servers (bot/ops/services.py) whose data is deleted when the cluster stops.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.core.errors import UserError
from bot.ops.launcher import server_options
from bot.ops.processes import free_port
from bot.ops.services import LocalPostgres, LocalRedis
from bot.ops.stack import ServerSettings, Stack, supervise
from bot.ops.web.server import serve
from bot.settings import PROJECT_ROOT

PROD_ENDPOINTS = PROJECT_ROOT / "endpoints.prod.yml"
ORDERS_DB, TRACKER_DB = "orders", "tracker"
# Headers about one hop of the connection, not the message: never forwarded (RFC 9110, 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
PROXY_TIMEOUT = aiohttp.ClientTimeout(total=300)  # a reply on a busy 2-core machine can take long


class RoundRobinProxy:
    """One local port in front of several HTTP servers, each request to the next server in turn.

    A server that refuses the connection is skipped (the request never reached it, so trying the
    next one is safe); when none answers the client gets 502 with a JSON error. The proxy runs its
    own event loop in a background thread.
    """

    def __init__(self, name: str, port: int, backends: list[str], host: str = "127.0.0.1"):
        bad = [url for url in backends if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc]
        if bad or not backends:
            raise UserError(f"the {name} proxy needs http:// server addresses, got {', '.join(bad) or 'none'}")
        self.name, self.port, self.host = name, port, host
        self.backends = [url.rstrip("/") for url in backends]
        self._turn = itertools.cycle(range(len(backends)))
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"{name}-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> RoundRobinProxy:
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=30)
        except OSError as error:
            self.stop()
            raise UserError(
                f"the {self.name} proxy cannot listen on port {self.port}: {error.strerror or error}"
            ) from error
        return self

    async def _serve(self) -> None:
        # auto_decompress off: bodies pass through byte for byte, with their Content-Encoding.
        # force_close: a fresh connection per request. A pooled one may have just been closed by
        # the server's keep-alive timeout (Sanic's: 5 s), and the request then fails with a reset.
        self._session = aiohttp.ClientSession(
            timeout=PROXY_TIMEOUT, auto_decompress=False, connector=aiohttp.TCPConnector(force_close=True, limit=0)
        )
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {key: value for key, value in request.headers.items() if key.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = request.remote or ""
        first = next(self._turn)
        for backend in self.backends[first:] + self.backends[:first]:
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, headers=headers, data=body, allow_redirects=False
                ) as upstream:
                    payload = await upstream.read()
                    reply_headers = {
                        key: value for key, value in upstream.headers.items() if key.lower() not in HOP_BY_HOP
                    }
                    return web.Response(status=upstream.status, headers=reply_headers, body=payload)
            except aiohttp.ClientConnectorError:
                continue  # not running (restarting, crashed): the next one may answer
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                return _bad_gateway(f"{backend} failed while answering: {error or type(error).__name__}")
        return _bad_gateway(f"none of the {len(self.backends)} {self.name} servers answered")

    def stop(self) -> None:
        if self._loop.is_closed():
            return
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    async def _close(self) -> None:
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()


def _bad_gateway(message: str) -> web.Response:
    return web.Response(
        status=502, content_type="application/json", text=json.dumps({"error": "bad_gateway", "message": message})
    )


class Cluster(Stack):
    """The Stack in its production shape: `replicas` Rasa servers behind a proxy on
    settings.rasa_port, `action_servers` action servers behind one on settings.action_port,
    PostgreSQL (port orders and trackers) and Redis (conversation locks)."""

    def __init__(self, settings: ServerSettings, replicas: int = 2, action_servers: int = 2):
        if replicas < 1 or action_servers < 1:
            raise UserError("a cluster needs at least one Rasa replica and one action server")
        # a copy: the service variables added on start stay out of the caller's settings
        super().__init__(replace(settings, endpoints=PROD_ENDPOINTS, extra_env=dict(settings.extra_env)))
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.action_ports = [free_port() for _ in range(action_servers)]
        self.data_dir: Path | None = None
        self.postgres: LocalPostgres | None = None
        self.redis: LocalRedis | None = None
        self.proxies: list[RoundRobinProxy] = []

    @property
    def replica_names(self) -> list[str]:
        return [f"rasa-{number}" for number in range(1, len(self.replica_ports) + 1)]

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://localhost:{port}" for port in self.replica_ports]

    def start(self, timeout: float = 300) -> Cluster:
        settings = self.settings
        try:
            self.data_dir = Path(tempfile.mkdtemp(prefix="porting-cluster-"))
            self.data_dir.chmod(0o711)  # PostgreSQL's own OS user must reach its folder inside
            # only the order store's database: Rasa creates its own, as in production
            self.postgres = LocalPostgres(self.data_dir / "postgres", databases=(ORDERS_DB,)).start()
            self.redis = LocalRedis(self.data_dir / "redis").start()
            settings.extra_env.update(self.service_environment())
            self._prepare(
                {
                    "Rasa proxy": settings.rasa_port,
                    "action server proxy": settings.action_port,
                    "chat widget": settings.web_port,
                }
            )  # also seeds the demo orders into PostgreSQL
            self.write_credentials()
            names = []
            for number, port in enumerate(self.action_ports, start=1):
                names.append(f"actions-{number}")
                self._spawn_actions(names[-1], port)
            for name, port in zip(self.replica_names, self.replica_ports):
                names.append(name)
                self._spawn_rasa(name, port)
            self.proxies = [
                RoundRobinProxy(
                    "action", settings.action_port, [f"http://127.0.0.1:{port}" for port in self.action_ports]
                ).start(),
                RoundRobinProxy(
                    "Rasa", settings.rasa_port, [f"http://127.0.0.1:{port}" for port in self.replica_ports]
                ).start(),
            ]
            self._wait_or_stop(names, time.monotonic() + timeout)
            self.web = serve(settings.web_port, settings.rasa_url)
        except BaseException:
            self.stop()
            raise
        return self

    def service_environment(self) -> dict[str, str]:
        """The variables endpoints.prod.yml and the order store read, pointing at this cluster's servers."""
        postgres, redis = self.postgres, self.redis
        return {
            "DATABASE_URL": postgres.url(ORDERS_DB),
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(postgres.port),
            "TRACKER_DB_NAME": TRACKER_DB,
            "TRACKER_DB_USER": postgres.user,
            "TRACKER_DB_PASSWORD": postgres.password,
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis.port),
            "REDIS_PASSWORD": redis.password,
        }

    def stop(self) -> None:
        super().stop()  # the widget and the servers first: they hold connections to the databases
        for proxy in self.proxies:
            proxy.stop()
        self.proxies = []
        for service in (self.redis, self.postgres):
            if service:
                service.stop()
        self.redis = self.postgres = None
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None


def _run_cluster_command(args: argparse.Namespace) -> int:
    settings = ServerSettings(
        rasa_port=args.rasa_port,
        action_port=args.action_port,
        web_port=args.web_port,
        var_dir=args.var_dir,
        env_file=args.env_file,
    )
    cluster = Cluster(settings, replicas=args.replicas, action_servers=args.action_servers)
    print(
        f"Starting PostgreSQL, Redis, {args.action_servers} action servers, {args.replicas} Rasa replicas "
        f"and the chat widget (a minute or two)...",
        flush=True,
    )
    replicas = "\n".join(
        f"  Replica        {url}/  ({name})" for name, url in zip(cluster.replica_names, cluster.replica_urls)
    )
    return supervise(
        cluster,
        f"""
{replicas}
  Action proxy   {settings.action_port} -> {", ".join(str(port) for port in cluster.action_ports)}
  PostgreSQL     127.0.0.1, databases {ORDERS_DB} and {TRACKER_DB} (deleted on exit)
  Redis          127.0.0.1 (lock store)""",
    )


def _proxy_command(args: argparse.Namespace) -> int:
    proxy = RoundRobinProxy("upstream", args.port, args.backends, host=args.host).start()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # docker stop sends SIGTERM
    print(f"Proxy on {args.host}:{args.port} -> {', '.join(proxy.backends)}; Ctrl-C stops.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        return 0
    finally:
        proxy.stop()


def register(subparsers) -> None:
    run = subparsers.add_parser(
        "run-cluster",
        parents=[server_options(var_dir=PROJECT_ROOT / "var" / "cluster")],
        help="start the production profile locally: PostgreSQL, Redis, replicas behind a proxy "
        "(--rasa-port and --action-port are the proxies' ports)",
    )
    run.add_argument("--replicas", type=int, default=2, help="Rasa servers (about 1 GB of memory each)")
    run.add_argument("--action-servers", type=int, default=2)
    run.set_defaults(func=_run_cluster_command)

    proxy = subparsers.add_parser(
        "proxy", help="round-robin HTTP proxy in front of several servers (the load balancer of docker-compose.yml)"
    )
    proxy.add_argument("backends", nargs="+", metavar="URL", help="e.g. http://rasa-1:5005")
    proxy.add_argument("--port", type=int, required=True)
    proxy.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0 in a container)")
    proxy.set_defaults(func=_proxy_command)

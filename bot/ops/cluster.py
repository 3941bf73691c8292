"""The production profile on one machine: `python -m bot run-cluster` (what `make run-cluster` calls).

Several Rasa replicas share a PostgreSQL tracker store and a Redis lock store (endpoints.prod.yml),
several action servers share the port order store on PostgreSQL, and HAProxy gives each group one
address, as in docker-compose.yml. PostgreSQL, Redis and HAProxy are throwaway servers
(bot/ops/services.py); the databases' data is deleted when the cluster stops.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.core.errors import UserError
from bot.ops.launcher import server_options
from bot.ops.processes import free_port, wait_for_http
from bot.ops.services import LocalHAProxy, LocalPostgres, LocalRedis, ProxyGroup
from bot.ops.stack import ServerSettings, Stack, supervise
from bot.settings import PROJECT_ROOT

PROD_ENDPOINTS = PROJECT_ROOT / "endpoints.prod.yml"
ORDERS_DB, TRACKER_DB = "orders", "tracker"


class Cluster(Stack):
    """The Stack in its production shape: `replicas` Rasa servers behind HAProxy on
    settings.rasa_port, `action_servers` action servers behind it on settings.action_port,
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
        self.haproxy: LocalHAProxy | None = None

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
            self.haproxy = LocalHAProxy(
                settings.log_dir,  # its log beside the servers', where supervise points when it stops
                [
                    ProxyGroup("actions", settings.action_port, self.action_ports, health_path="/health"),
                    ProxyGroup("rasa", settings.rasa_port, self.replica_ports),
                ],
            ).start()
            deadline = time.monotonic() + timeout
            self._wait_or_stop(names, deadline)
            self._wait_for_haproxy(deadline)
            self.web = self.serve_web()
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

    def _wait_for_haproxy(self, deadline: float) -> None:
        """HAProxy sends requests to a server again only once it passed two health checks, a few
        seconds after it answers: until then, with no other server up, it answers 503."""
        for url in (f"{self.settings.rasa_url}/", f"http://localhost:{self.settings.action_port}/health"):
            wait_for_http(url, deadline, self.haproxy.process, self.haproxy.log)

    def restart(self, name: str, timeout: float = 180) -> None:
        """Stack.restart, then waits until HAProxy passes requests again."""
        deadline = time.monotonic() + timeout
        super().restart(name, timeout)
        self._wait_for_haproxy(deadline)

    def exited(self) -> str | None:
        if self.haproxy and self.haproxy.process.poll() is not None:
            return self.haproxy.name
        return super().exited()

    def stop(self) -> None:
        super().stop()  # the widget and the servers first: they hold connections to the databases
        for service in (self.haproxy, self.redis, self.postgres):
            if service:
                service.stop()
        self.haproxy = self.redis = self.postgres = None
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None


def _run_cluster_command(args: argparse.Namespace) -> int:
    settings = ServerSettings.from_options(args)
    cluster = Cluster(settings, replicas=args.replicas, action_servers=args.action_servers)
    print(
        f"Starting PostgreSQL, Redis, {args.action_servers} action servers, {args.replicas} Rasa replicas "
        f"and the chat widget (a minute or two)...",
        flush=True,
    )
    replicas = "\n".join(
        f"  Replica        {url}/  ({name})" for name, url in zip(cluster.replica_names, cluster.replica_urls)
    )
    action_ports = ", ".join(str(port) for port in cluster.action_ports)
    return supervise(
        cluster,
        f"""
{replicas}
  HAProxy        port {settings.rasa_port} -> the replicas, port {settings.action_port} -> action servers {action_ports}
  PostgreSQL     127.0.0.1, databases {ORDERS_DB} and {TRACKER_DB} (deleted on exit)
  Redis          127.0.0.1 (lock store)""",
    )


def register(subparsers) -> None:
    run = subparsers.add_parser(
        "run-cluster",
        parents=[server_options(var_dir=PROJECT_ROOT / "var" / "cluster")],
        help="start the production profile locally: PostgreSQL, Redis, replicas behind HAProxy "
        "(--rasa-port and --action-port are HAProxy's ports)",
    )
    run.add_argument("--replicas", type=int, default=2, help="Rasa servers (about 1 GB of memory each)")
    run.add_argument("--action-servers", type=int, default=2)
    run.set_defaults(func=_run_cluster_command)

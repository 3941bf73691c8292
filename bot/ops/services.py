"""Throwaway PostgreSQL, Redis and HAProxy servers for the local cluster and the tests.

They run from Debian's own binaries (`apt-get install postgresql redis-server haproxy`), listen on
127.0.0.1 only (PostgreSQL and Redis on a free port), and keep their files in a folder the caller
gives, so several can run side by side. Run as root, PostgreSQL runs as the `postgres` user; when
that user cannot reach the given folder (pytest's are private to root), its data goes to a
temporary folder of its own, deleted on stop. Each server dies with the process that started it
(PDEATHSIG), like the launcher's servers.

    with LocalPostgres(folder / "pg", databases=("orders", "tracker")) as pg, \\
         LocalRedis(folder / "redis") as redis, \\
         LocalHAProxy(folder / "haproxy", [ProxyGroup("rasa", 5005, [5006, 5007])]):
        pg.url("orders")   # postgresql://porting:...@127.0.0.1:PORT/orders
        redis.url          # redis://:...@127.0.0.1:PORT/0
                           # http://127.0.0.1:5005 -> 5006, 5007 in turn
"""

from __future__ import annotations

import glob
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import redis
from psycopg2 import sql

from bot.core.errors import UserError
from bot.ops.processes import die_with_parent, free_port, port_in_use, wait_or_kill, wait_until_ready
from bot.settings import PROJECT_ROOT

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# initdb and postgres refuse to run as root: as root, they run as Debian's `postgres` user
POSTGRES_OS_USER = "postgres"
# docker-compose.yml's load balancer; LocalHAProxy runs its global and defaults sections
HAPROXY_CONFIG = PROJECT_ROOT / "deploy" / "haproxy.cfg"


def postgres_program(name: str) -> str:
    """The newest Debian PostgreSQL's `name` (initdb, postgres), else one on PATH."""
    versions = sorted(
        glob.glob(POSTGRES_BIN_GLOB),
        key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0,
    )
    for folder in reversed(versions):
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise UserError(
            f"PostgreSQL's {name} was not found in {POSTGRES_BIN_GLOB} or on PATH: apt-get install postgresql"
        )
    return found


def _reachable_by(user: pwd.struct_passwd, path: Path) -> bool:
    """Whether `user` may enter every folder above `path` (pytest's temp folders are root-only)."""
    groups = {user.pw_gid} | {group.gr_gid for group in grp.getgrall() if user.pw_name in group.gr_mem}
    for folder in path.resolve().parents:
        mode = folder.stat()
        if mode.st_uid == user.pw_uid:
            allowed = mode.st_mode & stat.S_IXUSR
        elif mode.st_gid in groups:
            allowed = mode.st_mode & stat.S_IXGRP
        else:
            allowed = mode.st_mode & stat.S_IXOTH
        if not allowed:
            return False
    return True


class _Server:
    """A server process started in its own session, stopped with `stop_signal` then waited for."""

    name = "server"
    stop_signal = signal.SIGTERM

    def __init__(self, folder: Path, ports: list[int] | None = None):
        self.folder = Path(folder)
        self.ports = ports or [free_port()]  # where it listens: the ports given, else a free one
        self.process: subprocess.Popen | None = None

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def _spawn(self, command: list[str], **options) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
                **options,
            )

    def _wait_until(self, ready: Callable[[], object], timeout: float) -> None:
        wait_until_ready(
            ready,
            time.monotonic() + timeout,
            self.process,
            self.log,
            self.name,
            f"accept connections on port {', '.join(str(port) for port in self.ports)}",
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
        wait_or_kill(self.process, timeout=30)
        self.process = None

    def start(self, timeout: float = 60):
        """Starts the server and returns once it accepts connections; on failure nothing is left running."""
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class LocalPostgres(_Server):
    """A PostgreSQL cluster created in `folder` (initdb) with one role and the given databases."""

    name = "postgres"
    stop_signal = signal.SIGINT  # "fast" shutdown: roll back open transactions, then exit

    def __init__(
        self,
        folder: Path,
        databases: tuple[str, ...] = ("porting",),
        user: str = "porting",
        password: str | None = None,
    ):
        super().__init__(folder)
        self.databases = databases
        self.user = user
        self.password = password or secrets.token_urlsafe(16)
        self._os_user: pwd.struct_passwd | None = None
        self._own_home: Path | None = None  # made here when `folder` is out of the OS user's reach

    @property
    def home(self) -> Path:
        """The folder the server's OS user owns: the data directory and initdb's password file."""
        return self._own_home or self.folder

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    def url(self, database: str | None = None) -> str:
        """SQLAlchemy URL of one database (the first one by default)."""
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database or self.databases[0]}"

    def _start(self, timeout: float) -> None:
        initdb, postgres = postgres_program("initdb"), postgres_program("postgres")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._os_user = self._server_user()
        if not self.data_dir.exists():
            self._initdb(initdb)
        self._spawn(
            [
                postgres,
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.data_dir}",
                "-c",
                "fsync=off",  # throwaway data: durability is not worth the disk time here
                "-c",
                "max_connections=200",
            ],
            **self._as_user(),
        )
        self._wait_until(lambda: self._connect("postgres").close(), timeout)
        self._create_databases()

    def _server_user(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            user = pwd.getpwnam(POSTGRES_OS_USER)
        except KeyError:
            raise UserError(
                f"running as root, PostgreSQL needs the `{POSTGRES_OS_USER}` user: apt-get install postgresql"
            ) from None
        if not _reachable_by(user, self.folder):
            # e.g. pytest's root-only temp folders: the data goes to a private folder in the system temp dir
            self._own_home = Path(tempfile.mkdtemp(prefix="porting-postgres-"))
        os.chown(self.home, user.pw_uid, user.pw_gid)
        return user

    def _as_user(self) -> dict:
        if self._os_user is None:
            return {}
        return {"user": self._os_user.pw_uid, "group": self._os_user.pw_gid, "extra_groups": []}

    def _initdb(self, initdb: str) -> None:
        password_file = self.home / "initdb-password"
        password_file.touch(mode=0o600)  # readable by its owner only, from the first byte
        password_file.write_text(self.password)
        if self._os_user:
            os.chown(password_file, self._os_user.pw_uid, self._os_user.pw_gid)
        try:
            result = subprocess.run(
                [
                    initdb,
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    f"--pwfile={password_file}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                capture_output=True,
                text=True,
                timeout=120,
                **self._as_user(),
            )
        finally:
            password_file.unlink()
        if result.returncode != 0:
            raise UserError(f"initdb failed in {self.data_dir}:\n{result.stderr.strip()[-1500:]}")

    def _connect(self, database: str):
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname=database, connect_timeout=3
        )

    def _create_databases(self) -> None:
        connection = self._connect("postgres")
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT datname FROM pg_database")
                existing = {row[0] for row in cursor.fetchall()}
                for database in self.databases:
                    if database not in existing:
                        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        finally:
            connection.close()

    def stop(self) -> None:
        super().stop()
        if self._own_home:
            shutil.rmtree(self._own_home, ignore_errors=True)
            self._own_home = None


class LocalRedis(_Server):
    """A Redis server that keeps nothing on disk (no snapshots, no append-only file)."""

    name = "redis"

    def __init__(self, folder: Path, password: str | None = None):
        super().__init__(folder)
        self.password = password or secrets.token_urlsafe(16)

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def _start(self, timeout: float) -> None:
        program = shutil.which("redis-server")
        if not program:
            raise UserError("redis-server was not found on PATH: apt-get install redis-server")
        self.folder.mkdir(parents=True, exist_ok=True)
        # the password in a file only we read, not on the command line, where `ps` shows it
        config = self.folder / "redis.conf"
        config.touch(mode=0o600)
        config.chmod(0o600)
        config.write_text(f"requirepass {self.password}\n")
        self._spawn(
            [
                program,
                str(config),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ]
        )
        self._wait_until(self.client().ping, timeout)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_timeout=3)


@dataclass(frozen=True)
class ProxyGroup:
    """Servers HAProxy spreads requests over, in turn: `port` in front of `servers` (127.0.0.1
    ports), each checked with GET `health_path` so one that stops is skipped."""

    name: str
    port: int
    servers: list[int]
    health_path: str = "/"


def _global_and_defaults(config: str) -> str:
    """The global and defaults sections of an HAProxy config (a section runs from its unindented
    keyword line to the next one)."""
    kept, keep = [], False
    for line in config.splitlines():
        if line[:1].isalpha():
            keep = line.split()[0] in ("global", "defaults")
        if keep:
            kept.append(line)
    return "\n".join(kept) + "\n"


class LocalHAProxy(_Server):
    """HAProxy on 127.0.0.1 with one frontend and backend per group, with the settings of
    deploy/haproxy.cfg (round robin, health checks, a refused connection retried on another
    server, JSON errors), so the local cluster balances as docker-compose.yml does."""

    name = "haproxy"

    def __init__(self, folder: Path, groups: list[ProxyGroup]):
        super().__init__(folder, [group.port for group in groups])
        self.groups = groups

    @property
    def config(self) -> Path:
        return self.folder / "haproxy.cfg"

    def _start(self, timeout: float) -> None:
        # /usr/sbin, where Debian puts it, is not on a normal user's PATH
        program = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
        if not program:
            raise UserError("haproxy is not installed (apt-get install haproxy)")
        # checked first: the readiness probe would take another server on the port for HAProxy
        busy = [str(port) for port in self.ports if port_in_use(port)]
        if busy:
            raise UserError(f"haproxy cannot listen on port {', '.join(busy)}: already in use")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config.touch(mode=0o600)
        self.config.write_text(self._config_text())
        self._spawn([program, "-f", str(self.config), "-db"])  # -db: no daemon, it stays our child
        self._wait_until(self._accepting, timeout)

    def _config_text(self) -> str:
        sections = [_global_and_defaults(HAPROXY_CONFIG.read_text())]
        for group in self.groups:
            servers = "".join(
                f"    server {group.name}-{number} 127.0.0.1:{port}\n"
                for number, port in enumerate(group.servers, start=1)
            )
            sections.append(
                f"frontend {group.name}\n    bind 127.0.0.1:{group.port}\n    default_backend {group.name}\n\n"
                f"backend {group.name}\n    option httpchk GET {group.health_path}\n{servers}"
            )
        return "\n".join(sections)

    def _accepting(self) -> None:
        for port in self.ports:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()

"""The assistant's servers started together and stopped together: `Stack` and `supervise`.

The same `Stack` is used by `make run`, the end-to-end tests and the benchmark, so what is
tested is what a user runs. Secrets come from `.env`; on the first run it is written with
random values.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot import settings as project
from bot.core.documents.storage import storage_from_url
from bot.core.errors import UserError
from bot.core.orders.demo import seed_demo
from bot.core.orders.documents import DocumentDesk
from bot.core.orders.store import OrderStore
from bot.core.secrets import SecretBox
from bot.ops.env_file import SLACK_CHANNEL, ensure_env_file, write_credentials
from bot.ops.processes import die_with_parent, port_in_use, wait_for_http, wait_or_kill
from bot.ops.web.documents import DocumentPages
from bot.ops.web.server import WidgetServer, serve


def seed_demo_orders(database_url: str, pin_key: str) -> int:
    """Adds the demo orders (one rejected order per seed reason) unless they exist; returns how many."""
    store = OrderStore(database_url, SecretBox(pin_key))
    try:
        return len(seed_demo(store))
    finally:
        store.close()


@dataclass
class ServerSettings:
    """Ports and folders of one running assistant (`run`, `shell`, the cluster, tests, bench)."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    var_dir: Path = project.DEFAULT_VAR_DIR
    model: Path = project.DEFAULT_MODEL
    env_file: Path = project.DEFAULT_ENV_FILE
    endpoints: Path = project.ENDPOINTS  # endpoints.prod.yml in the cluster
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_options(cls, args: argparse.Namespace) -> ServerSettings:
        """The settings `launcher.server_options` read from a command line."""
        return cls(
            rasa_port=args.rasa_port,
            action_port=args.action_port,
            web_port=getattr(args, "web_port", cls.web_port),
            var_dir=args.var_dir,
            env_file=args.env_file,
        )

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}"

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """Only the demo page may call the Rasa server from a browser, unless CORS_ORIGINS says more."""
        return (self.web_url, f"http://127.0.0.1:{self.web_port}", *project.cors_origins())

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    @property
    def database_url(self) -> str:
        """The port order store: DATABASE_URL (PostgreSQL in production) or SQLite in var/."""
        return (
            self.extra_env.get(project.DATABASE_URL)
            or project.get(project.DATABASE_URL)
            or f"sqlite:///{self.var_dir / 'orders.db'}"
        )

    def _setting(self, name: str, default: str) -> str:
        return self.extra_env.get(name) or project.get(name) or default

    @property
    def documents_url(self) -> str:
        """Where LOAs and bills are kept: DOCUMENTS_URL (S3 in production) or a folder in var/."""
        return self._setting(project.DOCUMENTS_URL, str(self.var_dir / "documents"))

    @property
    def public_web_url(self) -> str:
        """The address the chat's document links start with: PUBLIC_WEB_URL, or this widget server."""
        return self._setting(project.PUBLIC_WEB_URL, self.web_url).rstrip("/")

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "credentials.yml"


class Stack:
    """The action server and the Rasa server, started in order and stopped together."""

    def __init__(self, server_settings: ServerSettings):
        self.settings = server_settings
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}  # how each server was started, for restart()
        self.health_urls: dict[str, str] = {}
        self.web: WidgetServer | None = None
        self.demo_orders = 0
        self.env_values: dict[str, str] = {}
        self.added_secrets: list[str] = []
        self.channels: dict = {}  # as enabled in the credentials file given to Rasa

    @property
    def api_token(self) -> str:
        return self.env_values["RASA_API_TOKEN"]

    def environment(self) -> dict[str, str]:
        settings = self.settings
        return {
            **project.environment(),
            **self.env_values,
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "ACTION_ENDPOINT_URL": f"http://localhost:{settings.action_port}/webhook",
            "TRACKER_DB": str(settings.tracker_db),
            project.DATABASE_URL: settings.database_url,
            project.DOCUMENTS_URL: settings.documents_url,
            project.PUBLIC_WEB_URL: settings.public_web_url,
            **settings.extra_env,
        }

    def _prepare(self, ports: dict[str, int]) -> None:
        settings = self.settings
        if not settings.model.exists():
            raise UserError(f"no trained model at {settings.model}: run `make train` first")
        for name, port in ports.items():
            if port_in_use(port):
                raise UserError(
                    f"port {port} for the {name} is already in use (another `make run`?). "
                    f"Stop that process, or choose other ports with --rasa-port/--action-port/--web-port."
                )
        self.env_values, self.added_secrets = ensure_env_file(settings.env_file)
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        self.demo_orders = seed_demo_orders(settings.database_url, self.env_values["PIN_ENCRYPTION_KEY"])

    def start_actions(self, timeout: float = 60) -> Stack:
        """Only the action server (for `rasa shell`, which runs the Rasa side in-process)."""
        self._prepare({"action server": self.settings.action_port})
        self._spawn_actions("actions", self.settings.action_port)
        self._wait_or_stop(["actions"], time.monotonic() + timeout)
        return self

    def _spawn_actions(self, name: str, port: int) -> None:
        self.health_urls[name] = f"http://127.0.0.1:{port}/health"
        self._spawn(name, [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)])

    def _spawn_rasa(self, name: str, port: int) -> None:
        settings = self.settings
        self.health_urls[name] = f"http://127.0.0.1:{port}/"
        self._spawn(
            name,
            [
                sys.executable,
                "-m",
                "bot.adapters.server",
                "run",
                "--model",
                str(settings.model),
                "--port",
                str(port),
                "--enable-api",  # with the token in RASA_API_TOKEN (environment()), not on the command line
                "--endpoints",
                str(settings.endpoints),
                "--credentials",
                str(settings.credentials_file),
                "--cors",
                *settings.cors_origins,
            ],
        )

    def start(self, timeout: float = 180) -> Stack:
        settings = self.settings
        self._prepare(
            {"Rasa server": settings.rasa_port, "action server": settings.action_port, "chat widget": settings.web_port}
        )
        self.write_credentials()
        self._spawn_actions("actions", settings.action_port)
        self._spawn_rasa("rasa", settings.rasa_port)
        self._wait_or_stop(["actions", "rasa"], time.monotonic() + timeout)
        self.web = self.serve_web()
        return self

    def serve_web(self) -> WidgetServer:
        """The widget and the document pages, which use the order store and the document storage."""
        settings, env = self.settings, self.env_values

        def desk() -> DocumentDesk:
            return DocumentDesk(
                OrderStore(settings.database_url, SecretBox(env[project.PIN_ENCRYPTION_KEY])),
                storage_from_url(settings.documents_url),
                env[project.DOCUMENT_LINK_SECRET],
                settings.public_web_url,
                self.environment().get(project.COMPANY_NAME) or project.DEFAULT_COMPANY_NAME,
            )

        return serve(settings.web_port, settings.rasa_url, documents=DocumentPages(desk, settings.cors_origins))

    def write_credentials(self) -> None:
        """Writes the channels to enable into var/credentials.yml; secrets stay in the environment."""
        self.channels = write_credentials(self.settings.credentials_file, self.environment())

    def _spawn(self, name: str, command: list[str]) -> None:
        # A session of its own: Ctrl-C reaches the launcher, which stops children in order.
        self.commands[name] = command
        with (self.settings.log_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=project.PROJECT_ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    def _wait_or_stop(self, names: list[str], deadline: float) -> None:
        try:
            for name in names:
                wait_for_http(
                    self.health_urls[name], deadline, self.processes[name], self.settings.log_dir / f"{name}.log"
                )
        except BaseException:
            self.stop()
            raise

    def exited(self) -> str | None:
        """Name of a server that stopped on its own, if any."""
        return next((name for name, p in self.processes.items() if p.poll() is not None), None)

    def stop(self) -> None:
        if self.web:
            self.web.shutdown()
            self.web = None
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            wait_or_kill(process)
        self.processes.clear()

    def __enter__(self) -> Stack:  # `with Stack(settings).start() as stack:`
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def restart(self, name: str, timeout: float = 180) -> None:
        """Stops one server (SIGTERM) and starts it again with the same command; returns once it
        answers. The others keep running, as when a supervisor replaces a crashed process."""
        process = self.processes[name]
        if process.poll() is None:
            process.terminate()
        wait_or_kill(process)
        self._spawn(name, self.commands[name])
        wait_for_http(
            self.health_urls[name],
            time.monotonic() + timeout,
            self.processes[name],
            self.settings.log_dir / f"{name}.log",
        )


def supervise(stack: Stack, servers: str) -> int:
    """Starts `stack`, prints its URLs (`servers`: lines of its own) and waits for Ctrl-C, SIGTERM
    or a server that stops on its own; every server is stopped on the way out."""
    settings = stack.settings
    started = time.monotonic()
    # Ctrl-C, and SIGTERM from a supervisor, stop every server, even while they start. SIGINT is
    # set explicitly because a shell that starts us in the background leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        stack.start()
        if stack.added_secrets:
            print(f"Wrote new random secrets to {settings.env_file}: {', '.join(stack.added_secrets)}")
        if stack.demo_orders:
            print(f"Added {stack.demo_orders} demo port orders (python -m bot orders list)")
        slack = (
            f"{settings.rasa_url}/webhooks/slack/webhook"
            if SLACK_CHANNEL in stack.channels
            else "off (set SLACK_TOKEN and SLACK_SIGNING_SECRET, see docs/slack.md)"
        )
        print(
            f"""
Porting assistant is up ({time.monotonic() - started:.0f} s):
  REST channel   {settings.rasa_url}/webhooks/rest/webhook
  HTTP API       {settings.rasa_url}/  (token: RASA_API_TOKEN in {settings.env_file.name}){servers}
  Chat widget    {settings.web_url}  (demo page; embed with one <script> tag, see README)
  Slack          {slack}
  Logs           {settings.log_dir}/
Press Ctrl-C to stop.""",
            flush=True,
        )
        while (name := stack.exited()) is None:
            time.sleep(0.5)
        print(f"The {name} server stopped unexpectedly; see {settings.log_dir}/{name}.log", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()

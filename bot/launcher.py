"""Starts the whole assistant on the embedded defaults: `python -m bot run` (what `make run` calls).

The same `Stack` is used by the end-to-end tests and the benchmark, so what is tested is
what a user runs. Secrets come from `.env`; on the first run it is written with random values.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml
from cryptography.fernet import Fernet

from bot.errors import UserError
from bot.orders.demo import seed_demo
from bot.orders.store import OrderStore
from bot.secrets import SecretBox
from bot.web.server import WidgetServer, serve

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
CREDENTIALS_TEMPLATE = PROJECT_ROOT / "credentials.yml"
SLACK_CHANNEL = "bot.channels.slack.SlackChannel"  # its section in credentials.yml
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# Secrets the servers need; each line's value is generated on the first run.
SECRET_GENERATORS = {
    "RASA_API_TOKEN": lambda: secrets.token_urlsafe(32),
    "PIN_ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
    "CUSTOMER_TOKEN_SECRET": lambda: secrets.token_urlsafe(32),
}


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{path}:{number}: expected KEY=VALUE, found {line[:40]!r}")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def ensure_env_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """Reads `.env`, adding any missing secret with a random value. Returns (values, added keys)."""
    values = read_env_file(path) if path.exists() else {}
    added = [key for key in SECRET_GENERATORS if not values.get(key)]
    if added:
        with path.open("a") as env_file:
            if path.stat().st_size == 0:
                env_file.write("# Secrets for the porting assistant; keep this file out of git.\n")
            for key in added:
                values[key] = SECRET_GENERATORS[key]()
                env_file.write(f"{key}={values[key]}\n")
        path.chmod(0o600)
    return values, added


# Channel settings that may stay unset; any other unset ${VAR} leaves its channel out.
OPTIONAL_CREDENTIALS = {"SLACK_CHANNEL", "SLACK_API_URL"}
ENV_REFERENCE = re.compile(r"^\$\{(\w+)\}$")


def effective_credentials(template: dict, env: dict[str, str]) -> dict:
    """The channels of credentials.yml whose variables are set (Rasa fails on an unset ${VAR})."""
    channels = {}
    for channel, settings in template.items():
        unset = {key: match[1] for key, value in (settings or {}).items()
                 if (match := ENV_REFERENCE.match(str(value))) and not env.get(match[1])}
        if set(unset.values()) - OPTIONAL_CREDENTIALS:
            continue  # a required variable is unset: the channel stays off
        channels[channel] = {key: value for key, value in settings.items() if key not in unset} \
            if settings else settings
    return channels


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(ready: Callable[[], object], deadline: float, process: subprocess.Popen, log: Path,
                     name: str, waiting_for: str) -> None:
    """Calls `ready` until it stops raising (the server answers); a server that exits meanwhile,
    or is still not ready at `deadline`, is a UserError naming its log."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UserError(f"{name} exited with code {process.returncode}; last lines of {log}:\n{log_tail(log)}")
        try:
            ready()
            return
        except Exception:  # not accepting connections yet: any connection or driver error means "retry"
            time.sleep(0.3)
    raise UserError(f"{name} did not {waiting_for} in time; see {log}")


def wait_for_http(url: str, deadline: float, process: subprocess.Popen, log: Path) -> None:
    def answers() -> None:
        with urllib.request.urlopen(url, timeout=2):
            pass
    wait_until_ready(answers, deadline, process, log, f"{log.stem} server", f"answer at {url}")


def log_tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def die_with_parent() -> None:
    """Run in a child before exec: the kernel sends it SIGTERM when the launcher dies, even by
    SIGKILL, so no server outlives the process that started it (Linux only; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def seed_demo_orders(database_url: str, pin_key: str) -> int:
    """Adds the demo orders (one rejected order per seed reason) unless they exist; returns how many."""
    store = OrderStore(database_url, SecretBox(pin_key))
    try:
        return len(seed_demo(store))
    finally:
        store.close()


@dataclass
class Settings:
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    var_dir: Path = PROJECT_ROOT / "var"
    model: Path = DEFAULT_MODEL
    env_file: Path = PROJECT_ROOT / ".env"
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"  # endpoints.prod.yml in the cluster
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}"

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """Only the demo page may call the Rasa server from a browser, unless CORS_ORIGINS says more."""
        configured = os.environ.get("CORS_ORIGINS", "").split()
        return (self.web_url, f"http://127.0.0.1:{self.web_port}", *configured)

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    @property
    def database_url(self) -> str:
        """The port order store: DATABASE_URL (PostgreSQL in production) or SQLite in var/."""
        return (self.extra_env.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
                or f"sqlite:///{self.var_dir / 'orders.db'}")

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "credentials.yml"


class Stack:
    """The action server and the Rasa server, started in order and stopped together."""

    def __init__(self, settings: Settings):
        self.settings = settings
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
            **os.environ,
            **self.env_values,
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "ACTION_ENDPOINT_URL": f"http://localhost:{settings.action_port}/webhook",
            "TRACKER_DB": str(settings.tracker_db),
            "DATABASE_URL": settings.database_url,
            **settings.extra_env,
        }

    def _prepare(self, ports: dict[str, int]) -> None:
        settings = self.settings
        if not settings.model.exists():
            raise UserError(f"no trained model at {settings.model}: run `make train` first")
        for name, port in ports.items():
            if port_in_use(port):
                raise UserError(f"port {port} for the {name} is already in use (another `make run`?). "
                                f"Stop that process, or choose other ports with --rasa-port/--action-port/--web-port.")
        self.env_values, self.added_secrets = ensure_env_file(settings.env_file)
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        self.demo_orders = seed_demo_orders(settings.database_url, self.env_values["PIN_ENCRYPTION_KEY"])

    def start_actions(self, timeout: float = 60) -> "Stack":
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
        self._spawn(name, [sys.executable, "-m", "bot.rasa_server", "run", "--model", str(settings.model),
                           "--port", str(port), "--enable-api",
                           f"--auth-token={self.api_token}",  # "=" form: a token may start with "-"
                           "--endpoints", str(settings.endpoints),
                           "--credentials", str(settings.credentials_file),
                           "--cors", *settings.cors_origins])

    def start(self, timeout: float = 180) -> "Stack":
        settings = self.settings
        self._prepare({"Rasa server": settings.rasa_port, "action server": settings.action_port,
                       "chat widget": settings.web_port})
        self.write_credentials()
        self._spawn_actions("actions", settings.action_port)
        self._spawn_rasa("rasa", settings.rasa_port)
        self._wait_or_stop(["actions", "rasa"], time.monotonic() + timeout)
        self.web = serve(settings.web_port, settings.rasa_url)
        return self

    def write_credentials(self) -> None:
        """Writes the channels to enable into var/credentials.yml; secrets stay in the environment."""
        self.channels = effective_credentials(yaml.safe_load(CREDENTIALS_TEMPLATE.read_text()),
                                              self.environment())
        self.settings.credentials_file.write_text(
            "# Written by `python -m bot run` from credentials.yml; do not edit.\n"
            + yaml.safe_dump(self.channels, sort_keys=False))

    def _spawn(self, name: str, command: list[str]) -> None:
        # A session of its own: Ctrl-C reaches the launcher, which stops children in order.
        self.commands[name] = command
        with (self.settings.log_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.environment(), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent)

    def _wait_or_stop(self, names: list[str], deadline: float) -> None:
        try:
            for name in names:
                wait_for_http(self.health_urls[name], deadline, self.processes[name],
                              self.settings.log_dir / f"{name}.log")
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

    def __enter__(self) -> "Stack":  # `with Stack(settings).start() as stack:`
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
        wait_for_http(self.health_urls[name], time.monotonic() + timeout, self.processes[name],
                      self.settings.log_dir / f"{name}.log")


def wait_or_kill(process: subprocess.Popen, timeout: float = 15) -> None:
    """Waits for a process that was asked to stop; kills it if it takes longer than `timeout`."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _run_command(args: argparse.Namespace) -> int:
    settings = Settings(rasa_port=args.rasa_port, action_port=args.action_port, web_port=args.web_port,
                        var_dir=args.var_dir, env_file=args.env_file)
    print("Starting the action server, the Rasa server and the chat widget (about 20 seconds)...", flush=True)
    return supervise(Stack(settings), f"""
  Action server  http://localhost:{settings.action_port}/health""")


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
        slack = (f"{settings.rasa_url}/webhooks/slack/webhook" if SLACK_CHANNEL in stack.channels
                 else "off (set SLACK_TOKEN and SLACK_SIGNING_SECRET, see docs/slack.md)")
        print(f"""
Porting assistant is up ({time.monotonic() - started:.0f} s):
  REST channel   {settings.rasa_url}/webhooks/rest/webhook
  HTTP API       {settings.rasa_url}/  (token: RASA_API_TOKEN in {settings.env_file.name}){servers}
  Chat widget    {settings.web_url}  (demo page; embed with one <script> tag, see README)
  Slack          {slack}
  Logs           {settings.log_dir}/
Press Ctrl-C to stop.""", flush=True)
        while (name := stack.exited()) is None:
            time.sleep(0.5)
        print(f"The {name} server stopped unexpectedly; see {settings.log_dir}/{name}.log", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()


def _shell_command(args: argparse.Namespace) -> int:
    """`rasa shell` in this terminal, with the action server running behind it."""
    stack = Stack(Settings(rasa_port=args.rasa_port, action_port=args.action_port, var_dir=args.var_dir,
                           env_file=args.env_file))
    with stack.start_actions():
        stack.write_credentials()  # rasa shell reads the credentials file too, and fails on unset ${VAR}s
        return subprocess.call([sys.executable, "-m", "bot.rasa_server", "shell", "--model", str(stack.settings.model),
                                "--port", str(args.rasa_port), "--endpoints", str(stack.settings.endpoints),
                                "--credentials", str(stack.settings.credentials_file)],
                               cwd=PROJECT_ROOT, env=stack.environment())


def server_options(var_dir: Path = Settings.var_dir, web_port: bool = True) -> argparse.ArgumentParser:
    """The options every command that starts servers takes (run, shell, run-cluster)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    options.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    if web_port:
        options.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    shown = var_dir.relative_to(PROJECT_ROOT) if var_dir.is_relative_to(PROJECT_ROOT) else var_dir
    options.add_argument("--var-dir", type=Path, default=var_dir,
                         help=f"databases, logs and generated files (default: {shown}/)")
    options.add_argument("--env-file", type=Path, default=Settings.env_file,
                         help="secrets, written with random values if missing (default: .env)")
    return options


def register(subparsers) -> None:
    run = subparsers.add_parser("run", parents=[server_options()], help="start the action server and the Rasa server")
    run.set_defaults(func=_run_command)
    shell = subparsers.add_parser("shell", parents=[server_options(web_port=False)],
                                  help="chat in the terminal (rasa shell)")
    shell.set_defaults(func=_shell_command)

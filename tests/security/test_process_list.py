"""No secret on a command line: `ps` shows every local user each process's arguments.

`python -m bot run` (what `make run` ends in) and the production shape (`make run-cluster`:
PostgreSQL, Redis, two Rasa replicas, HAProxy) are started for real, and the process list is
searched for every secret in their `.env` and for the database and Redis passwords.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from bot.ops.env_file import read_env_file
from bot.ops.processes import free_port
from bot.settings import PROJECT_ROOT

SECRET_LENGTH = 12  # the generated secrets are far longer; shorter .env values are ports and names


def process_list() -> str:
    """Every process's full command line, as any local user sees it."""
    return subprocess.run(["ps", "-eww", "-o", "args="], capture_output=True, text=True, check=True).stdout


def secrets_on_command_lines(secrets: dict[str, str]) -> list[str]:
    shown = process_list()
    return sorted(name for name, value in secrets.items() if len(value) >= SECRET_LENGTH and value in shown)


@pytest.fixture(scope="module")
def make_run(trained_model, tmp_path_factory) -> Iterator[dict[str, str]]:
    """`python -m bot run` on free ports with a var folder of its own; yields its .env values."""
    var_dir = tmp_path_factory.mktemp("make-run")
    rasa_port = free_port()
    command = [
        sys.executable, "-m", "bot", "run",
        "--rasa-port", str(rasa_port), "--action-port", str(free_port()), "--web-port", str(free_port()),
        "--var-dir", str(var_dir), "--env-file", str(var_dir / ".env"),
    ]  # fmt: skip
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("RASA_", "PIN_", "CUSTOMER_"))
    }
    launcher = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        for line in launcher.stdout:  # the launcher prints the URLs once every server answers
            if f"localhost:{rasa_port}" in line or f"127.0.0.1:{rasa_port}" in line:
                break
        assert launcher.poll() is None, "python -m bot run stopped before it was up"
        requests.get(f"http://127.0.0.1:{rasa_port}/", timeout=30).raise_for_status()
        yield read_env_file(var_dir / ".env")
    finally:
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()


def test_make_run_puts_no_secret_on_a_command_line(make_run):
    assert {"RASA_API_TOKEN", "PIN_ENCRYPTION_KEY", "CUSTOMER_TOKEN_SECRET"} <= set(make_run)
    assert secrets_on_command_lines(make_run) == []


def test_the_production_shape_puts_no_password_on_a_command_line(cluster):
    secrets = {**cluster.env_values, **cluster.service_environment()}
    assert {"TRACKER_DB_PASSWORD", "REDIS_PASSWORD", "DATABASE_URL"} <= set(secrets)
    assert secrets_on_command_lines(secrets) == []
    assert cluster.redis.password not in process_list() and cluster.postgres.password not in process_list()


def test_the_search_finds_a_secret_that_is_on_a_command_line():
    """The check itself can fail: a process started with a secret in its arguments is found."""
    secret = "not-a-real-token-" + os.urandom(8).hex()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", f"--auth-token={secret}"])
    try:
        assert secrets_on_command_lines({"RASA_API_TOKEN": secret}) == ["RASA_API_TOKEN"]
    finally:
        sleeper.kill()
        sleeper.wait()

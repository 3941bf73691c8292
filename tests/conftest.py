"""Fixtures shared by every test: required programs, an order store key and file, and the real
servers for end-to-end tests."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from hypothesis import settings

from bot.core.errors import UserError
from bot.core.secrets import KEY_ENV, generate_key
from bot.ops.cluster import Cluster
from bot.ops.processes import free_port
from bot.ops.services import postgres_program
from bot.ops.stack import ServerSettings, Stack
from bot.settings import DEFAULT_MODEL, PROJECT_ROOT

IN_CI = os.environ.get("CI", "").lower() == "true"

# Property tests: 300 examples each in `make test`; `make test-fast` passes --hypothesis-profile=quick.
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.register_profile("quick", max_examples=25, deadline=None)
settings.load_profile("thorough")


def require(condition: bool, reason: str) -> None:
    """Skips when a program or file the test needs is missing; in CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def require_program(path_or_name: str, package: str) -> str:
    found = shutil.which(path_or_name)
    require(found is not None, f"{path_or_name} not installed (apt-get install {package})")
    return found


@pytest.fixture
def pin_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, generate_key())


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "orders.db"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    require(DEFAULT_MODEL.is_file(), f"no trained model at {DEFAULT_MODEL} (run `make train`)")
    return DEFAULT_MODEL


def stack_settings(var_dir: Path) -> ServerSettings:
    """Servers on free ports with their own databases, logs and .env, beside a developer's."""
    return ServerSettings(
        rasa_port=free_port(), action_port=free_port(), web_port=free_port(), var_dir=var_dir, env_file=var_dir / ".env"
    )


@pytest.fixture(scope="session")
def stack(trained_model, tmp_path_factory) -> Stack:
    with Stack(stack_settings(tmp_path_factory.mktemp("stack"))).start() as running:
        yield running


def require_services() -> None:
    """PostgreSQL and Redis from Debian's packages; missing ones skip the test, or fail it in CI."""
    try:
        postgres_program("postgres")
    except UserError as error:
        require(False, str(error))
    require_program("redis-server", "redis-server")


@pytest.fixture(scope="session")
def cluster(trained_model, tmp_path_factory) -> Cluster:
    """The production shape (two Rasa replicas, two action servers, PostgreSQL, Redis, HAProxy),
    started once for the tests that need it (load, locks, guessing across replicas)."""
    require_services()
    with Cluster(stack_settings(tmp_path_factory.mktemp("cluster"))).start() as running:
        yield running


def orders_show(stack: Stack, order_id: str) -> dict:
    """`python -m bot orders show ORDER --json` against the stack's order store."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "orders", "show", order_id, "--json"],
        cwd=PROJECT_ROOT,
        env=stack.environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


class RestClient:
    """A customer talking to the Rasa REST channel, as the website widget does."""

    def __init__(self, stack: Stack, sender: str, address: str | None = None):
        # Each customer writes from an address of their own, as real ones do (through our load
        # balancer's X-Forwarded-For): the identity check's per-client limit counts by address.
        self.stack, self.sender = stack, sender
        self.address = address or f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"

    def say(self, message: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": self.sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(
            f"{self.stack.settings.rasa_url}/webhooks/rest/webhook",
            json=body,
            headers={"X-Forwarded-For": self.address},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def texts(self, message: str) -> str:
        """Every text the bot answered, joined: what a customer reads."""
        return "\n".join(reply.get("text", "") for reply in self.say(message))

    def tracker(self) -> dict:
        response = requests.get(
            f"{self.stack.settings.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": self.stack.api_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


SIGN_LINK = re.compile(r"https?://\S+/loa/[\w-]+\.[\w-]+\.[\w-]+")


def sign_links(text: str) -> list[str]:
    """The links to sign a letter of authorization in what the bot said, oldest first."""
    return SIGN_LINK.findall(text)


def sign_letter(link: str, name: str, consent: bool = True, address: str = "10.77.0.9") -> requests.Response:
    """The authorized person signs on the page the chat linked to, as a browser posts its form."""
    form = {"name": name, **({"consent": "yes"} if consent else {})}
    return requests.post(
        link, data=form, headers={"User-Agent": "pytest-signer/1.0", "X-Forwarded-For": address}, timeout=30
    )


ACCOUNT_HOLDER = "Morgan Avery"  # signs for an order that names no authorized person


def sign_if_asked(answer: str, signer: str | None) -> bool:
    """The authorized person signs the letter the chat's answer links to, when it links to one (a
    fix that changed what the letter states); True when it did."""
    links = sign_links(answer)
    if links:
        signed = sign_letter(links[-1], signer or ACCOUNT_HOLDER)
        assert signed.status_code == 200, signed.text
    return bool(links)


@pytest.fixture
def customer(stack, request) -> RestClient:
    # The sender id goes into URL paths: keep it to letters, digits and dashes.
    name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name).strip("-")
    return RestClient(stack, sender=f"test-{name}-{os.getpid()}")

"""The `.env` file of secrets and the credentials file Rasa reads, as `python -m bot run` writes them.

Secrets stay in `.env` (mode 0600) and reach the servers through their environment, never on a
command line; the credentials file lists the channels whose variables are set.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

from bot import settings
from bot.core.errors import UserError

SLACK_CHANNEL = "bot.adapters.channels.slack.SlackChannel"  # its section in credentials.yml

# Secrets the servers need; each line's value is generated on the first run.
SECRET_GENERATORS = {
    "RASA_API_TOKEN": lambda: secrets.token_urlsafe(32),
    settings.PIN_ENCRYPTION_KEY: lambda: Fernet.generate_key().decode(),
    settings.CUSTOMER_TOKEN_SECRET: lambda: secrets.token_urlsafe(32),
    settings.DOCUMENT_LINK_SECRET: lambda: secrets.token_urlsafe(32),
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
    for channel, options in template.items():
        unset = {
            key: match[1]
            for key, value in (options or {}).items()
            if (match := ENV_REFERENCE.match(str(value))) and not env.get(match[1])
        }
        if set(unset.values()) - OPTIONAL_CREDENTIALS:
            continue  # a required variable is unset: the channel stays off
        channels[channel] = {key: value for key, value in options.items() if key not in unset} if options else options
    return channels


def write_credentials(path: Path, env: dict[str, str]) -> dict:
    """Writes the channels of credentials.yml that `env` enables to `path`; returns them."""
    channels = effective_credentials(yaml.safe_load(settings.CREDENTIALS_TEMPLATE.read_text()), env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Written by `python -m bot` from credentials.yml; do not edit.\n" + yaml.safe_dump(channels, sort_keys=False)
    )
    return channels

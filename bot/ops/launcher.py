"""`python -m bot run` and `python -m bot shell` (what `make run` and `make shell` call).

The commands only read their options; `bot.ops.stack` starts and stops the servers.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from bot import settings as project
from bot.ops.env_file import write_credentials
from bot.ops.stack import ServerSettings, Stack, supervise


def _run_command(args: argparse.Namespace) -> int:
    settings = ServerSettings.from_options(args)
    print("Starting the action server, the Rasa server and the chat widget (about 20 seconds)...", flush=True)
    return supervise(
        Stack(settings),
        f"""
  Action server  http://localhost:{settings.action_port}/health""",
    )


def _shell_command(args: argparse.Namespace) -> int:
    """`rasa shell` in this terminal, with the action server running behind it."""
    stack = Stack(ServerSettings.from_options(args))
    with stack.start_actions():
        stack.write_credentials()  # rasa shell reads the credentials file too, and fails on unset ${VAR}s
        return subprocess.call(
            [
                sys.executable,
                "-m",
                "bot.adapters.server",
                "shell",
                "--model",
                str(stack.settings.model),
                "--port",
                str(args.rasa_port),
                "--endpoints",
                str(stack.settings.endpoints),
                "--credentials",
                str(stack.settings.credentials_file),
            ],
            cwd=project.PROJECT_ROOT,
            env=stack.environment(),
        )


def server_options(var_dir: Path = project.DEFAULT_VAR_DIR, web_port: bool = True) -> argparse.ArgumentParser:
    """The options every command that starts servers takes (run, shell, run-cluster)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--rasa-port", type=int, default=project.port("RASA_PORT", 5005))
    options.add_argument("--action-port", type=int, default=project.port("ACTION_PORT", 5055))
    if web_port:
        options.add_argument("--web-port", type=int, default=project.port("WEB_PORT", 8080))
    shown = var_dir.relative_to(project.PROJECT_ROOT) if var_dir.is_relative_to(project.PROJECT_ROOT) else var_dir
    options.add_argument(
        "--var-dir", type=Path, default=var_dir, help=f"databases, logs and generated files (default: {shown}/)"
    )
    options.add_argument(
        "--env-file",
        type=Path,
        default=project.DEFAULT_ENV_FILE,
        help="secrets, written with random values if missing (default: .env)",
    )
    return options


def _credentials_command(args: argparse.Namespace) -> int:
    channels = write_credentials(args.output, project.environment())
    print(f"Wrote {args.output}: channels {', '.join(channels) or 'none'}")
    return 0


def register(subparsers) -> None:
    run = subparsers.add_parser("run", parents=[server_options()], help="start the action server and the Rasa server")
    run.set_defaults(func=_run_command)
    shell = subparsers.add_parser(
        "shell", parents=[server_options(web_port=False)], help="chat in the terminal (rasa shell)"
    )
    shell.set_defaults(func=_shell_command)
    credentials = subparsers.add_parser(
        "credentials", help="write the credentials file Rasa reads: the channels whose variables are set"
    )
    credentials.add_argument("--output", type=Path, default=project.DEFAULT_VAR_DIR / "credentials.yml")
    credentials.set_defaults(func=_credentials_command)

"""Child processes and ports: what the stack, the cluster and the throwaway services share."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bot.core.errors import UserError

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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


def wait_until_ready(
    ready: Callable[[], object], deadline: float, process: subprocess.Popen, log: Path, name: str, waiting_for: str
) -> None:
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


def wait_or_kill(process: subprocess.Popen, timeout: float = 15) -> None:
    """Waits for a process that was asked to stop; kills it if it takes longer than `timeout`."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

"""The benchmark's measurements, each returning the figures of one row of the report.

Latency figures are measured `runs` times; the reported value of each is the median over the
runs (errors are summed), and every run is kept under "runs" in the JSON.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot import settings
from bot.core.errors import UserError
from bot.ops.bench.load import percentiles_ms, run_conversations
from bot.ops.bench.workload import held_out_messages, rejection_conversations, scripted_conversation, short_conversation
from bot.ops.processes import free_port
from bot.ops.stack import ServerSettings, Stack
from bot.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Plan:
    """How much of each measurement to do."""

    runs: int
    nlu_messages: int | None  # None: every held-out message
    e2e_conversations: int  # one customer, three rejection turns each
    throughput_conversations: int
    memory_conversations: int  # per round; two rounds
    warmup_conversations: int
    concurrency: int = 20


FULL = Plan(
    runs=3,
    nlu_messages=None,
    e2e_conversations=20,
    throughput_conversations=60,
    memory_conversations=1000,
    warmup_conversations=20,
)
QUICK = Plan(
    runs=1,
    nlu_messages=20,
    e2e_conversations=3,
    throughput_conversations=20,
    memory_conversations=10,
    warmup_conversations=2,
)


def median_of_runs(runs: list[dict]) -> dict:
    """Median of each number over the runs; errors are added up, not averaged away."""
    figure: dict = {}
    for key, value in runs[0].items():
        if key == "errors":
            figure[key] = sum(run[key] for run in runs)
        elif key == "error_kinds":
            figure[key] = {
                kind: sum(run[key].get(kind, 0) for run in runs) for kind in {kind for run in runs for kind in run[key]}
            }
        elif isinstance(value, (int, float)):
            figure[key] = round(statistics.median(run[key] for run in runs), 2)
    return {**figure, "runs": runs}


def with_load_average(measure: Callable[[], dict]) -> dict:
    """The 1-minute load average before and after: the CPU may be shared with other work."""
    before = os.getloadavg()[0]
    figure = measure()
    figure["load_average_1m"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return figure


def bench_settings(var_dir: Path, model: Path) -> ServerSettings:
    """Servers on free ports with their own tracker store, logs and .env, beside a developer's."""
    return ServerSettings(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        var_dir=var_dir,
        model=model,
        env_file=var_dir / ".env",
    )


def measure_cold_start(stack: Stack) -> dict:
    """Starts the servers as `make run` does and times it up to the first reply."""
    started = time.monotonic()
    stack.start()
    servers_up = time.monotonic() - started
    try:
        first = asyncio.run(run_conversations(stack.settings.rasa_url, [("hello",)], 1, "cold-start"))
        if first.turns[0].error:
            raise UserError(f"the first reply failed ({first.turns[0].error}); see {stack.settings.log_dir}")
    except BaseException:
        stack.stop()
        raise
    return {"seconds": round(time.monotonic() - started, 2), "servers_up_s": round(servers_up, 2)}


def warm_up(stack: Stack, plan: Plan) -> None:
    scripts = [scripted_conversation(index) for index in range(plan.warmup_conversations)]
    asyncio.run(run_conversations(stack.settings.rasa_url, scripts, plan.concurrency, "warmup"))


def measure_nlu(model: Path, plan: Plan) -> dict:
    """`Agent.parse_message` in this process: the NLU pipeline alone, no HTTP, no dialogue."""
    texts = [message.text for message in held_out_messages()][: plan.nlu_messages]
    settings.set_default("TF_CPP_MIN_LOG_LEVEL", "2")  # as the Makefile sets for the servers
    from rasa.core.agent import Agent  # heavy imports, only for this measurement
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, Rasa's structlog prints a debug line per parse, which would be timed too;
    # `rasa run` configures it the same way, at its own log level.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))

    async def parse_all() -> list[float]:
        seconds = []
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            seconds.append(time.perf_counter() - started)
        return seconds

    async def runs() -> list[dict]:
        await parse_all()  # warm-up: first calls build TensorFlow graphs and caches
        return [{**percentiles_ms(await parse_all()), "messages": len(texts)} for _ in range(plan.runs)]

    figure = median_of_runs(asyncio.run(runs()))
    agent = None  # frees the model before the next measurement  # noqa: F841
    gc.collect()
    return figure


def measure_e2e(stack: Stack, plan: Plan) -> dict:
    """One customer at a time over the REST channel; every turn runs a custom action."""
    scripts = rejection_conversations(held_out_messages(), plan.e2e_conversations)
    return median_of_runs(
        [
            asyncio.run(run_conversations(stack.settings.rasa_url, scripts, 1, f"e2e{run}")).summary()
            for run in range(plan.runs)
        ]
    )


def measure_throughput(stack: Stack, plan: Plan) -> dict:
    """Also the servers' CPU time per reply: unlike latency, it barely depends on what else
    the machine runs, so it says what a dedicated core could serve."""
    scripts = [scripted_conversation(index) for index in range(plan.throughput_conversations)]
    pids = {name: stack.processes[name].pid for name in ("rasa", "actions")}
    runs = []
    for run in range(plan.runs):
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        summary = asyncio.run(
            run_conversations(stack.settings.rasa_url, scripts, plan.concurrency, f"throughput{run}")
        ).summary()
        runs.append(
            {
                **summary,
                **{
                    f"{name}_cpu_ms_per_reply": round(
                        1000 * (cpu_seconds(pid) - cpu_before[name]) / summary["replies"], 2
                    )
                    for name, pid in pids.items()
                },
            }
        )
    return {**median_of_runs(runs), "conversations": len(scripts), "concurrency": plan.concurrency}


def _proc_file(pid: int, name: str) -> str:
    path = Path(f"/proc/{pid}/{name}")
    if not path.exists():
        raise UserError("measuring the servers needs Linux's /proc or `pip install psutil`")
    return path.read_text()


def resident_mb(pid: int) -> float:
    try:
        import psutil
    except ImportError:  # Linux without psutil: the kernel's own figure
        kilobytes = next(
            int(line.split()[1]) for line in _proc_file(pid, "status").splitlines() if line.startswith("VmRSS:")
        )
        return round(kilobytes / 1024, 1)
    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    try:
        import psutil
    except ImportError:
        # fields 14 and 15 of /proc/<pid>/stat, counted after the ")" ending the command name
        fields = _proc_file(pid, "stat").rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def measure_memory(stack: Stack, plan: Plan) -> dict:
    """Rasa server RSS after one round of conversations and after a second (growth = a leak)."""
    pid = stack.processes["rasa"].pid
    rounds = [{"rss_mb": resident_mb(pid)}]
    for number in (1, 2):
        scripts = [short_conversation(index) for index in range(plan.memory_conversations)]
        result = asyncio.run(run_conversations(stack.settings.rasa_url, scripts, plan.concurrency, f"memory{number}"))
        rounds.append({**result.summary(), "rss_mb": resident_mb(pid)})
    start, first, second = (round_["rss_mb"] for round_ in rounds)
    return {
        "rss_before_mb": start,
        "rss_after_first_mb": first,
        "rss_after_second_mb": second,
        "growth_mb": round(second - first, 1),
        "growth_pct": round(100 * (second - first) / first, 2),
        "conversations_per_round": plan.memory_conversations,
        "errors": sum(round_.get("errors", 0) for round_ in rounds),
        "rounds": rounds,
    }


def _timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("w") as output:
        code = subprocess.call(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    if code:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise UserError(f"`{' '.join(command[1:4])} ...` failed with code {code}; last lines of {log}:\n{tail}")
    return round(time.monotonic() - started, 2)


def measure_train() -> dict:
    """`make train` from scratch: the spaCy pipeline build, then `rasa train` with an empty cache,
    on a copy of the repository's config, domain and data."""
    with tempfile.TemporaryDirectory(prefix="porting-bench-train-") as work_dir:
        work = Path(work_dir)
        for name in ("config.yml", "domain.yml"):
            shutil.copy(PROJECT_ROOT / name, work / name)
        shutil.copytree(PROJECT_ROOT / "data", work / "data")
        env = {
            **settings.environment(),
            "PYTHONPATH": str(PROJECT_ROOT),
            "RASA_CACHE_DIRECTORY": str(work / "cache"),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        nlp_s = _timed(
            [sys.executable, "-m", "bot", "build-nlp", "--output", "build/spacy_pipeline"],
            work,
            env,
            work / "build-nlp.log",
        )
        rasa_s = _timed(
            [
                sys.executable,
                "-m",
                "rasa",
                "train",
                "--skip-validation",  # as the Makefile trains: `make test` validates the data
                "--config",
                "config.yml",
                "--domain",
                "domain.yml",
                "--data",
                "data",
                "--out",
                "models",
                "--fixed-model-name",
                "assistant",
            ],
            work,
            env,
            work / "train.log",
        )
        if not (work / "models" / "assistant.tar.gz").is_file():
            raise UserError("`rasa train` finished without writing a model")
    return {"seconds": round(nlp_s + rasa_s, 2), "build_nlp_s": nlp_s, "rasa_train_s": rasa_s}


def run_benchmark(plan: Plan, model: Path, var_dir: Path, train: bool, progress: Callable[[str], None]) -> dict:
    """Every measurement, in an order where none disturbs the next; returns the figures.
    The servers' tracker store and logs go to `var_dir`, emptied first and kept for inspection."""
    figures: dict[str, dict] = {}
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    stack = Stack(bench_settings(var_dir, model))
    progress("cold start: starting the servers and waiting for the first reply")
    figures["cold_start"] = with_load_average(lambda: measure_cold_start(stack))
    with stack:
        progress(f"warm-up: {plan.warmup_conversations} conversations")
        warm_up(stack, plan)
        steps = (
            ("nlu_parse", "NLU parse latency in process", lambda: measure_nlu(model, plan)),
            ("e2e_reply", "reply latency, one customer", lambda: measure_e2e(stack, plan)),
            (
                "throughput",
                f"throughput, {plan.concurrency} concurrent conversations",
                lambda: measure_throughput(stack, plan),
            ),
            ("memory", f"memory, 2 x {plan.memory_conversations} conversations", lambda: measure_memory(stack, plan)),
        )
        for key, title, measure in steps:
            progress(title)
            figures[key] = with_load_average(measure)
            if (name := stack.exited()) is not None:
                raise UserError(f"the {name} server stopped during the benchmark; see {stack.settings.log_dir}")
    if train:
        progress("make train from scratch (a few minutes)")
        figures["train"] = with_load_average(measure_train)
    return figures

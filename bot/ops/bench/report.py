"""The targets from issue 7, the machine the figures come from, and results/bench.{json,md}."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

REPRODUCE = "make bench  (or: .venv/bin/python -m bot.ops.bench [--quick] [--train] [--out results])"


@dataclass(frozen=True)
class Limit:
    field: str
    bound: float
    at_least: bool = False

    def met(self, figure: dict) -> bool:
        value = figure[self.field]
        return value >= self.bound if self.at_least else value < self.bound


@dataclass(frozen=True)
class Target:
    figure: str  # key in the figures
    title: str
    wanted: str
    limits: tuple[Limit, ...]
    shown: tuple[str, ...]  # fields in the "measured" column


NO_ERRORS = Limit("errors", 1)
TARGETS = (
    Target(
        "nlu_parse",
        "NLU parse latency, in process",
        "p50 < 15 ms, p95 < 30 ms",
        (Limit("p50_ms", 15), Limit("p95_ms", 30)),
        ("p50_ms", "p95_ms", "p99_ms"),
    ),
    Target(
        "e2e_reply",
        "Reply over the REST channel: one customer, a custom action, SQLite tracker store",
        "p50 < 60 ms, p95 < 120 ms",
        (Limit("p50_ms", 60), Limit("p95_ms", 120), NO_ERRORS),
        ("p50_ms", "p95_ms", "p99_ms", "errors"),
    ),
    Target(
        "throughput",
        "Throughput, 20 concurrent scripted conversations",
        ">= 25 replies/s, p95 < 1.5 s",
        (Limit("replies_per_s", 25, at_least=True), Limit("p95_ms", 1500), NO_ERRORS),
        ("replies_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "rasa_cpu_ms_per_reply", "actions_cpu_ms_per_reply"),
    ),
    Target(
        "memory",
        "Rasa server resident memory after 1,000 conversations, then a second 1,000",
        "< 1.5 GB, growth < 5 % over the second",
        (Limit("rss_after_first_mb", 1536), Limit("rss_after_second_mb", 1536), Limit("growth_pct", 5), NO_ERRORS),
        ("rss_after_first_mb", "rss_after_second_mb", "growth_mb", "conversations_per_round", "errors"),
    ),
    Target(
        "cold_start", "Cold start: servers started to the first reply", "< 40 s", (Limit("seconds", 40),), ("seconds",)
    ),
    Target(
        "train",
        "`make train` from scratch (spaCy pipeline + `rasa train`, empty cache)",
        "< 4 min",
        (Limit("seconds", 240),),
        ("seconds", "build_nlp_s", "rasa_train_s"),
    ),
)

FORMATS = {
    "p50_ms": "p50 {:.1f} ms",
    "p95_ms": "p95 {:.1f} ms",
    "p99_ms": "p99 {:.1f} ms",
    "errors": "{:.0f} errors",
    "replies_per_s": "{:.1f} replies/s",
    "rasa_cpu_ms_per_reply": "Rasa server CPU {:.0f} ms a reply",
    "actions_cpu_ms_per_reply": "action server CPU {:.0f} ms a reply",
    "rss_after_first_mb": "{:.0f} MB after the first round",
    "rss_after_second_mb": "{:.0f} MB after the second",
    "growth_mb": "growth {:+.0f} MB",
    "conversations_per_round": "{:.0f} conversations a round",
    "seconds": "{:.1f} s",
    "build_nlp_s": "pipeline {:.0f} s",
    "rasa_train_s": "rasa train {:.0f} s",
}


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def describe_machine() -> dict:
    ram_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": cpus,
        "cpu_model": _cpu_model(),
        "ram_gb": round(ram_bytes / 2**30, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "rasa": version("rasa"),
    }


def check_targets(figures: dict) -> list[dict]:
    rows = []
    for target in TARGETS:
        figure = figures.get(target.figure)
        if figure is None:
            measured, met = "not measured" + (" (add --train)" if target.figure == "train" else ""), None
        else:
            measured = ", ".join(FORMATS[field].format(figure[field]) for field in target.shown)
            met = all(limit.met(figure) for limit in target.limits)
        rows.append({"figure": target.title, "target": target.wanted, "measured": measured, "met": met})
    return rows


def build_report(figures: dict, mode: str, runs: int, load_average: dict) -> dict:
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "runs": runs,
        "machine": describe_machine(),
        "load_average": load_average,
        "reproduce": REPRODUCE,
        "figures": figures,
        "targets": check_targets(figures),
    }


def to_markdown(report: dict) -> str:
    machine, load = report["machine"], report["load_average"]
    met_text = {True: "yes", False: "**no**", None: "-"}
    lines = [
        "# Benchmark: speed and size",
        "",
        f"Measured {report['date']} ({report['mode']} mode, medians of {report['runs']} runs) on "
        f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['ram_gb']} GB RAM, {machine['system']}, "
        f"Python {machine['python']}, Rasa {machine['rasa']}.",
        f"Load average (1, 5, 15 min) at the start: {', '.join(map(str, load['start']))}; "
        f"at the end: {', '.join(map(str, load['end']))} (the CPU may be shared with other work).",
        "",
        "| figure | target | measured | met? |",
        "| --- | --- | --- | --- |",
        *(
            f"| {row['figure']} | {row['target']} | {row['measured']} | {met_text[row['met']]} |"
            for row in report["targets"]
        ),
        "",
        "1-minute load average before and after each measurement: "
        + "; ".join(
            f"{target.figure} {' -> '.join(map(str, report['figures'][target.figure]['load_average_1m']))}"
            for target in TARGETS
            if target.figure in report["figures"]
        )
        + ".",
        "",
        f"Reproduce: `{REPRODUCE}`. Every run's figures are in `bench.json`.",
        "",
    ]
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = out_dir / "bench.json", out_dir / "bench.md"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    markdown_path.write_text(to_markdown(report))
    return json_path, markdown_path

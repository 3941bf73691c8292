"""`python -m bot.ops.bench [--quick] [--train] [--out results]`: see bot/ops/bench/__init__.py."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.core.errors import UserError
from bot.ops.bench.measure import FULL, QUICK, run_benchmark
from bot.ops.bench.report import build_report, to_markdown, write_report
from bot.settings import DEFAULT_MODEL, PROJECT_ROOT


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.ops.bench", description="Measure speed and size against the targets of issue 7."
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tiny version of every measurement, for a smoke test (about a minute)"
    )
    parser.add_argument("--train", action="store_true", help="also time `make train` from scratch (minutes)")
    parser.add_argument("--out", type=Path, default=Path("results"), help="where bench.json and bench.md go")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir, model = args.out.resolve(), args.model.resolve()
    if not model.is_file():
        print(f"error: no trained model at {model}: run `make train` first", file=sys.stderr)
        return 2
    # The model's SpacyNLP names its pipeline relative to the repository (build/spacy_pipeline).
    os.chdir(PROJECT_ROOT)
    plan = QUICK if args.quick else FULL
    load_start = os.getloadavg()
    try:
        figures = run_benchmark(
            plan, model, out_dir / "bench-var", args.train, progress=lambda step: print(f"bench: {step}", flush=True)
        )
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = build_report(
        figures,
        "quick" if args.quick else "full",
        plan.runs,
        {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in os.getloadavg()]},
    )
    json_path, markdown_path = write_report(report, out_dir)
    print(to_markdown(report))
    print(f"Wrote {json_path} and {markdown_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bot eval-report`: reads the intent reports `rasa test nlu` wrote and checks the targets.

`make eval` runs 5-fold cross-validation on the training data and a test of the trained model on
`tests/nlu_holdout.yml` (written apart from the training data, never trained on). This module
prints the per-intent table, the macro-F1 of each, and fails when the held-out figures miss the
targets: macro-F1 >= 0.95 over all intents and F1 >= 0.90 for every rejection category.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from bot.catalog import INTENT_PREFIX
from bot.errors import UserError

MACRO_F1_TARGET = 0.95
CATEGORY_F1_TARGET = 0.90
# Rows of Rasa's report that are averages, not intents.
_SUMMARY_ROWS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


def read_report(path: Path) -> tuple[list[IntentScore], float]:
    """(per-intent scores, macro-F1) from a Rasa `intent_report.json`."""
    if not path.is_file():
        raise UserError(f"no intent report at {path}: run `make eval`")
    report = json.loads(path.read_text())
    scores = [IntentScore(name, row["precision"], row["recall"], row["f1-score"], int(row["support"]))
              for name, row in sorted(report.items())
              if name not in _SUMMARY_ROWS and isinstance(row, dict) and row.get("support")]
    return scores, report["macro avg"]["f1-score"]


def shortfalls(scores: list[IntentScore], macro_f1: float) -> list[str]:
    problems = [] if macro_f1 >= MACRO_F1_TARGET else [
        f"macro-F1 {macro_f1:.3f} is below {MACRO_F1_TARGET}"]
    problems += [f"{s.intent} F1 {s.f1:.3f} is below {CATEGORY_F1_TARGET}" for s in scores
                 if s.intent.startswith(INTENT_PREFIX) and s.f1 < CATEGORY_F1_TARGET]
    return problems


def format_table(title: str, scores: list[IntentScore], macro_f1: float) -> str:
    lines = [f"## {title}", "", "| intent | precision | recall | F1 | support |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {s.intent} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |"
              for s in scores]
    lines += ["", f"macro-F1: {macro_f1:.3f}", ""]
    return "\n".join(lines)


def _report_command(args: argparse.Namespace) -> int:
    sections, problems = [], []
    for title, folder, gated in (("Held-out test set (tests/nlu_holdout.yml)", "holdout", True),
                                 ("5-fold cross-validation (data/nlu)", "cross-validation", False)):
        scores, macro_f1 = read_report(args.results / folder / "intent_report.json")
        sections.append(format_table(title, scores, macro_f1))
        if gated:
            problems = shortfalls(scores, macro_f1)
        print(f"{title}: macro-F1 {macro_f1:.3f} over {len(scores)} intents, "
              f"lowest {min(scores, key=lambda s: s.f1).intent} {min(s.f1 for s in scores):.3f}")
    (args.results / "nlu-evaluation.md").write_text("\n".join(sections))
    print(f"Tables: {args.results / 'nlu-evaluation.md'}; confusion matrices: "
          f"{args.results}/*/intent_confusion_matrix.png")
    for problem in problems:
        print(f"TARGET MISSED: {problem}")
    return 1 if problems else 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("eval-report", help="summarise `make eval` and check the F1 targets")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.set_defaults(func=_report_command)

"""`python -m bot`: the project's command line (run, run-cluster, classify, orders, build-nlp).

Each command lives next to the code it drives and registers itself here through a
`register(subparsers)` function that sets `func` on its parser; `func(args)` returns the
exit code. Errors meant for the user are `bot.core.errors.UserError`: printed on one line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bot.core.errors import UserError

# module path -> registers one or more sub-commands
COMMAND_MODULES = (
    "bot.ops.launcher",
    "bot.ops.cluster",
    "bot.nlu.classify",
    "bot.ops.orders_cli",
    "bot.nlu.pipeline",
    "bot.nlu.evaluation",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

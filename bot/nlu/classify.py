"""`python -m bot classify`: what the trained model makes of each message, as JSON lines.

It loads the same model file the server runs (models/assistant.tar.gz), parses each message
and prints `{"text", "intent", "category", "categories", "confidence", "entities"}`.
This module is an adapter: it is the one place in the command line that imports Rasa.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot import settings
from bot.core.errors import UserError
from bot.core.understanding import understand
from bot.settings import DEFAULT_MODEL


class Classifier:
    def __init__(self, model: Path = DEFAULT_MODEL):
        if not model.is_file():
            raise UserError(f"no trained model at {model}: run `make train` first")
        settings.set_default("RASA_TELEMETRY_ENABLED", "false")
        settings.set_default("TF_CPP_MIN_LOG_LEVEL", "2")
        logging.disable(logging.WARNING)  # keep stdout/stderr to the answers and real errors
        # The libraries' deprecation notes (~30 lines a run); they add their own filters on
        # import, so a filter set here would not hold.
        warnings.showwarning = lambda *args, **kwargs: None
        from rasa.core.agent import Agent  # heavy import, only once a model is known to exist
        from rasa.utils.log_utils import configure_structlog

        # Unconfigured, Rasa's structlog prints every parse (message text included) to stdout.
        configure_structlog(logging.WARNING)

        self._agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()

    def classify(self, text: str) -> dict:
        parse = self._loop.run_until_complete(self._agent.parse_message(text))
        return understand(parse).as_json()

    def classify_lines(self, lines: Iterable[str]) -> Iterator[dict]:
        for line in lines:
            if line.strip():
                yield self.classify(line.rstrip("\n"))


def _classify_command(args: argparse.Namespace) -> int:
    if args.text is not None and not args.text.strip():
        raise UserError("nothing to classify: --text is empty")
    classifier = Classifier(args.model)
    messages = [args.text] if args.text is not None else sys.stdin
    for result in classifier.classify_lines(messages):
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("classify", help="print the intent, rejection category and entities of each message")
    parser.add_argument("--text", help="one message (default: one message per line on stdin)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.set_defaults(func=_classify_command)

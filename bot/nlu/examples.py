"""Rasa NLU YAML files (data/nlu, tests/nlu_holdout.yml) read without Rasa: each example's
intent and its plain text, with the entity annotations taken out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.catalog import INTENT_PREFIX

# `[T-Mobile](carrier)` or `[T-Mobile]{"entity": "carrier"}` -> `T-Mobile`
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str

    @property
    def is_rejection(self) -> bool:
        return self.intent.startswith(INTENT_PREFIX)


def read_examples(path: Path) -> list[Example]:
    """The intent examples of one YAML file, or of every .yml file under a folder."""
    files = sorted(path.rglob("*.yml")) if path.is_dir() else [path]
    examples = []
    for file in files:
        for block in (yaml.safe_load(file.read_text()) or {}).get("nlu", []):
            for line in block.get("examples", "").splitlines() if "intent" in block else ():
                if line.strip().startswith("- "):
                    examples.append(Example(block["intent"], _ENTITY_ANNOTATION.sub(r"\1", line.strip()[2:].strip())))
    return examples


def same_text_key(text: str) -> str:
    """Two messages with the same key are the same message (case and spacing aside)."""
    return " ".join(text.lower().split())

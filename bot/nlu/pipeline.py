"""Builds the project's own spaCy pipeline, which Rasa's `SpacyNLP` loads from disk.

No pretrained spaCy model can be downloaded here, so the pipeline is a blank English
tokenizer, the lookup lemmatizer from `spacy-lookups-data` (its tables are saved into the
pipeline, so the package is needed only to build), and an entity ruler whose patterns come
from the catalog: carrier spellings (`carrier`), glossary terms (`term`) and the long
rejection codes (`rejection_code`). Each pattern's `id` is the canonical value.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.catalog import Catalog, load_catalog

if TYPE_CHECKING:  # spaCy (and TensorFlow behind it) loads only when a pipeline is built
    from spacy.language import Language

DEFAULT_OUTPUT = Path("build/spacy_pipeline")
PIPELINE_NAME = "porting_pipeline"
# Short carrier codes such as WPR "8A" collide with ordinary tokens; the notice parser reads
# them in context. Only codes with a letter run of 4+ are safe as entity ruler patterns.
_LONG_CODE = re.compile(r"[A-Za-z]{4,}")


def entity_patterns(catalog: Catalog) -> list[dict]:
    """The entity ruler's patterns: one per spelling, lower-cased (Rasa lower-cases text)."""
    patterns = []
    for carrier in catalog.carriers:
        for spelling in {carrier.name, *carrier.aliases}:
            patterns.append({"label": "carrier", "pattern": spelling.lower(), "id": carrier.name})
    for term in catalog.terms:
        for spelling in {term.term, *term.aliases}:
            patterns.append({"label": "term", "pattern": spelling.lower(), "id": term.id})
    for category in catalog.categories:
        for code in category.codes:
            if _LONG_CODE.search(code):
                patterns.append({"label": "rejection_code", "pattern": code.lower(), "id": category.id})
    return sorted(patterns, key=lambda p: (p["label"], p["pattern"]))


def build_pipeline(catalog: Catalog) -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    ruler.add_patterns(entity_patterns(catalog))
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English, lookup lemmatizer, catalog entity ruler"
    return nlp


def save_pipeline(nlp: Language, output: Path) -> None:
    # Write beside the target and swap, so a crash never leaves a half-written pipeline.
    staging = output.with_name(output.name + ".tmp")
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)


def _build_command(args: argparse.Namespace) -> int:
    nlp = build_pipeline(load_catalog())
    save_pipeline(nlp, args.output)
    patterns = len(nlp.get_pipe("entity_ruler").patterns)
    print(f"spaCy pipeline written to {args.output} ({patterns} entity patterns)")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("build-nlp", help="build the spaCy pipeline Rasa's SpacyNLP loads")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.set_defaults(func=_build_command)

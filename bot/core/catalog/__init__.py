"""The catalog: rejection categories, fix families, asked fields, losing carriers and glossary
terms, read from YAML. It is the one source of these lists: the category ids (the public
contract), the fix families and the fields the forms ask come from here, and a test checks that
domain.yml and the rules agree with it.

`load_catalog()` reads the YAML files of this directory,
checks them (a broken entry raises `UserError` naming the file and the entry) and returns
frozen records, so the rest of the bot can trust ids, fields and aliases as given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from rapidfuzz import fuzz, process

from bot.core.errors import UserError

DEFAULT_DIRECTORY = Path(__file__).resolve().parent
REJECTIONS_FILE, CARRIERS_FILE, GLOSSARY_FILE = "rejections.yml", "carriers.yml", "glossary.yml"
FIXES_FILE, FIELDS_FILE = "fixes.yml", "fields.yml"

INTENT_PREFIX = "rejection_"

FORMS = frozenset({"verify_form", "fix_form"})
ASKS = frozenset({"fields", "note", "nothing"})
SEEDS = frozenset({"000", "001", "beyond"})
# what a fix may need on paper: the LOA signed again in the chat, a bill uploaded in the chat
SIGNED_LOA, BILL = "signed_loa", "bill"
DOCUMENTS = frozenset({SIGNED_LOA, BILL})
CARRIER_KINDS = frozenset({"wireless", "wireline", "cable", "voip"})
COUNTRIES = frozenset({"US", "CA"})
_CODE = re.compile(r"[A-Za-z0-9_]+")
_ID = re.compile(r"[a-z][a-z0-9_]*")  # category, family and field ids: intent and slot names
TYPO_SCORE = 85  # rapidfuzz ratio at which a typed carrier name is taken as a typo of one we know
MIN_TYPO_LENGTH = 6  # letters a typed name needs before a typo in it is forgiven
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe loader, in C when built


def lookup_key(text: str) -> str:
    """Folds a name for matching: ignores case, accents, punctuation, spacing, "&" vs "and"."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "", folded.replace("&", " and "))


def words(text: str) -> tuple[str, ...]:
    """Lowercase words of a wording or code: `ACCOUNT_NUMBER-mismatch` -> (account, number, mismatch)."""
    return tuple(re.findall(r"[^\W_]+", text.casefold()))


@dataclass(frozen=True)
class Category:
    """One rejection category: what it means, what the customer does, how a notice shows it."""

    id: str
    title: str
    seeds: tuple[str, ...]
    meaning: str
    why: str
    steps: tuple[str, ...]
    fields: tuple[str, ...]
    fix: str
    carrier_notes: Mapping[str, str]
    phrases: tuple[str, ...]
    codes: tuple[str, ...]
    takes: tuple[str, ...] = ()  # fields never asked, but kept when the customer gives them
    sources: tuple[str, ...] = ()  # where the notice wording and codes were read (public material)
    documents: tuple[str, ...] = ()  # what the fix needs on paper: a newly signed LOA, a recent bill

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id


@dataclass(frozen=True)
class FixFamily:
    """How the chat fixes a category: what it asks (`fields`, a `note`, or `nothing`)."""

    id: str
    asks: str
    about: str


@dataclass(frozen=True)
class Field:
    """A slot a form asks for; in the fix form, the PortOrder field it changes (a note is not one)."""

    id: str
    form: str
    term: str
    secret: bool = False
    note: bool = False
    changes: str | None = None  # the PortOrder field it changes, when not the one named like it
    on_loa: bool = False  # printed on the letter of authorization: a change needs a new signature

    @property
    def order_field(self) -> str:
        return self.changes or self.id


@dataclass(frozen=True)
class Carrier:
    name: str
    kind: str
    country: str
    aliases: tuple[str, ...]
    pin_required: bool
    transfer_pin: str = ""


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    why_we_ask: str


@dataclass(frozen=True)
class Catalog:
    categories: tuple[Category, ...]
    fix_families: tuple[FixFamily, ...]
    fields: tuple[Field, ...]
    carriers: tuple[Carrier, ...]
    terms: tuple[Term, ...]
    # lookup_key(name or alias) -> record; built and checked for clashes by the loader
    _categories_by_id: Mapping[str, Category] = field(repr=False, compare=False)
    _carriers_by_key: Mapping[str, Carrier] = field(repr=False, compare=False)
    _terms_by_key: Mapping[str, Term] = field(repr=False, compare=False)

    def category(self, category_id: str) -> Category:
        try:
            return self._categories_by_id[category_id]
        except KeyError:
            known = ", ".join(self._categories_by_id)
            raise UserError(f"unknown rejection category {category_id!r}; known: {known}") from None

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(self._categories_by_id)

    def fix_family(self, family_id: str) -> FixFamily:
        return next(family for family in self.fix_families if family.id == family_id)

    def form_fields(self, form: str) -> tuple[Field, ...]:
        """The fields `form` asks for, in the order of fields.yml (the order domain.yml lists)."""
        return tuple(f for f in self.fields if f.form == form)

    def carrier(self, text: str) -> Carrier | None:
        """The carrier a customer means by `text` ("at and t", "T-Mobile", "vzw"), if any."""
        return self._carriers_by_key.get(lookup_key(text))

    def carrier_in(self, text: str, other_than: str | None = None) -> Carrier | None:
        """The carrier a sentence names ("vonage said it runs on bandwith"): its longest run of
        words that is a carrier's name or alias, spelled right or with a typo or two; with
        `other_than`, a carrier other than that one (the reseller the sentence also names)."""
        tokens = re.findall(r"[\w&.'-]+", text)
        keys = [key for key, carrier in self._carriers_by_key.items() if carrier.name != other_than]
        for size in range(min(4, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                key = lookup_key(" ".join(tokens[start : start + size]))
                if key in keys:
                    return self._carriers_by_key[key]
                # short keys ("att", "bell") are too near ordinary words to allow a typo
                if len(key) < MIN_TYPO_LENGTH:
                    continue
                near = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
                if near:
                    return self._carriers_by_key[near[0]]
        return None

    def term(self, text: str) -> Term | None:
        """The glossary term a customer means by `text` ("transfer pin", "CSR"), if any."""
        return self._terms_by_key.get(lookup_key(text))

    def intent_for(self, category_id: str) -> str:
        return self.category(category_id).intent

    def category_for_intent(self, intent: str) -> str | None:
        if not intent.startswith(INTENT_PREFIX):
            return None
        category_id = intent[len(INTENT_PREFIX) :]
        return category_id if category_id in self._categories_by_id else None


def load_catalog(directory: str | Path | None = None) -> Catalog:
    """Reads and checks the catalog; the bundled one (no `directory`) is read only once."""
    if directory is None:
        return _bundled_catalog()
    return _read_catalog(Path(directory))


@functools.lru_cache(maxsize=1)
def _bundled_catalog() -> Catalog:
    return _read_catalog(DEFAULT_DIRECTORY)


def _read_catalog(directory: Path) -> Catalog:
    carriers, carriers_by_key = _read_carriers(directory / CARRIERS_FILE)
    terms, terms_by_key = _read_terms(directory / GLOSSARY_FILE)
    families = _read_fix_families(directory / FIXES_FILE)
    fields = _read_fields(directory / FIELDS_FILE, {t.id for t in terms})
    order_fields = frozenset(f.id for f in fields if f.form == "fix_form" and not f.note)
    categories = _read_categories(
        directory / REJECTIONS_FILE, {c.name for c in carriers}, {f.id for f in families}, order_fields
    )
    return Catalog(
        categories=categories,
        fix_families=families,
        fields=fields,
        carriers=carriers,
        terms=terms,
        _categories_by_id=MappingProxyType({c.id: c for c in categories}),
        _carriers_by_key=MappingProxyType(carriers_by_key),
        _terms_by_key=MappingProxyType(terms_by_key),
    )


# --- reading and checking -------------------------------------------------------------------


class _Entry:
    """One YAML entry with typed getters whose errors name the file and the entry."""

    def __init__(self, path: Path, index: int, data: Any, label_key: str) -> None:
        label = data.get(label_key) if isinstance(data, dict) else None
        self.label = f"entry {label!r}" if isinstance(label, str) else f"entry #{index + 1}"
        self.where = f"{path}: {self.label}"
        if not isinstance(data, dict):
            raise self.error("must be a mapping of keys to values")
        self.data = data

    def error(self, problem: str) -> UserError:
        return UserError(f"{self.where}: {problem}")

    def check_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        required = set(required)
        missing = sorted(required - self.data.keys())
        unknown = sorted(self.data.keys() - required - set(optional), key=str)
        if missing:
            raise self.error(f"missing key(s): {', '.join(missing)}")
        if unknown:
            raise self.error(f"unknown key(s): {', '.join(map(str, unknown))}")

    def text(self, key: str, *, may_be_empty: bool = False, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not (value.strip() or may_be_empty):
            raise self.error(f"{key} must be {'a' if may_be_empty else 'a non-empty'} string")
        return value.strip()

    def texts(
        self, key: str, *, may_be_empty: bool = False, source: Mapping[str, Any] | None = None
    ) -> tuple[str, ...]:
        value = (self.data if source is None else source).get(key)
        if (
            not isinstance(value, list)
            or not (value or may_be_empty)
            or not all(isinstance(item, str) and item.strip() for item in value)
        ):
            raise self.error(f"{key} must be a {'' if may_be_empty else 'non-empty '}list of non-empty strings")
        return tuple(item.strip() for item in value)

    def choices(self, key: str, allowed: frozenset[str], **kwargs: Any) -> tuple[str, ...]:
        values = self.texts(key, **kwargs)
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise self.error(f"{key}: {', '.join(wrong)} not allowed; use {', '.join(sorted(allowed))}")
        if len(set(values)) != len(values):
            raise self.error(f"{key} lists a value twice")
        return values

    def choice(self, key: str, allowed: frozenset[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.error(f"{key} {value!r} not allowed; use {', '.join(sorted(allowed))}")
        return value


def _entries(path: Path, label_key: str) -> list[_Entry]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise UserError(f"{path}: catalog file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UserError(f"{path}: cannot read it as YAML: {error}") from None
    if not isinstance(data, list):
        raise UserError(f"{path}: must be a list of entries")
    return [_Entry(path, index, item, label_key) for index, item in enumerate(data)]


_R = TypeVar("_R")


def _index(entries: list[tuple[_Entry, _R]], keys_of: Callable[[_R], Iterable[str]]) -> dict[str, _R]:
    """Maps each folded name/alias to its record; one shared by two records is an error."""
    index: dict[str, tuple[_Entry, _R]] = {}
    for entry, record in entries:
        for key_text in keys_of(record):
            key = lookup_key(key_text)
            if not key:
                raise entry.error(f"name or alias {key_text!r} has no letters or digits")
            owner, _ = index.setdefault(key, (entry, record))
            if owner is not entry:
                raise entry.error(f"name or alias {key_text!r} already belongs to {owner.label}")
    return {key: record for key, (_, record) in index.items()}


def _identifier(entry: _Entry, key: str, seen: set[str]) -> str:
    """An id that can be an intent or slot name, not used before in its file."""
    value = entry.text(key)
    if not _ID.fullmatch(value):
        raise entry.error(f"{key} {value!r} must be lowercase letters, digits and underscores")
    if value in seen:
        raise entry.error(f"duplicate {key}")
    seen.add(value)
    return value


def _flag(entry: _Entry, key: str) -> bool:
    value = entry.data.get(key, False)
    if not isinstance(value, bool):
        raise entry.error(f"{key} must be true or false")
    return value


def _read_fix_families(path: Path) -> tuple[FixFamily, ...]:
    seen: set[str] = set()
    families = []
    for entry in _entries(path, "id"):
        entry.check_keys(("id", "asks", "about"))
        families.append(
            FixFamily(id=_identifier(entry, "id", seen), asks=entry.choice("asks", ASKS), about=entry.text("about"))
        )
    return tuple(families)


def _read_fields(path: Path, term_ids: set[str]) -> tuple[Field, ...]:
    seen: set[str] = set()
    fields = []
    for entry in _entries(path, "id"):
        entry.check_keys(("id", "form", "term"), ("secret", "note", "changes", "on_loa"))
        field_id = _identifier(entry, "id", seen)
        term = entry.choice("term", frozenset(term_ids))
        fields.append(
            Field(
                id=field_id,
                form=entry.choice("form", FORMS),
                term=term,
                secret=_flag(entry, "secret"),
                note=_flag(entry, "note"),
                changes=entry.data.get("changes"),
                on_loa=_flag(entry, "on_loa"),
            )
        )
    if sum(f.note for f in fields) != 1:
        raise UserError(f"{path}: exactly one field must be the note (note: true)")
    return tuple(fields)


def _read_categories(
    path: Path, carrier_names: set[str], families: set[str], order_fields: frozenset[str]
) -> tuple[Category, ...]:
    by_id: dict[str, Category] = {}
    seen_wordings: set[tuple[str, ...]] = set()
    for entry in _entries(path, "id"):
        entry.check_keys(
            ("id", "title", "seeds", "meaning", "why", "steps", "fields", "fix", "carrier_notes", "notice"),
            ("takes", "sources", "documents"),
        )
        category_id = _identifier(entry, "id", set(by_id))
        notice = entry.data["notice"]
        if not isinstance(notice, dict) or set(notice) != {"phrases", "codes"}:
            raise entry.error("notice must be a mapping with exactly the keys phrases and codes")
        phrases = entry.texts("phrases", source=notice)
        codes = entry.texts("codes", source=notice, may_be_empty=True)
        if any(p != p.lower() for p in phrases):
            raise entry.error("notice phrases must be lowercase")
        if not all(_CODE.fullmatch(code) for code in codes):
            raise entry.error("notice codes may only hold letters, digits and underscores")
        for wording in phrases + codes:
            # one wording, one category: otherwise a notice could not be read unambiguously
            if not words(wording) or words(wording) in seen_wordings:
                raise entry.error(f"notice wording {wording!r} is empty or listed twice")
            seen_wordings.add(words(wording))
        notes = entry.data["carrier_notes"]
        if not isinstance(notes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in notes.items()
        ):
            raise entry.error("carrier_notes must map carrier names to non-empty text")
        unknown_carriers = sorted(set(notes) - carrier_names)
        if unknown_carriers:
            raise entry.error(f"carrier_notes: {', '.join(unknown_carriers)} not in {CARRIERS_FILE}")
        by_id[category_id] = Category(
            id=category_id,
            title=entry.text("title"),
            seeds=entry.choices("seeds", SEEDS),
            meaning=entry.text("meaning"),
            why=entry.text("why"),
            steps=entry.texts("steps"),
            fields=entry.choices("fields", order_fields, may_be_empty=True),
            takes=entry.choices("takes", order_fields, may_be_empty=True) if "takes" in entry.data else (),
            fix=entry.choice("fix", frozenset(families)),
            carrier_notes=MappingProxyType({k: v.strip() for k, v in notes.items()}),
            phrases=phrases,
            codes=codes,
            sources=entry.texts("sources") if "sources" in entry.data else (),
            documents=entry.choices("documents", DOCUMENTS) if "documents" in entry.data else (),
        )
    if not by_id:
        raise UserError(f"{path}: no categories")
    return tuple(by_id.values())


def _read_carriers(path: Path) -> tuple[tuple[Carrier, ...], dict[str, Carrier]]:
    records: list[tuple[_Entry, Carrier]] = []
    for entry in _entries(path, "name"):
        entry.check_keys(("name", "kind", "country", "aliases", "pin_required"), ("transfer_pin",))
        if not isinstance(entry.data["pin_required"], bool):
            raise entry.error("pin_required must be true or false")
        records.append(
            (
                entry,
                Carrier(
                    name=entry.text("name"),
                    kind=entry.choice("kind", CARRIER_KINDS),
                    country=entry.choice("country", COUNTRIES),
                    aliases=entry.texts("aliases", may_be_empty=True),
                    pin_required=entry.data["pin_required"],
                    transfer_pin=entry.text("transfer_pin", default="", may_be_empty=True),
                ),
            )
        )
    by_key = _index(records, lambda carrier: (carrier.name,) + carrier.aliases)
    return tuple(record for _, record in records), by_key


def _read_terms(path: Path) -> tuple[tuple[Term, ...], dict[str, Term]]:
    records: list[tuple[_Entry, Term]] = []
    for entry in _entries(path, "id"):
        entry.check_keys(("id", "term", "aliases", "definition", "why_we_ask"))
        records.append(
            (
                entry,
                Term(
                    id=entry.text("id"),
                    term=entry.text("term"),
                    aliases=entry.texts("aliases"),
                    definition=entry.text("definition"),
                    why_we_ask=entry.text("why_we_ask", may_be_empty=True),
                ),
            )
        )
    by_key = _index(records, lambda term: (term.id, term.term) + term.aliases)
    return tuple(record for _, record in records), by_key


# The public contract, in the order of rejections.yml: NLU intents (`rejection_<id>`), stories and
# stored rejection histories use these ids.
CATEGORY_IDS: tuple[str, ...] = load_catalog().category_ids

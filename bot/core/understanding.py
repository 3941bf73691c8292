"""What a parsed customer message means for porting: its rejection categories and entities.

Shared by the action server and `python -m bot classify`, so the bot and the command read a
message the same way. Input is the parse dict Rasa produces (intent, entities, text); no Rasa
import is needed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core import validators
from bot.core.catalog import Catalog, load_catalog
from bot.core.notices import find_categories

# Intents under which a message may be (or contain) a rejection notice. Others, such as a
# glossary question ("what is a port freeze?"), name a category's words without being one.
# intents whose message may still hold a notice's wording: "my port was rejected", an unsure
# classification, and a porting question that names the reason ("at&t says the name doesnt match,
# will the phones still work?")
NOTICE_INTENTS = frozenset({"port_rejected", "nlu_fallback", "faq", None})


@dataclass(frozen=True)
class Understanding:
    text: str
    intent: str | None
    confidence: float
    categories: tuple[str, ...]
    entities: tuple[dict, ...]
    answer: str | None = None  # the porting FAQ answer the response selector picked ("faq/how_long")

    @property
    def category(self) -> str | None:
        return self.categories[0] if self.categories else None

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "intent": self.intent,
            "category": self.category,
            "categories": list(self.categories),
            "confidence": round(self.confidence, 4),
            "entities": list(self.entities),
            "answer": self.answer,
        }


def categories_for(intent: str | None, text: str, catalog: Catalog | None = None) -> list[str]:
    """The categories a message is about, the main one first.

    A pasted notice's own wording and codes are the strongest evidence, and a notice can
    list several reasons, so the notice parser decides which categories are present; the
    classifier's intent picks the main one among them, or stands alone when the message
    has no notice wording (a customer's own words).
    """
    catalog = catalog or load_catalog()
    from_intent = catalog.category_for_intent(intent) if intent else None
    if not from_intent and intent not in NOTICE_INTENTS:
        return []
    from_notice = [match.category for match in find_categories(text)]
    if not from_notice:
        return [from_intent] if from_intent else []
    main = from_intent if from_intent in from_notice else from_notice[0]
    return [main] + [category for category in from_notice if category != main]


def normalise_entity(entity: dict, catalog: Catalog) -> dict | None:
    """The entity with its canonical value (carrier name, E.164 number, term id); None drops it."""
    kind, raw = entity.get("entity"), str(entity.get("value", ""))
    if kind == "carrier":
        carrier = catalog.carrier(raw)
        value = carrier.name if carrier else raw
    elif kind == "term":
        term = catalog.term(raw)
        value = term.id if term else raw
    elif kind == "phone_number":
        try:
            value = validators.phone_number(raw)
        except validators.ValidationError:
            return None  # digits that are not a dialable number are not a phone number
    elif kind == "order_id":
        value = raw.upper()
    else:
        value = raw
    return {
        "entity": kind,
        "value": value,
        "text": raw,
        "start": entity.get("start"),
        "end": entity.get("end"),
        "extractor": entity.get("extractor"),
    }


def normalise_entities(entities: list[dict], catalog: Catalog | None = None) -> tuple[dict, ...]:
    catalog = catalog or load_catalog()
    seen, result = set(), []
    for entity in entities:
        normalised = normalise_entity(entity, catalog)
        key = normalised and (normalised["entity"], normalised["value"])
        if normalised and key not in seen:
            seen.add(key)
            result.append(normalised)
    return tuple(result)


def understand(parse: dict, catalog: Catalog | None = None) -> Understanding:
    catalog = catalog or load_catalog()
    text = parse.get("text") or ""
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    return Understanding(
        text=text,
        intent=intent,
        confidence=confidence,
        categories=tuple(categories_for(intent, text, catalog)),
        entities=normalise_entities(parse.get("entities") or [], catalog),
        answer=((parse.get("response_selector") or {}).get("faq") or {}).get("response", {}).get("intent_response_key"),
    )


# What a follow-up question holds besides the terms it names ("and CSR?", "what about the FOC").
_FOLLOW_UP_WORDS = frozenset("and what whats what's about how abt also plus then so ok the a an is".split())


def follow_up_terms(parse: dict, catalog: Catalog | None = None) -> list[str]:
    """The glossary terms a message asks about when it is nothing but them and a few connecting
    words ("and CSR?" after "what's an LOA?"), which the classifier is often unsure of; empty for
    anything else."""
    text = parse.get("text") or ""
    spans = [(e["start"], e["end"]) for e in parse.get("entities") or [] if e.get("entity") == "term" and "end" in e]
    if not spans:
        return []
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    if not all(word in _FOLLOW_UP_WORDS for word in re.findall(r"[a-z']+", rest.casefold())):
        return []
    terms = [e for e in normalise_entities(parse.get("entities") or [], catalog) if e["entity"] == "term"]
    return list(dict.fromkeys(e["value"] for e in terms))

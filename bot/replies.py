"""What the assistant says, composed from the catalog: plain data that any channel can send.

Actions turn a `Reply` into a Rasa message; keeping the wording here lets it be tested
without Rasa and keeps every explanation in one place.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


def category_button(category_id: str, catalog: Catalog, prefix: str = "") -> Button:
    category = catalog.category(category_id)
    return Button(f"{prefix}{category.title}", f"/{catalog.intent_for(category_id)}")


def explain_rejection(category_id: str, carrier: str | None = None, also: tuple[str, ...] = (),
                      catalog: Catalog | None = None) -> list[Reply]:
    """The explanation of one category, its steps (first step first) and what else the notice said."""
    catalog = catalog or load_catalog()
    category = catalog.category(category_id)
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(category.steps, start=1))
    replies = [
        Reply(f"{category.title}: {category.meaning} {category.why}"),
        Reply(f"First step: {category.steps[0]}\n\nThe whole fix:\n{steps}"),
    ]
    note = category.carrier_notes.get(carrier) if carrier else None
    if note:
        replies.append(Reply(f"For {carrier}: {note}"))
    if also:
        titles = ", ".join(catalog.category(other).title for other in also)
        replies.append(Reply(f"Your notice also mentions: {titles}. We'll take them one at a time.",
                             tuple(category_button(other, catalog, "Explain: ") for other in also)))
    return replies


def define_term(term_id: str | None, catalog: Catalog | None = None) -> Reply:
    catalog = catalog or load_catalog()
    term = catalog.term(term_id) if term_id else None
    if term is None:
        examples = ", ".join(t.term for t in catalog.terms[:6])
        return Reply(f"Which term would you like explained? For example: {examples}.")
    why = f"\nWhy we ask: {term.why_we_ask}" if term.why_we_ask else ""
    return Reply(f"{term.term}: {term.definition}{why}")


def clarify_rejection(candidates: list[str], catalog: Catalog | None = None) -> Reply:
    """A question with a button per likely category, instead of a dead end."""
    catalog = catalog or load_catalog()
    if not candidates:
        return Reply("Sorry, I didn't catch that. If your port was rejected, paste the carrier's "
                     "notice or tell me the reason in your own words (for example \"they said the "
                     "PIN is wrong\").")
    buttons = [category_button(category_id, catalog) for category_id in candidates]
    buttons.append(Button("Something else", "/port_rejected"))
    return Reply("I'm not sure I understood. Is your rejection about one of these?", tuple(buttons))

"""Customer conversations as data: who the customer is, what they write, and the end state.

Each YAML file in this folder holds conversations of one kind of customer (sentences, everything
at once, side questions, corrections...). A conversation runs against its own fresh copy of a
demo order, so conversations never see each other's changes; `{order}` in a message stands for
that copy's id, and `{zip}` and `{email}` for its verifiers. A turn `{signs: "Leo Marsh"}` is
the customer signing, under that name, the newest letter of authorization the chat linked to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.core import answers
from bot.core.orders.demo import DEMO_ORDERS, FIRST_DEMO_NUMBER
from bot.core.orders.records import PortOrder
from bot.core.orders.store import OrderStore
from tests.conftest import RestClient, sign_letter, sign_links

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Turn:
    say: str
    expect: tuple[str, ...] = ()  # each must be in the bot's answer (case-insensitive)
    refuse: tuple[str, ...] = ()  # none may be in it
    signs: str | None = None  # the name typed on the signing page instead of a message


@dataclass(frozen=True)
class Conversation:
    name: str
    kind: str
    demo: str | None  # the demo order copied for this conversation (PO-100xx), or none
    turns: tuple[Turn, ...]
    status: str | None  # the order's status at the end
    fields: dict = field(default_factory=dict)  # order fields at the end; "pin" is compared decrypted
    # whether a ticket must (True) or must not (False) exist at the end, or how many exactly
    ticket: bool | int | None = None
    secrets: tuple[str, ...] = ()  # typed in the chat; must not be stored in clear anywhere
    # (category, notice) the copy is rejected for instead of the demo's own rejection
    rejections: tuple[tuple[str, str], ...] = ()


def _turn(data: str | dict) -> Turn:
    if isinstance(data, str):
        return Turn(data)
    return Turn(
        data.get("say", ""), tuple(_listed(data.get("expect"))), tuple(_listed(data.get("refuse"))), data.get("signs")
    )


def take_turn(customer: RestClient, turn: Turn, order: PortOrder | None, transcript: list[str]) -> tuple[str, str]:
    """(what the customer did, what they read): a message and the bot's answer, or a signature on
    the newest letter the chat linked to and the page that answered it."""
    if turn.signs is None:
        said = fill(turn.say, order)
        answer = customer.texts(said)
        transcript += [f"customer: {said}", f"bot: {answer}"]
        return said, answer
    links = sign_links("\n".join(transcript))
    assert links, "the customer is to sign, but the chat gave no link to sign\n" + "\n".join(transcript)
    page = sign_letter(links[-1], turn.signs, address=customer.address)
    transcript += [f"customer signs as {turn.signs}: HTTP {page.status_code}"]
    return f"(signs as {turn.signs})", page.text


def _listed(value: str | list | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def load(folder: Path = HERE) -> list[Conversation]:
    conversations = []
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            end = item.get("end", {})
            conversations.append(
                Conversation(
                    name=item["name"],
                    kind=path.stem,
                    demo=item.get("demo"),
                    turns=tuple(_turn(turn) for turn in item["turns"]),
                    rejections=tuple((r["category"], r["notice"]) for r in item.get("rejections", ())),
                    status=end.get("status"),
                    fields=end.get("fields", {}),
                    ticket=end.get("ticket"),
                    secrets=tuple(str(secret) for secret in item.get("secrets", ())),
                )
            )
    names = [c.name for c in conversations]
    duplicated = {name for name in names if names.count(name) > 1}
    assert not duplicated, f"conversation names used twice: {duplicated}"
    return conversations


def copy_of_demo(store: OrderStore, conversation: Conversation) -> PortOrder:
    """A new order with the demo order's data and its rejection (or the conversation's own
    rejections), under an id of its own."""
    demo_category, demo_notice, order = DEMO_ORDERS[int(conversation.demo.removeprefix("PO-")) - FIRST_DEMO_NUMBER]
    copy = store.add(replace(order, customer_id=None), actor="test")
    for category, notice in conversation.rejections or ((demo_category, demo_notice),):
        copy = store.record_rejection(copy.order_id, category, notice)
    return copy


def fill(text: str, order: PortOrder | None) -> str:
    if order is None:
        return text
    return (
        text.replace("{order}", order.order_id)
        .replace("{zip}", order.service_zip or "")
        .replace("{email}", order.contact_email or "")
    )


def typed_secrets(conversation: Conversation, order: PortOrder | None) -> set[str]:
    """Every secret the customer types, as typed: the ones the conversation names and every PIN,
    SSN last four or account number the value reader finds in any of its messages."""
    found = set(conversation.secrets)
    for turn in conversation.turns:
        text = fill(turn.say, order)
        for name, value in answers.extract_all(text).items():
            if name in answers.SECRET_FIELDS:
                found.add(text[value.span[0] : value.span[1]])
    return found

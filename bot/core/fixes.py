"""Fixing a rejected port order: which fields a category needs, checking each answer, and the change.

The chat asks for the fields of the category's fix family (`fix` in the catalog), checks every
answer here, keeps secrets encrypted between turns, and finally turns the answers into one
change for the order store. No Rasa import: the actions are thin wrappers around this.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from bot.core import answers, decisions, validators
from bot.core.catalog import BILL, SIGNED_LOA, Category, load_catalog, lookup_key
from bot.core.orders.records import Document, OrderStatus, PortOrder
from bot.core.secrets import SecretBox, is_ciphertext, mask
from bot.core.validators import ValidationError

_CATALOG = load_catalog()
# Fix families whose fields are asked in the chat; the others need the customer elsewhere.
FORM_FAMILIES = frozenset(family.id for family in _CATALOG.fix_families if family.asks == "fields")
NOTE_FAMILIES = frozenset(family.id for family in _CATALOG.fix_families if family.asks == "note")
CHECKLIST_FIELD = next(field.id for field in _CATALOG.fields if field.note)
SECRET_FIELDS = frozenset(field.id for field in _CATALOG.fields if field.secret)
MAX_NOTE_LENGTH = 500

# slot -> glossary term explaining it (for "why do you need this?" and "I don't know")
FIELD_TERMS = {field.id: field.term for field in _CATALOG.fields}
# the PortOrder field each fix field changes (the underlying network becomes the losing carrier)
ORDER_FIELDS = {field.id: field.order_field for field in _CATALOG.fields if field.form == "fix_form" and not field.note}
UNDERLYING_CARRIER = "underlying_carrier"
# the order fields printed on the letter of authorization: changing one needs a new signature
LETTER_FIELDS = frozenset(field.order_field for field in _CATALOG.fields if field.on_loa)

_PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box)\b", re.IGNORECASE)
_STREET = re.compile(r"\d+\S*\s+\S+")
_KEEP = re.compile(r"\b(keep|stay|remain|active|stand[\s-]?alone|leave)\b", re.IGNORECASE)
_DISCONNECT = re.compile(r"\b(disconnect|cancel|close|drop|terminate|remove)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FixContext:
    """What an answer is checked against: the order being fixed and today's date."""

    order: PortOrder
    today: date


# A split-off order (a draft holding the numbers a split moved off) needs the details of the
# account those numbers are on, and a PIN where the carrier wants one for every port.
SPLIT_OFF_FIELDS = ("account_number", "account_name", "service_address", "service_zip")


# the reason a split-off order exists: its numbers are on another account
SPLIT_CATEGORY = next(category.id for category in _CATALOG.categories if category.fix == "split")


def is_split_off(order: PortOrder) -> bool:
    return order.status is OrderStatus.DRAFT


def fields_to_ask(category: Category, order: PortOrder) -> list[str]:
    """The slots the chat asks for, in order; empty for categories a person must handle."""
    if is_split_off(order):
        carrier = _CATALOG.carrier(order.losing_carrier or "")
        pin = ["pin"] if carrier and carrier.pin_required else []
        return [*SPLIT_OFF_FIELDS, *pin] if category.fix == "split" else []
    if category.fix in NOTE_FAMILIES:  # what the step needs on the order (a transfer PIN), then the note
        return [*category.fields, CHECKLIST_FIELD]
    if category.fix not in FORM_FAMILIES:
        return []
    fields = list(category.fields)
    if category.fix == "remaining_services" and order.btn and order.btn not in order.numbers:
        fields.remove("btn")  # the BTN stays with the remaining services: nothing to replace
    return fields


def fields_for(categories: Sequence[Category], order: PortOrder) -> list[str]:
    """The slots one fix asks for several reasons at once: every field once, the note last."""
    fields = [field for category in categories for field in fields_to_ask(category, order)]
    unique = list(dict.fromkeys(fields))
    return [f for f in unique if f != CHECKLIST_FIELD] + [f for f in unique if f == CHECKLIST_FIELD]


# Every resubmission can carry the day the customer wants the number to move ("it can port once
# the contract ends on the 31st", "we're closed mondays, so monday the 14th"): kept when given.
ANY_FIX_TAKES = ("requested_foc_date",)


def fields_taken(categories: Sequence[Category], order: PortOrder) -> list[str]:
    """The fields a fix asks for, then those it keeps when given unasked (a transfer PIN, a port date)."""
    asked = fields_for(categories, order)
    taken = [field for category in categories for field in category.takes]
    return list(dict.fromkeys([*asked, *taken, *(ANY_FIX_TAKES if asked else ())]))


def needs_new_signature(categories: Sequence[Category]) -> bool:
    """A category whose fix is a newly signed letter even when nothing on it changes (an LOA the
    carrier found missing or unreadable); any fix that changes a LETTER_FIELDS field needs one too."""
    return any(SIGNED_LOA in category.documents for category in categories)


def wants_bill(categories: Sequence[Category]) -> bool:
    return any(BILL in category.documents for category in categories)


def service_address(text: str, context: FixContext) -> str:
    address = validators.plain_text(text)
    if _PO_BOX.search(address):
        raise ValidationError(
            "A PO box can't be a service address: carriers check the street address "
            'where the line is installed or billed for service, such as "1840 W Belmont Ave".'
        )
    if not _STREET.search(address) or len(address) > 120:
        raise ValidationError(
            "Please give the street address with its number, exactly as on your "
            'carrier\'s record, for example "1840 W Belmont Ave".'
        )
    return address


def short_text(label: str, limit: int) -> Callable[[str, FixContext], str]:
    def check(text: str, context: FixContext) -> str:
        value = validators.plain_text(text)
        if len(value) > limit:
            raise ValidationError(f"Please give the {label} in at most {limit} characters.")
        return value

    return check


def port_date(text: str, context: FixContext) -> str:
    carrier = _CATALOG.carrier(context.order.losing_carrier or "")
    return validators.port_date(text, context.today, carrier.country if carrier else "US").isoformat()


_LAST_FOUR = re.compile(r"(?<![\d-])\d{4}(?![\d-])")


def order_numbers_named(text: str, order: PortOrder) -> list[str]:
    """The numbers an answer names: typed in full, or by their last four digits ("the 0114
    line") when those end exactly one of the order's numbers."""
    try:
        return validators.phone_numbers(text)
    except ValidationError:
        endings = _LAST_FOUR.findall(text)
        named = [number for ending in endings for number in order.numbers if number.endswith(ending)]
        if not named or len(named) != len(endings):
            raise
        return list(dict.fromkeys(named))


def numbers_staying(text: str, context: FixContext) -> list[str]:
    """The order's numbers that belong on it; the others move to an order of their own."""
    numbers = order_numbers_named(text, context.order)
    foreign = [n for n in numbers if n not in context.order.numbers]
    if foreign:
        raise ValidationError(
            f"{', '.join(foreign)} is not on this order. Choose among: {', '.join(context.order.numbers)}."
        )
    if len(numbers) == len(context.order.numbers):
        raise ValidationError(
            "That is every number on the order; to split it, leave out the numbers that are on another account."
        )
    return numbers


def remaining_disposition(text: str, context: FixContext) -> str:
    """'keep' or 'disconnect' the services that stay behind, with the numbers to disconnect."""
    if _DISCONNECT.search(text) and not _KEEP.search(text):
        named = validators.phone_numbers(text) if re.search(r"\d{3}", text) else []
        moving = [number for number in named if number in context.order.numbers]
        if moving:  # a number moving to us is never one to disconnect at the old carrier
            raise ValidationError(
                f"{', '.join(moving)} is moving to us with this order, so it isn't disconnected. Which of the "
                'services that stay should be disconnected, or should they stay active ("keep them")?'
            )
        return "disconnect" + (": " + ", ".join(named) if named else " all remaining services")
    if _KEEP.search(text):
        return "keep remaining services active"
    raise ValidationError(
        'Should the other services on the account stay active ("keep them") or be '
        'disconnected ("disconnect 718-555-0119")?'
    )


def pilot_number(text: str, context: FixContext) -> str:
    """The line that heads the hunt group once ours leave: it stays with the losing carrier, so
    a number moving with this order cannot be it."""
    number = validators.phone_number(text)
    if number in context.order.numbers:
        raise ValidationError(
            f"{number} is moving to us with this order, so it cannot head the hunt group afterwards. "
            f"The new pilot must be a line that stays with {context.order.losing_carrier or 'your current carrier'}."
        )
    return number


# "it's Bandwidth", "they said it runs on Lumen": the words before the network's name
_CARRIER_LEAD = re.compile(
    r"^(?:(?:i think|probably|maybe|they said|it'?s|it is|its|they use|it runs on|runs on|the network is|on)\s+)+",
    re.IGNORECASE,
)


_UNSURE = re.compile(r"\b(?:idea|know|sure|dunno|unsure|no clue)\b|\?", re.IGNORECASE)


def underlying_carrier(text: str, context: FixContext) -> str:
    """The network a resold line really runs on, as our catalog names it when we know it; the
    reseller itself (the order's losing carrier until now) is not an answer."""
    known = _CATALOG.carrier_in(text)
    name = known.name if known else validators.plain_text(_CARRIER_LEAD.sub("", text.strip()))
    reseller = context.order.losing_carrier or ""
    if lookup_key(name) == lookup_key(reseller):
        raise ValidationError(
            f"{reseller} is the provider that resells the line. Which network does the line really run "
            f"on? It is named on the customer service record, or {reseller} can tell you."
        )
    return name


def _read_carrier(text: str, reseller: str | None) -> str | None:
    """The network named in an answer: a carrier we know, or a short name typed alone."""
    known = _CATALOG.carrier_in(text, other_than=reseller)
    if known:
        return known.name
    name = _CARRIER_LEAD.sub("", text.strip()).strip(" .!")
    if (
        not re.search(r"[^\W\d_]{2}", name)
        or len(name.split()) > 4
        or answers.is_only_filler(name)
        or _UNSURE.search(name)
    ):
        return None
    return name


def account_number(text: str, context: FixContext) -> str:
    """The account number; one of the order's phone numbers typed by mistake is refused."""
    number = validators.account_number(text)
    phones = {n.removeprefix("+1") for n in (*context.order.numbers, context.order.btn or "") if n}
    if number in phones or number.removeprefix("1") in phones:
        raise ValidationError(
            "That is a phone number on the order, not the account number. The account number is printed "
            "on your bill (wireless carriers give a separate one for porting)."
        )
    return number


def _plain(check: Callable[[str], object]) -> Callable[[str, FixContext], object]:
    return lambda text, context: check(text)


# slot -> how an answer is checked and normalised
FIELD_CHECKS: dict[str, Callable[[str, FixContext], object]] = {
    "account_name": _plain(validators.account_name),
    "account_number": account_number,
    "btn": _plain(validators.btn),
    "service_address": service_address,
    "service_zip": _plain(validators.zip_code),
    "authorized_name": _plain(validators.person_name),
    "authorized_title": short_text("job title", 60),
    "authorized_email": _plain(validators.email),
    "pin": _plain(validators.pin),
    "requested_foc_date": port_date,
    "remaining_disposition": remaining_disposition,
    "pilot_number": pilot_number,
    "numbers": numbers_staying,
    UNDERLYING_CARRIER: underlying_carrier,
    CHECKLIST_FIELD: short_text("note of what you did (for example a confirmation number)", MAX_NOTE_LENGTH),
}


# "done", "ALREADY DONE.", "yes I paid": the step is done, with nothing to tell the carrier
_DONE_STEP = (
    r"done|did (it|that)|finished|paid|settled|unlocked|unfrozen|cancell?ed|lifted|removed|cleared|"
    r"re-?activated|reinstated|restored|(back|turned) on|turned (it |that )?off|switched off|disabled|active again|"
    r"working again|rings( through| now)?"
)
_STEP_DONE = re.compile(rf"\b({_DONE_STEP})\b", re.I)
# asked whether the step is done, a plain "yes" says so too
_DONE = re.compile(rf"\b({_DONE_STEP}|yes|yep|ya|yeah)\b", re.I)
DONE_NOTE = "done (the customer confirmed it in the chat)"


def says_done(text: str) -> bool:
    """A message that reports the step done ("we paid the termination fee, ref SPX-55120"), not a
    question, nor a bare "yes" (that answers "shall we fix it?", not "is it done?")."""
    return bool(_STEP_DONE.search(text)) and not text.strip().endswith("?")


def answers_anyway(field: str, text: str) -> bool:
    """Whether a message answers the question for `field` whatever else it was taken for: it says
    the checklist step is done, or holds a value of the field's own shape (a PIN, a ZIP)."""
    if field == CHECKLIST_FIELD:
        return says_done(text) and checklist_note(text) is not None
    return field in _SHAPED and answers.extract(field, text) is not None


# Fields whose value no ordinary sentence holds by chance: digits in their own shape, an e-mail.
_SHAPED = frozenset({"pin", "account_number", "btn", "service_zip", "pilot_number", "authorized_email"})


def checklist_note(text: str) -> str | None:
    """The note for the carrier in a checklist answer: what the customer did in their words, or
    that it is done when they only said so; None for a message with neither (a complaint), and
    for a request for a person or a question with nothing done in it: those are answered instead."""
    if decisions.asks_for_a_person(text):
        return None
    clauses = [c.strip() for c in re.split(r"(?<=[.,;!?])\s+", text) if c.strip()]
    # a question asks, it tells the carrier nothing ("done, they lifted it. can you resubmit now?")
    told = [c for c in clauses if not (c.endswith("?") or decisions.asks_something(c))]
    if not told:
        return None
    if not answers.is_only_filler(" ".join(told)):
        # what the customer did, without the clauses that only say so ("Yes I did it already, as I said ...")
        kept = " ".join(c for c in told if not answers.is_only_filler(c))
        return answers.masked(kept, answers.extract_all(kept))  # a PIN typed in passing is no note
    return DONE_NOTE if _DONE.search(text) else None


# Fields whose check takes almost any words: a word the reader found no value in is not given to it.
_FREE_TEXT = frozenset({"authorized_name", "authorized_title", "service_address", "remaining_disposition"})


def read_answer(field: str, text: str, today: date, order: PortOrder | None = None) -> tuple[str | None, str | None]:
    """(value, problem) of a message answering the question for `field`.

    The value is read out of the sentence; a one-word answer that is no value ("1" for a PIN,
    "42" for a name) goes to the field's check as typed, so the customer hears what is wrong with
    it; anything else without a value (a complaint, a question) is (None, None): asked again."""
    if field == CHECKLIST_FIELD:
        return checklist_note(text), None
    if field == UNDERLYING_CARRIER:
        return _read_carrier(text, order.losing_carrier if order else None), None
    found = answers.extract(field, text, today=today)
    if found:
        return found.value, found.problem
    word = text.strip()
    if field not in _FREE_TEXT and word and not re.search(r"\s", word) and not answers.is_only_filler(word):
        return word, None
    return None, None


# A name typed without saying whose: the name field the fix asks for.
_NAME_FIELDS = ("account_name", "authorized_name")


def values_for(fields: list[str], found: dict[str, str]) -> dict[str, str]:
    """The values read from a message (`answers.extract_all`) that belong to this fix's `fields`.

    "the name should be X" is read as the account name; when the fix asks for the authorized
    person's name instead, that is the name the customer means."""
    values = {field: value for field, value in found.items() if field in fields}
    asked_names = [name for name in _NAME_FIELDS if name in fields]
    for name in _NAME_FIELDS:
        if name in found and name not in fields and len(asked_names) == 1:
            values.setdefault(asked_names[0], found[name])
    if "ssn_last4" in found and "pin" in fields:  # "the PIN is the last 4 of my SSN, 8592"
        values.setdefault("pin", found["ssn_last4"])
    if "email" in found and "authorized_email" in fields:
        values.setdefault("authorized_email", found["email"])
    if "confirmation_number" in found and CHECKLIST_FIELD in fields:
        values.setdefault(CHECKLIST_FIELD, f"confirmation number {found['confirmation_number']}")
    return values


# Fields whose values are known by their shape alone (a date, a ZIP, a phone number, an e-mail):
# at the summary, "make it the 17th instead" changes the date without naming it.
_KNOWN_BY_SHAPE = (
    "requested_foc_date",
    "service_address",
    "service_zip",
    "btn",
    "pilot_number",
    "authorized_email",
    "remaining_disposition",
)


# A business name shows itself by its legal ending ("Bayview Dental Group, LLC" typed while the
# service address is asked is the account name the fix asks next).
_LEGAL_NAME = re.compile(r"\b(?:l\.?l\.?c|inc|corp|corporation|ltd|l\.?l\.?p|p\.?l\.?l\.?c|co)\b\.?\s*$", re.IGNORECASE)


def unlabeled_change(fields: list[str], text: str, today: date, *, any_field: bool = False) -> dict[str, str]:
    """The one value of this fix's fields that a message carries without naming its field: by
    its shape (a date, a ZIP...), or, with `any_field` (a fix of a single field, where "it's
    Bayview Dental Group Inc, not LLC" can only mean that field), however it is typed."""
    found = {}
    for field in fields:
        shaped = field in _KNOWN_BY_SHAPE or (field == "account_name" and _LEGAL_NAME.search(text))
        if (any_field or shaped) and (value := answers.extract(field, text, today=today)):
            found[field] = value.value
    return found if len(found) == 1 else {}


# rapidfuzz ratio (0-100) above which a word can be a corrected spelling of another ("Feld" and
# "Fields" 60, "3517" and "3515" 75; "N" and "3515" 0)
SIMILAR_SPELLING = 50


def corrected_in_place(kept: dict[str, object], text: str) -> dict[str, str]:
    """The kept answers a partial correction changes: "it's Feld not Fields" after the name
    "Margo Fields" makes it "Margo Feld". Only words typed in the clear (never a secret), and
    only when exactly one kept answer holds the word being replaced, by a word that looks like a
    fix of it (a misspelling, a digit off), not some other word the sentence ends with."""
    pair = answers.replacement(text)
    if not pair:
        return {}
    new, old = pair
    # the spelling compared is the new value's last word ("Kestrel-Park" for "Parks")
    if fuzz.ratio(re.split(r"[\s-]+", new)[-1].casefold(), old.casefold()) < SIMILAR_SPELLING:
        return {}
    # "it's Kestrel-Park not Parks" after "Nadia Kestrel Parks": the words before the replaced one
    # that the new spelling repeats are replaced with it
    repeated = [re.escape(w) for w in re.split(r"[\s-]+", new)[:-1] if w]
    lead = "".join(rf"(?:{w}[\s-]+)?" for w in repeated)
    word = re.compile(rf"(?<![\w-]){lead}{re.escape(old)}(?![\w-])", re.IGNORECASE)
    hits = {
        field: word.sub(new, value, count=1)
        for field, value in kept.items()
        if isinstance(value, str) and field not in SECRET_FIELDS and word.search(value)
    }
    return hits if len(hits) == 1 else {}


def check_answer(field: str, text: object, context: FixContext, box: SecretBox) -> object:
    """The value to keep in the conversation: normalised, and encrypted for secrets."""
    value = FIELD_CHECKS[field](str(text), context)
    return box.encrypt(str(value)) if field in SECRET_FIELDS else value


def plain_value(field: str, value: object, box: SecretBox) -> object:
    """A kept answer as the customer gave it: a secret field's ciphertext decrypted."""
    if field in SECRET_FIELDS and isinstance(value, str) and is_ciphertext(value):
        return box.decrypt(value)
    return value


def changes(fields: list[str], answers: dict[str, object], box: SecretBox) -> dict[str, object]:
    """The order change the answers make (secrets decrypted for the store, which re-encrypts)."""
    result = {}
    for field in fields:
        if field == CHECKLIST_FIELD or answers.get(field) is None:
            continue
        value = answers[field]
        result[ORDER_FIELDS[field]] = plain_value(field, value, box)
    return result


def describe_change(field: str, value: object) -> str:
    shown = (
        mask(str(value), keep=2)
        if field in SECRET_FIELDS
        else (", ".join(value) if isinstance(value, list) else str(value))
    )
    return f"- {field.replace('_', ' ')}: {shown}"


def summary(
    order: PortOrder,
    category_ids: Sequence[str],
    fields: list[str],
    answers: dict[str, object],
    box: SecretBox,
    bill: Document | None = None,
) -> str:
    """What will be written, secrets masked, for the customer to confirm; `bill`: the newest bill
    the customer uploaded, which goes with the order."""
    title = " and ".join(load_catalog().category(category_id).title for category_id in category_ids)
    written = changes(fields, answers, box)
    lines = [
        describe_change(f, plain_value(f, answers[f], box))
        for f in fields
        if f != CHECKLIST_FIELD and answers.get(f) is not None
    ]
    note = answers.get(CHECKLIST_FIELD)
    if note:
        lines.append(f"- your note for the carrier: {note}")
    if "numbers" in fields and answers.get("numbers"):
        moved = [n for n in order.numbers if n not in answers["numbers"]]
        lines.append(f"- moved to a new order of their own: {', '.join(moved)}")
    if bill:
        dated = (
            f", dated {bill.latest_date:%b} {bill.latest_date.day}, {bill.latest_date.year}" if bill.latest_date else ""
        )
        old = " (it looks older than 30 days: a newer one would help)" if bill.too_old else ""
        lines.append(f"- with it goes the bill you uploaded{dated}{old}")
    body = "\n".join(lines) if lines else "- no field changes"
    carrier = written.get("losing_carrier", order.losing_carrier)
    categories = [load_catalog().category(category_id) for category_id in category_ids]
    letter_changes = any(field in LETTER_FIELDS and value != getattr(order, field) for field, value in written.items())
    if is_split_off(order):
        then = f"Then I'll submit the order to {carrier}."
    elif letter_changes or needs_new_signature(categories):
        signer = written.get("authorized_name") or order.authorized_name or "the account holder"
        then = (
            f"Then I'll make the new letter of authorization (LOA) for {signer} to sign here, "
            f"and resubmit the order to {carrier} once it is signed."
        )
    else:
        then = f"Then I'll resubmit the order to {carrier}."
    return f"Here is what I'll do for {order.order_id} ({title}):\n{body}\n{then} Shall I go ahead?"


# "how do i know you got it right? it should end in 0077": the summary shows only a secret's end
_ENDING = re.compile(
    r"\b(?:ends?|ended|ending)\s+(?:in|with)\s+(\d{2,6})\b|\blast\s+(?:\w+\s+)?(?:digits?\s+)?(?:are|is)\s+(\d{2,6})\b",
    re.I,
)


def ending_checked(fields: list[str], answers: dict[str, object], text: str, box: SecretBox) -> dict[str, tuple]:
    """For a message that says how a secret should end, each secret of the fix with those digits
    and whether the kept value ends so: the check a masked summary can't show. Empty when the
    message names no ending or the fix holds no secret."""
    said = _ENDING.search(text)
    # "it should end in 00002: 421555016100002" gives the whole value: a change, not a check
    if not said or len(re.findall(r"\d+", text)) > 1:
        return {}
    digits = said.group(1) or said.group(2)
    return {
        field: (digits, str(plain_value(field, answers[field], box)).endswith(digits))
        for field in fields
        if field in SECRET_FIELDS and answers.get(field) is not None
    }

"""What the assistant says, composed from the catalog: plain data that any channel can send.

Actions turn a `Reply` into a Rasa message; keeping the wording here lets it be tested
without Rasa and keeps every explanation in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.catalog import Catalog, load_catalog
from bot.core.fixes import CHECKLIST_FIELD, FIELD_TERMS
from bot.core.orders.records import PortOrder
from bot.core.validators import ValidationError, show_day


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


def explain_rejection(
    category_id: str, carrier: str | None = None, also: tuple[str, ...] = (), catalog: Catalog | None = None
) -> list[Reply]:
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
        replies.append(
            Reply(
                f"Your notice also mentions: {titles}. One fix covers them all; the buttons explain each.",
                tuple(category_button(other, catalog, "Explain: ") for other in also),
            )
        )
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
        return Reply(
            "Sorry, I didn't catch that. If your port was rejected, paste the carrier's "
            'notice or tell me the reason in your own words (for example "they said the '
            'PIN is wrong").'
        )
    buttons = [category_button(category_id, catalog) for category_id in candidates]
    buttons.append(Button("Something else", "/port_rejected"))
    return Reply("I'm not sure I understood. Is your rejection about one of these?", tuple(buttons))


PERSON_BUTTON = Button("Talk to a person", "/request_human")
# Said when a system behind the chat is down, instead of silence or a half-done answer; the
# conversation stays where it was, so sending the message again later carries on from there.
ACTION_SERVER_TROUBLE = Reply("I'm having trouble reaching our systems right now. Please try again in a moment.")
# No "ask for a person" here: opening a ticket needs the same database.
ORDERS_UNAVAILABLE = Reply("I can't look up port orders right now. Please try again in a few minutes.")
ACTION_FAILED = Reply("Sorry, something went wrong on our side. Please try again, or ask for a person.")
FIX_OFFER = Reply("Shall we fix your port order now?", (Button("Fix my order now", "/start_fix"), PERSON_BUTTON))
# What a customer is told after a resubmission, and when an answer can be expected.
NEXT_STEPS = (
    "The carrier usually answers within 1 to 2 business days (wireless ports often within "
    "hours). When they accept, you'll get an e-mail with the firm order commitment (FOC) "
    "date, the day your number moves. Ask me for the status any time."
)
STATUS_TEXTS = {
    "draft": "is a draft: it has not been sent to {carrier} yet.",
    "submitted": "was sent to {carrier} and is waiting for their answer.",
    "rejected": "was rejected by {carrier}: {reason}.",
    "awaiting_loa": "is corrected and waits for the new letter of authorization (LOA) to be signed by "
    "{signer}; then it goes back to {carrier}.",
    "resubmitted": "was corrected and resubmitted to {carrier} on {updated}{signed}{asked}. " + NEXT_STEPS,
    "foc": "was accepted by {carrier}; your number moves on the FOC date{foc}.",
    "completed": "is complete: your number has moved to us.",
    "cancelled": "was cancelled.",
}


def field_help(
    field: str, carrier: str | None = None, offer_person: bool = False, catalog: Catalog | None = None
) -> Reply:
    """What a field is and where to find it (for a PIN, how this carrier hands one out)."""
    catalog = catalog or load_catalog()
    term = catalog.term(FIELD_TERMS.get(field, ""))
    text = f"{term.term}: {term.definition}" if term else "This is what the carrier needs to accept the port."
    if field == "order_id":  # "where would i find that?": where it is, not what a port order is
        text = ORDER_ID_FORMAT.text
    known = catalog.carrier(carrier) if carrier else None
    if field == "pin" and known and known.transfer_pin:
        text += f"\nHow to get it from {known.name}: {known.transfer_pin}"
    elif field == "pin" and known and not known.pin_required:
        text += f"\n{known.name} does not usually ask for a PIN; if it does, its customer care can tell you."
    if offer_person:
        text += "\nIf you're stuck, I can hand this to a person, or you can try again."
    return Reply(text, (PERSON_BUTTON,) if offer_person else ())


def answer_problem(
    problem: ValidationError, field: str, carrier: str | None = None, explain_field: bool = False
) -> list[Reply]:
    """What is wrong with a fix answer (the validators word it for the customer); after repeated
    failures also what the field is, with a person offered."""
    replies = [Reply(str(problem))]
    if explain_field:
        replies.append(field_help(field, carrier, offer_person=True))
    return replies


def why_we_ask(field: str | None, catalog: Catalog | None = None) -> Reply:
    catalog = catalog or load_catalog()
    term = catalog.term(FIELD_TERMS.get(field or "", ""))
    if term and term.why_we_ask:
        return Reply(f"Why we ask: {term.why_we_ask}")
    return Reply(
        "We only ask for what the carrier checks before it releases your number; nothing "
        "on your order changes until you confirm."
    )


def order_status(
    order: PortOrder, catalog: Catalog | None = None, sign_link: str | None = None, signed_by: str | None = None
) -> Reply:
    """Where the order stands; `sign_link` for an order waiting for its LOA, `signed_by` for one
    resubmitted with a letter signed in the chat."""
    catalog = catalog or load_catalog()
    rejection = order.latest_rejection
    reason = catalog.category(rejection.category).title.lower() if rejection else "no reason given"
    text = STATUS_TEXTS[order.status.value].format(
        carrier=order.losing_carrier,
        reason=reason,
        updated=order.updated_at.date().isoformat(),
        foc=f" ({order.requested_foc_date.isoformat()})" if order.requested_foc_date else "",
        signer=order.authorized_name or "the account holder",
        signed=f", with the letter of authorization {signed_by} signed" if signed_by else "",
        # "is it still set for thursday the 10th?"
        asked=f", asking for the port on {show_day(order.requested_foc_date)}" if order.requested_foc_date else "",
    )
    if order.status.value == "awaiting_loa":
        text += (
            f" Sign it here: {sign_link}" if sign_link else " Ask me for the status again to get the link to sign it."
        )
    return Reply(f"Port order {order.order_id} for {', '.join(order.numbers)} {text}")


# --- the order flows: identity check, fix, resubmission, handoff ---

ORDER_ID_FORMAT = Reply(
    "Port order numbers look like PO-12345. You'll find yours in the e-mail we sent when you asked to move your number."
)
FIND_ORDER_FIRST = Reply("First I need to find your order.")
# a message with no ZIP or e-mail in it, at the identity check: asked again, not counted as a try
NO_VERIFIER_GIVEN = Reply(
    "I need the ZIP code of the service address (like 94134) or the e-mail address on the order "
    "(like name@example.com) to find your order."
)
ASK_CARRIER_REASON = Reply("What reason did the carrier give? Paste the notice or describe it.")
FIX_RESTART = Reply('Let\'s start again: say "fix my order".')
NOTHING_TO_RESUBMIT = Reply("There is nothing waiting to be resubmitted.")
FIX_CANCELLED = Reply(
    "OK, I've stopped. Nothing on your order was changed and nothing was sent to the carrier. "
    'Say "fix my order" whenever you want to pick it up again.'
)
# an answer to "Shall I go ahead?" that is neither yes, no nor a change: the summary comes again
# A porting question the FAQ has no sure answer to, asked while a step waits for an answer.
QUESTION_WITHOUT_ANSWER = Reply(
    "I'm not sure of the answer to that one, and I'd rather not guess: our porting team can answer it "
    "if you ask for a person."
)
CONFIRM_UNCLEAR = Reply(
    "I haven't sent anything yet. Say yes to resubmit the order with these details, no to leave it as it is, "
    'or tell me what to change (for example "the account name should be ...").'
)
CONFIRM_BUTTONS = (Button("Yes, resubmit", "/affirm"), Button("No, change nothing", "/deny"))
# the summary question when the order can't be read to show the summary again (it was shown before)
CONFIRM_AGAIN = Reply("Shall I go ahead with the changes above?", CONFIRM_BUTTONS)


def lookup_failed(tries_left: int) -> Reply:
    """The same answer for an unknown order and a wrong verifier: it tells an order id guesser nothing."""
    tries = "1 try" if tries_left == 1 else f"{tries_left} tries"
    return Reply(
        "I couldn't match that order number with that ZIP code or e-mail. "
        f"Please check both and try again ({tries} left)."
    )


def lookup_locked(until: float, now: float) -> Reply:
    """The same answer for every locked look-up, known order or not: it tells a guesser nothing,
    and a customer whose order someone else tried to guess knows to wait or ask for a person."""
    minutes = max(1, round((until - now) / 60))
    wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return Reply(
        "For your security, I can't check that order right now: too many wrong answers were given "
        f"for it or from here. Please try again in about {wait}, or ask for a person and our "
        "porting team will contact you."
    )


def order_found(order_id: str) -> Reply:
    return Reply(f"Thanks, I found {order_id}.")


def carrier_notice(carrier_text: str) -> Reply:
    return Reply(f'The carrier\'s notice said: "{carrier_text}"')


def fix_started(order_id: str, category_id: str, fields: list[str], catalog: Catalog | None = None) -> Reply:
    """What the fix of a category asks for (`fields`, or a note once the customer did the first step)."""
    category = (catalog or load_catalog()).category(category_id)
    asked = (
        f"First: {category.steps[0]} Tell me once it's done and I'll resubmit."
        if fields == [CHECKLIST_FIELD]
        else f"I'll ask for {len(fields)} detail{'s' if len(fields) > 1 else ''}."
    )
    return Reply(
        f"Let's fix {order_id} ({category.title.lower()}). {asked}"
        ' Nothing changes until you confirm; say "stop" any time.'
    )


def fix_needs_person(category_id: str, catalog: Catalog | None = None) -> Reply:
    """For categories the chat can't fix by changing the order."""
    category = (catalog or load_catalog()).category(category_id)
    return Reply(
        f"{category.title} can't be fixed by changing the order: {category.steps[0]} "
        "A person from our porting team can take it from here.",
        (PERSON_BUTTON,),
    )


# how a field is named to the customer when the chat says what it did not find
_FIELD_NAMES = {
    "btn": "billing telephone number",
    "pin": "PIN",
    "requested_foc_date": "date",
    "remaining_disposition": "answer about the other services",
    "numbers": "phone numbers",
    "checklist_note": "what you did",
    "authorized_email": "e-mail address",
    "service_zip": "ZIP code",
}


def field_name(field: str) -> str:
    return _FIELD_NAMES.get(field, field.replace("_", " "))


def endings_checked(checked: dict[str, tuple[str, bool]]) -> Reply:
    """Whether each secret ends as the customer says, never showing more of it than they typed."""
    lines = [
        f"Yes: the {field_name(field)} I have ends in {digits}."
        if matches
        else f"The {field_name(field)} I have does not end in {digits}: tell me the whole {field_name(field)} "
        "again to change it."
        for field, (digits, matches) in checked.items()
    ]
    return Reply(" ".join(lines))


def nothing_found(field: str) -> Reply:
    """A message with no value for the field asked: it is asked again, and no try is counted."""
    return Reply(f"I didn't find the {field_name(field)} in that.")


def fields_changed(fields: list[str]) -> Reply:
    """What a change at the summary did, before the summary is shown again."""
    return Reply(f"Changed: {', '.join(field_name(field) for field in fields)}.")


def confirm_fix(summary: str) -> Reply:
    """The summary of the change (see `fixes.summary`), with a button to resubmit and one to stop."""
    return Reply(summary, CONFIRM_BUTTONS)


def fix_resubmitted(order: PortOrder, split: PortOrder | None = None) -> Reply:
    """`split`: the new order holding the numbers that were on another account."""
    text = f"Done: {order.order_id} is corrected and resubmitted to {order.losing_carrier}. {NEXT_STEPS}"
    if split:
        text += f"\n{', '.join(split.numbers)} moved to a new order of their own, {split.order_id}."
    return Reply(text)


def letter_to_sign(order: PortOrder, link: str | None, split: PortOrder | None = None) -> Reply:
    """The fix is written and waits for the authorized person's signature on the new LOA."""
    signer = order.authorized_name or "the account holder"
    text = (
        f"I've corrected {order.order_id}. Before it goes back to {order.losing_carrier}, {signer} has to sign the new "
        f"letter of authorization (LOA), which now states these details. "
    )
    if link:
        text += (
            f"Open it here to read and sign it by typing their full name: {link}\n"
            "The link works for 7 days, and I resubmit the order as soon as it is signed."
        )
    else:
        text += "I couldn't make the letter just now: ask me for the status in a few minutes, or ask for a person."
    if split:
        text += f"\n{', '.join(split.numbers)} moved to a new order of their own, {split.order_id}."
    return Reply(text)


def bill_wanted(link: str, in_slack: bool = False) -> Reply:
    """A fix the carrier accepts more readily with a recent bill: where to send one."""
    where = "share the file here in Slack, or upload it" if in_slack else "upload it with the paper clip, or"
    return Reply(
        "A bill from your current provider issued in the last 30 days helps the carrier accept the port. "
        f"If you have one, {where} here: {link} (PDF, PNG or JPEG, at most 10 MB)."
    )


SPLIT_OFF_OFFER = Reply(
    "It holds numbers that are on another account, and needs the details of that account (account "
    "number, name and service address) before it goes to the carrier. Shall we fill them in now? If you "
    "don't have them at hand, come back any time with that order number.",
    (Button("Fill it in now", "/start_fix"), PERSON_BUTTON),
)


def not_understood_about(order: PortOrder, status: Reply | None = None, catalog: Catalog | None = None) -> Reply:
    """A message about the customer's order that the assistant could not place: where the order
    stands (`status`, with the link to sign when the order waits for its letter), and what the
    customer can say from there."""
    catalog = catalog or load_catalog()
    if order.status.value != "rejected" or not order.current_rejections:
        # where it stands is the likeliest answer ("so is it sent now or not?", "send me the link again")
        status = status or order_status(order, catalog)
        return Reply(f"{status.text} If that doesn't answer it, ask me another way or ask for a person.")
    reasons = ", ".join(dict.fromkeys(catalog.category(r.category).title.lower() for r in order.current_rejections))
    return Reply(
        f"Sorry, I didn't follow that. Your order {order.order_id} was rejected for: {reasons}. You can say "
        '"fix my order" once the step is done, ask "what do I do?", or ask for a person.',
        (Button("Fix my order now", "/start_fix"), PERSON_BUTTON),
    )


def not_resubmitted(problem: str) -> Reply:
    return Reply(
        f'I couldn\'t send it: {problem} Nothing was changed or sent. Say "fix my order" to go through it '
        "again, or ask for a person.",
        (Button("Fix my order now", "/start_fix"), PERSON_BUTTON),
    )


def split_off_submitted(order: PortOrder) -> Reply:
    return Reply(f"Done: {order.order_id} is complete and submitted to {order.losing_carrier}. {NEXT_STEPS}")


# a contact that is neither an e-mail address nor a phone number: asked again
NO_CONTACT_GIVEN = Reply(
    "I need an e-mail address (like name@example.com) or a phone number (like 415-555-0186) "
    "so that our porting team can reach you."
)


def ticket_already_open(ticket_id: str, contact: str | None = None) -> Reply:
    reach = f" at {contact}" if contact else ""
    return Reply(
        f"Your case is already with our porting team as ticket {ticket_id}; it names this conversation, so "
        f"they can read what you've added since. They'll contact you{reach} within one business day."
    )


def ticket_opened(ticket_id: str, contact_email: str | None = None) -> Reply:
    contact = f" at {contact_email}" if contact_email else ""
    return Reply(
        f"I've passed this to our porting team as ticket {ticket_id}. "
        f"Someone will contact you{contact} within one business day."
    )

"""What the benchmark says to the assistant: the held-out NLU messages and scripted conversations.

The held-out set (tests/nlu_holdout.yml) is realistic customer wording the model never trained
on, so parse times are not flattered by memorised lines. The scripted conversation is the
common path through the bot: greeting, a rejection explained by a custom action, a glossary
question, a notice with two reasons whose second reason is picked with the offered button,
and goodbye.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.errors import UserError
from bot.nlu.examples import Example, read_examples
from bot.settings import PROJECT_ROOT

HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"


def held_out_messages(path: Path = HOLDOUT) -> list[Example]:
    if not path.is_file():
        raise UserError(f"no held-out NLU messages at {path}")
    messages = read_examples(path)
    if not messages:
        raise UserError(f"{path} holds no NLU examples")
    return messages


class OfferedButton:
    """A conversation step: press the last button the assistant offered, as a customer would."""

    def __repr__(self) -> str:
        return "<offered button>"


OFFERED_BUTTON = OfferedButton()
Step = str | OfferedButton

GREETINGS = ("hello", "hi there", "good morning")
REJECTIONS = (
    "T-Mobile says my PIN is wrong",
    "Verizon rejected the port, they say the account number is wrong",
    "the port was rejected because the name doesn't match what AT&T has",
    "Comcast says the service address doesn't match",
)
TERM_QUESTIONS = ("what is a BTN?", "what does CSR mean?", "what's an LOA?")
# Notices naming two reasons: the first is explained, the second offered as a button.
TWO_REASON_NOTICES = (
    "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID",
    "Order rejected - Unsatisfactory Business Relationship; Invalid BTN",
)
GOODBYES = ("bye", "goodbye", "that's all, bye")


def scripted_conversation(index: int) -> tuple[Step, ...]:
    """The index varies the wording, so conversations are not all identical."""

    def pick(options: tuple[str, ...]) -> str:
        return options[index % len(options)]

    return (
        pick(GREETINGS),
        pick(REJECTIONS),
        pick(TERM_QUESTIONS),
        pick(TWO_REASON_NOTICES),
        OFFERED_BUTTON,
        pick(GOODBYES),
    )


def short_conversation(index: int) -> tuple[Step, ...]:
    """Greeting, a rejection explained by a custom action, goodbye: a new tracker at a third of
    the turns, for the memory rounds, where the number of conversations is what matters."""
    return scripted_conversation(index)[:2] + scripted_conversation(index)[-1:]


def rejection_conversations(messages: list[Example], count: int, turns: int = 3) -> list[tuple[Step, ...]]:
    """`count` conversations of `turns` held-out rejection messages each; every turn runs a
    custom action (an explanation, or the clarifying question when the model is unsure)."""
    rejections = [message.text for message in messages if message.is_rejection]
    needed = count * turns
    # evenly spread over the file, which is grouped by category, so every category is used
    texts = [rejections[index * len(rejections) // needed] for index in range(needed)]
    return [tuple(texts[start : start + turns]) for start in range(0, needed, turns)]

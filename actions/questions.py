"""Porting questions asked in passing ("yep looks good, and do our phones stay up until the
switch?", "zip is 02134 - is that the office or the billing one?"): the classifier may read the
message as a yes or an answer, but the response selector still knows which question it is. Where
an answer is expected and none was found, a confident question is answered instead of "I didn't
catch that", and the flow asks its own question again."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.core.decisions import asks_something
from bot.core.replies import Reply

# How sure the response selector must be. Over 33 answers it spreads its confidence, and a right
# answer at 0.6-0.8 is common; the message must also ask something (a bare address or a yes,
# which it ranks too, having nothing better, never does).
CONFIDENT = 0.5
FAQ_INTENT = "faq"


def side_answer(tracker: Tracker) -> Reply | None:
    """The answer to the porting question the latest message asks, when it asks one clearly."""
    text = tracker.latest_message.get("text") or ""
    selected = ((tracker.latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    responses = selected.get("responses") or []
    if not asks_something(text) or (selected.get("confidence") or 0) < CONFIDENT or not responses:
        return None
    return Reply(responses[0].get("text") or "")


def answer_in_passing(tracker: Tracker) -> list[Reply]:
    """The answer to a question asked beside an answer ("3515 Fremont Ave N, 98103. btw will 911
    still work meanwhile?"), as a list to send; empty when the message was read as the question
    itself, which the rules answer (intent `faq`), or asks nothing clearly."""
    if (tracker.latest_message.get("intent") or {}).get("name") == FAQ_INTENT:
        return []
    answer = side_answer(tracker)
    return [answer] if answer else []

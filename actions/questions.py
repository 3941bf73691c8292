"""Porting questions asked in passing ("yep looks good, and do our phones stay up until the
switch?", "zip is 02134 - is that the office or the billing one?"): the classifier may read the
message as a yes or an answer, but the response selector still knows which question it is. Where
an answer is expected and none was found, a confident question is answered instead of "I didn't
catch that", and the flow asks its own question again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import needs_order_store, order_store, status_reply
from actions.dispatch import send
from actions.slots import VERIFIED_ORDER
from bot.core.decisions import asks_something
from bot.core.orders.records import OrderStatus
from bot.core.replies import Reply

# How sure the response selector must be. Over 33 answers it spreads its confidence, and a right
# answer at 0.6-0.8 is common; the message must also ask something (a bare address or a yes,
# which it ranks too, having nothing better, never does).
CONFIDENT = 0.5
FAQ_INTENT = "faq"
# answers about signing the letter: an order waiting for its signature gets its link after them
ABOUT_SIGNING = frozenset({"faq/loa_signing", "faq/e_signature"})


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


def link_to_sign(tracker: Tracker) -> list[Reply]:
    """After an answer about signing the letter ("I closed that page, can I have the signing thing
    again?"), the order's status with its link to sign, while the order waits for the signature."""
    selected = ((tracker.latest_message.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response")
    order_id = tracker.get_slot(VERIFIED_ORDER)
    if not order_id or (selected or {}).get("intent_response_key") not in ABOUT_SIGNING:
        return []
    order = order_store().get(order_id)
    return [status_reply(order)] if order.status is OrderStatus.AWAITING_LOA else []


def side_answers(tracker: Tracker) -> list[Reply]:
    """The answer to the question the latest message asks clearly, and the link to sign when it
    was about signing and the order waits for it; empty when it asks nothing clearly."""
    answer = side_answer(tracker)
    return [answer, *link_to_sign(tracker)] if answer else []


@needs_order_store
class ActionAfterAnswer(Action):
    """Runs after a porting question is answered outside a form (`link_to_sign`)."""

    def name(self) -> str:
        return "action_after_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        send(dispatcher, link_to_sign(tracker))
        return []

"""Porting questions asked in passing ("yep looks good, and do our phones stay up until the
switch?", "zip is 02134 - is that the office or the billing one?"): the classifier may read the
message as a yes or an answer, but the response selector still knows which question it is. Where
an answer is expected and none was found, a question is answered instead of "I didn't catch that"
(or, without a sure answer, the customer is told that a person can answer it: never a guess, never
the step's reminder as if the question were a wrong answer), and the flow asks its own question again."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import needs_order_store, offered_the_fix, order_store, status_reply
from actions.dispatch import send
from actions.slots import REJECTION_CATEGORY, VERIFIED_ORDER
from bot.core.decisions import Decision, asks_something, asks_to_fix, decision, opens_with_yes
from bot.core.notices import find_categories
from bot.core.orders.records import OrderStatus
from bot.core.replies import QUESTION_WITHOUT_ANSWER, Reply, define_term
from bot.core.understanding import understand

# How sure the response selector must be. Over 36 answers it spreads its confidence: on the 273
# held-out FAQ questions it ran for, 234 were at 0.5 or more (229 right); 0.4 would answer 15 more
# (14 right) but also 18 more of the 206 held-out rejection messages that ask something (58 -> 76),
# and customer trial 6 met such wrong answers ("will my iphone work?" got the 911 answer). The
# message must also ask something; below this, the customer is told a person can answer.
CONFIDENT = 0.5
FAQ_INTENT, ASK_TERM = "faq", "ask_term"
MAX_TERMS = 3  # defined in one answer; more would bury the one the customer needed
# a question about what a word means: "what even is a btn", "what the heck is a BTN", "what does FOC stand for"
_ASKS_MEANING = re.compile(
    r"\bwhat(?:'?s|(?:\s+\w+){0,3}?\s+(?:is|are|does|do))\b|\bmean(?:s|ing)?\b|\bstand\s+for\b", re.IGNORECASE
)
NLU_FALLBACK, OUT_OF_SCOPE = "nlu_fallback", "out_of_scope"
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


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answers the question the latest message asks: the terms it asks the meaning of defined and
    the FAQ's answer ("whats FOC mean btw, and is there any fee?"), with the link to sign after an
    answer about signing; where to go for a question that is not about porting ("do you guys sell
    iphones?"); for a porting question without a sure answer, that a person can answer it rather
    than a guess. False, and nothing said, when the message asks nothing."""
    replies = [*define_terms(terms_asked(tracker)), *side_answers(tracker)]
    if replies:
        send(dispatcher, replies)
    elif not asks_something(tracker.latest_message.get("text") or ""):
        return False
    elif likeliest_intent(tracker) == OUT_OF_SCOPE:
        dispatcher.utter_message(response="utter_out_of_scope")
    else:
        send(dispatcher, [QUESTION_WITHOUT_ANSWER])
    return True


def answer_or_ask_again(dispatcher: CollectingDispatcher, tracker: Tracker, ask_again: Reply) -> None:
    """At a step that waits for an answer and found none in the message: the question it asks
    answered (`answer_question`), or `ask_again`, the step's own reminder. The step's question follows."""
    if not answer_question(dispatcher, tracker):
        send(dispatcher, [ask_again])


def likeliest_intent(tracker: Tracker) -> str | None:
    """The classifier's likeliest intent other than its fallback."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return next((row.get("name") for row in ranking if row.get("name") != NLU_FALLBACK), None)


def define_terms(terms: list[str]) -> list[Reply]:
    """The definitions of the terms asked about, the first MAX_TERMS of them."""
    return [define_term(term) for term in terms[:MAX_TERMS]]


def terms_asked(tracker: Tracker) -> list[str]:
    """The glossary terms a message asks the meaning of ("... says BTN incorrect. what even is a btn")."""
    text = tracker.latest_message.get("text") or ""
    if not _ASKS_MEANING.search(text):
        return []
    return list(dict.fromkeys(e["value"] for e in understand(tracker.latest_message).entities if e["entity"] == "term"))


def answer_in_passing(tracker: Tracker) -> list[Reply]:
    """The answer to a question asked beside an answer or a request ("3515 Fremont Ave N, 98103.
    btw will 911 still work meanwhile?", "order PO-10009 says BTN incorrect. what even is a btn"),
    as a list to send: the terms it asks about defined, the porting question answered, or that a
    person can answer it; empty when the message was read as the question itself, which the rules
    answer (intents `faq` and `ask_term`), or asks nothing."""
    if (tracker.latest_message.get("intent") or {}).get("name") in (FAQ_INTENT, ASK_TERM):
        return []
    if terms := terms_asked(tracker):
        return define_terms(terms)
    if answer := side_answer(tracker):
        return [answer]
    # "... LLC. also do we have to cancel our plan ourselves": not lost, though not answered here
    return [QUESTION_WITHOUT_ANSWER] if asks_something(tracker.latest_message.get("text") or "") else []


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
        # "yes please. where would i find the order number?" to the offer to fix: answered, and the fix starts
        text = tracker.latest_message.get("text") or ""
        if offered_the_fix(tracker) and (asks_to_fix(text) or says_yes(text)):
            return [FollowupAction("action_start_fix")]
        # "at&t says our business name doesnt match, will the phones still work meanwhile?": the
        # question answered, and the reason it names explained, when no reason is known yet
        if not tracker.get_slot(REJECTION_CATEGORY) and find_categories(text):
            return [FollowupAction("action_explain_rejection")]
        return []


def says_yes(text: str) -> bool:
    """A yes in the whole message, or in its first sentence before a question."""
    return decision(text) is Decision.YES or opens_with_yes(text)

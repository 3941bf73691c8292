"""What every order flow needs from a conversation: the order store, the secret box, the
customer's identity (signed token or a verified order) and the step the rules start next.
The slots themselves are named in actions/slots.py."""

from __future__ import annotations

import functools
import inspect
import logging
import time
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import ACTION_LISTEN_NAME

from actions.dispatch import send
from actions.slots import AFTER_VERIFICATION, FIX_NEXT, ORDER_ID, ORDER_VERIFIER, REQUESTED_SLOT, VERIFIED_ORDER
from bot import settings
from bot.adapters.turns import first_action_of_the_turn
from bot.core.catalog import BILL, SIGNED_LOA
from bot.core.errors import UserError
from bot.core.orders.documents import DocumentDesk
from bot.core.orders.identity import customer_from_token
from bot.core.orders.records import Document, OrderStatus, PortOrder
from bot.core.orders.store import OrderStore, OrderStoreUnavailable, UnknownOrder
from bot.core.replies import FIX_OFFER, ORDERS_UNAVAILABLE, Reply, order_status
from bot.core.secrets import SecretBox

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _store_for(url: str | None) -> OrderStore:
    return OrderStore(url)


def order_store() -> OrderStore:
    """One store per database URL for the life of the action server (connections are pooled)."""
    return _store_for(settings.database_url())


def _store_down(
    action: Action, dispatcher: CollectingDispatcher, tracker: Tracker, error: OrderStoreUnavailable
) -> list[EventType]:
    logger.error("%s could not reach the order store: %s", action.name(), error.reason)
    # Whatever the action said before the failure is void: nothing it announced was done.
    dispatcher.messages.clear()
    send(dispatcher, [ORDERS_UNAVAILABLE])
    listen = FollowupAction(ACTION_LISTEN_NAME)
    if isinstance(action, FormValidationAction):
        # Rasa adds these to the form's own step: drop the unchecked answers and ask the same again.
        unchecked = [SlotSet(name, None) for name in tracker.slots_to_validate()]
        return [*unchecked, SlotSet(REQUESTED_SLOT, tracker.get_slot(REQUESTED_SLOT)), listen]
    if first_action_of_the_turn(event.get("event") for event in reversed(tracker.events)):
        return [UserUtteranceReverted(), listen]  # as before the message: sending it again continues
    return [listen]


def needs_order_store(action_class: type[Action]) -> type[Action]:
    """Class decorator for every action that reads or writes port orders: when the database can't
    be reached, the action logs it and answers `ORDERS_UNAVAILABLE` instead of failing."""
    run = action_class.run
    if inspect.iscoroutinefunction(run):  # form validations

        @functools.wraps(run)
        async def guarded(
            self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
        ) -> list[EventType]:
            try:
                return await run(self, dispatcher, tracker, domain)
            except OrderStoreUnavailable as error:
                return _store_down(self, dispatcher, tracker, error)
    else:

        @functools.wraps(run)
        def guarded(
            self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
        ) -> list[EventType]:
            try:
                return run(self, dispatcher, tracker, domain)
            except OrderStoreUnavailable as error:
                return _store_down(self, dispatcher, tracker, error)

    action_class.run = guarded
    return action_class


def document_desk() -> DocumentDesk:
    """The orders' documents (the LOA to sign, bills); UserError when DOCUMENT_LINK_SECRET is unset."""
    return DocumentDesk.from_settings(order_store())


def status_reply(order: PortOrder) -> Reply:
    """Where the order stands, with the link to sign its new LOA while it waits for one."""
    if order.status is OrderStatus.AWAITING_LOA:
        return order_status(order, sign_link=sign_link(order))
    if order.status is OrderStatus.RESUBMITTED:
        signed = [d for d in order_store().documents(order.order_id) if d.kind == SIGNED_LOA]
        return order_status(order, signed_by=signed[-1].evidence["typed_name"] if signed else None)
    return order_status(order)


def offered_the_fix(tracker: Tracker) -> bool:
    """Whether the assistant's last words before the customer's latest message were the offer to
    fix the order."""
    events = list(reversed(tracker.events))
    latest = next((i for i, e in enumerate(events) if e.get("event") == "user"), len(events))
    said = next((e for e in events[latest:] if e.get("event") == "bot"), None)
    return bool(said) and said.get("text") == FIX_OFFER.text


def latest_bill(order: PortOrder) -> Document | None:
    """The newest bill the customer uploaded for the order: it goes with the resubmission."""
    return next((d for d in reversed(order_store().documents(order.order_id)) if d.kind == BILL), None)


def sign_link(order: PortOrder, actor_name: str = "assistant") -> str | None:
    """The link to sign the order's newest letter; the letter is made when there is none yet.
    None when documents can't be made here (no link secret, storage unwritable): the reply says so."""
    try:
        desk = document_desk()
        return desk.sign_link(order.order_id) or desk.issue_loa(order.order_id, actor_name, settings.today())
    except (UserError, OSError) as problem:
        logger.error("no letter of authorization for %s: %s", order.order_id, problem)
        return None


def secret_box() -> SecretBox:
    return SecretBox()


def now() -> float:
    return time.time()


def latest_metadata(tracker: Tracker) -> dict:
    """The metadata of the customer's latest message (the website puts its signed token there)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def client_of(tracker: Tracker) -> str:
    """Who is answering the identity check, for the per-client lock: the address the REST channel
    saw (its own metadata, never the body's), else the channel's user (a Slack user id)."""
    client = latest_metadata(tracker).get("client")
    return client if isinstance(client, str) and client else f"{tracker.get_latest_input_channel()}:{tracker.sender_id}"


def token_customer(tracker: Tracker) -> str | None:
    token, secret = latest_metadata(tracker).get("customer_token"), settings.get(settings.CUSTOMER_TOKEN_SECRET)
    return customer_from_token(token, secret) if token and secret else None


def verified_order(tracker: Tracker) -> tuple[PortOrder | None, list[EventType]]:
    """The order this conversation has proven to own, and the events that remember it.

    Proof is a verified order id earlier in the conversation, or the website's signed customer
    token when it identifies exactly one order (the one named, or the customer's only open one).
    """
    store = order_store()
    order_id = tracker.get_slot(VERIFIED_ORDER)
    if order_id:
        try:
            return store.get(order_id), []
        except UnknownOrder:
            return None, [SlotSet(VERIFIED_ORDER, None)]
    customer = token_customer(tracker)
    if not customer:
        return None, []
    orders = store.orders_for_customer(customer)
    wanted = tracker.get_slot(ORDER_ID)
    candidates = (
        [o for o in orders if o.order_id == wanted]
        if wanted
        else [o for o in orders if o.status == OrderStatus.REJECTED] or orders
    )
    if len(candidates) != 1:
        return None, []
    return candidates[0], [SlotSet(VERIFIED_ORDER, candidates[0].order_id)]


def verify_first(goal: str) -> list[EventType]:
    """Starts the identity check; `action_after_verification` then carries on with `goal`."""
    return [SlotSet(AFTER_VERIFICATION, goal), SlotSet(ORDER_VERIFIER, None), SlotSet(FIX_NEXT, "verify")]


def next_step(step: str = "none") -> SlotSet:
    return SlotSet(FIX_NEXT, step)

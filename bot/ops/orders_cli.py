"""`python -m bot orders ...`: look at, add and seed port orders from the command line.
Secrets are always masked; `--json` prints one machine-readable document."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from datetime import datetime, timezone

from bot.core.orders.demo import seed_demo
from bot.core.orders.identity import order_locked_until
from bot.core.orders.records import NewOrder, OrderStatus, PortOrder
from bot.core.orders.store import OrderStore

CLI_ACTOR = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    orders = subparsers.add_parser("orders", help="list, show, add and seed port orders")
    commands = orders.add_subparsers(dest="orders_command", required=True)

    listing = commands.add_parser("list", help="list port orders")
    listing.add_argument("--status", choices=[s.value for s in OrderStatus])
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(func=list_orders)

    show = commands.add_parser("show", help="show one order with its rejections and audit trail")
    show.add_argument("order_id")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(func=show_order)

    add = commands.add_parser("add", help="add a submitted port order")
    add.add_argument(
        "--number", action="append", required=True, dest="numbers", help="a number to port (repeat for several)"
    )
    add.add_argument("--carrier", required=True, help="the losing carrier")
    add.add_argument("--account-name", required=True)
    add.add_argument("--zip", required=True, help="ZIP of the service address")
    add.add_argument("--email", required=True, help="contact e-mail")
    add.add_argument("--pin", help="carrier PIN (stored encrypted; needs PIN_ENCRYPTION_KEY)")
    add.add_argument("--account-number")
    add.add_argument("--customer-id")
    add.set_defaults(func=add_order)

    seed = commands.add_parser("seed-demo", help="create the rejected demo orders (idempotent)")
    seed.set_defaults(func=seed_demo_orders)


def _summary_line(order: PortOrder) -> str:
    reason = order.latest_rejection.category if order.latest_rejection else ""
    carrier = order.losing_carrier or ""
    return f"{order.order_id}  {order.status.value:<11} {carrier:<18} {', '.join(order.numbers)}  {reason}"


def list_orders(args: argparse.Namespace) -> int:
    orders = OrderStore().list(status=args.status)
    if args.json:
        print(json.dumps([order.masked() for order in orders], indent=2, ensure_ascii=False))
    else:
        print("\n".join(_summary_line(order) for order in orders) or "no port orders")
    return 0


def show_order(args: argparse.Namespace) -> int:
    store = OrderStore()
    order = store.get(args.order_id)
    audit = [{**asdict(event), "at": event.at.isoformat()} for event in store.audit(order.order_id)]
    tickets = [
        {"ticket_id": t.ticket_id, "category": t.category, "status": t.status, "created_at": t.created_at.isoformat()}
        for t in store.tickets(order.order_id)
    ]
    locked = order_locked_until(store, order.order_id, time.time())
    # "identity_locked_until": wrong identity answers locked the order's look-ups until then (UTC)
    until = datetime.fromtimestamp(locked, timezone.utc).isoformat(timespec="seconds") if locked else None
    kept = store.documents(order.order_id)
    documents = [
        {
            **asdict(d),
            "created_at": d.created_at.isoformat(),
            "latest_date": d.latest_date.isoformat() if d.latest_date else None,
        }
        for d in kept
    ]
    document = {
        **order.masked(),
        "identity_locked_until": until,
        "audit": audit,
        "tickets": tickets,
        "documents": documents,
    }
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for name, value in document.items():
        if name not in ("rejections", "audit", "tickets", "documents") and value not in (None, []):
            print(f"{name:<22} {', '.join(value) if isinstance(value, list) else value}")
    for rejection in order.rejections:
        print(f"rejected {rejection.rejected_at:%Y-%m-%d %H:%M} [{rejection.category}] {rejection.carrier_text}")
    for event in audit:
        change = f" {event['field']}: {event['old_value']} -> {event['new_value']}" if event["field"] else ""
        print(f"audit {event['at'][:16]} {event['actor']}{change} {event['note'] or ''}".rstrip())
    for stored in kept:
        print(f"document {stored.describe()}")
    return 0


def add_order(args: argparse.Namespace) -> int:
    new = NewOrder(
        numbers=tuple(args.numbers),
        losing_carrier=args.carrier,
        account_name=args.account_name,
        service_zip=args.zip,
        contact_email=args.email,
        pin=args.pin,
        account_number=args.account_number,
        customer_id=args.customer_id,
    )
    print(OrderStore().add(new, actor=CLI_ACTOR).order_id)
    return 0


def seed_demo_orders(args: argparse.Namespace) -> int:
    created = seed_demo(OrderStore())
    print(f"created {len(created)} demo orders" + (f": {', '.join(o.order_id for o in created)}" if created else ""))
    return 0

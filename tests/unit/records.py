"""Port order records for tests that need one without a store."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.core.orders.records import OrderStatus, PortOrder

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def port_order(**fields) -> PortOrder:
    """A rejected order with two numbers at CenturyLink; `fields` replace the defaults."""
    values = dict(
        order_id="PO-10001",
        status=OrderStatus.REJECTED,
        numbers=("+13055550116", "+13055550118"),
        losing_carrier="CenturyLink",
        account_name="Lopez Insurance Agency",
        service_zip="33131",
        contact_email="lopez@example.com",
        customer_id=None,
        account_number=None,
        btn=None,
        has_pin=False,
        service_address=None,
        authorized_name=None,
        authorized_title=None,
        authorized_email=None,
        requested_foc_date=None,
        remaining_disposition=None,
        pilot_number=None,
        created_at=NOW,
        updated_at=NOW,
    )
    return PortOrder(**{**values, **fields})

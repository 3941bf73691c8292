"""Port orders as the rest of the bot sees them: plain, frozen records with no database in them.

The store (`bot.core.orders.store`) maps them to and from its tables (`tables.py`); fixes,
replies and the actions work on these records only, so they import no SQLAlchemy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.core.secrets import MASK, mask

# reasons recorded this close together belong to one rejection notice
SAME_NOTICE = timedelta(minutes=10)


class OrderStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    AWAITING_LOA = "awaiting_loa"  # corrected; resubmitted once the authorized person signs the new LOA
    RESUBMITTED = "resubmitted"
    FOC = "foc"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Rejection:
    category: str
    carrier_text: str
    rejected_at: datetime


@dataclass(frozen=True)
class AuditEvent:
    order_id: str
    actor: str
    field: str | None
    old_value: str | None
    new_value: str | None
    at: datetime
    note: str | None


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    order_id: str | None
    category: str
    summary: str
    conversation_id: str | None
    created_at: datetime
    status: str


@dataclass(frozen=True)
class Document:
    """A document kept with an order: an LOA we made (signed or not), or a bill the customer sent.

    The bytes are in the document storage under `storage_key`; `evidence` is the record of an
    electronic signature (time, IP address, browser, the name typed and the consent given)."""

    document_id: str
    order_id: str
    kind: str  # "loa", "signed_loa" or "bill"
    storage_key: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    latest_date: date | None = None  # a bill's newest readable date
    too_old: bool = False  # a bill whose newest date is over 30 days old
    evidence: dict | None = None

    def describe(self) -> str:
        """One line for `orders show` and the audit trail."""
        added = f"{self.created_at:%Y-%m-%d %H:%M} UTC"
        line = f"{self.document_id} {self.kind} ({self.content_type}, {self.size:,} bytes, {added})"
        if self.evidence:
            line += f" signed by {self.evidence['typed_name']} from {self.evidence['ip']}"
        if self.latest_date:
            line += f" dated {self.latest_date.isoformat()}" + (" (over 30 days old)" if self.too_old else "")
        return line


@dataclass(frozen=True)
class NewOrder:
    """What is needed to create an order; values are normalised by the store's validators."""

    numbers: tuple[str, ...]
    losing_carrier: str
    account_name: str
    service_zip: str
    contact_email: str
    customer_id: str | None = None
    account_number: str | None = None
    btn: str | None = None
    pin: str | None = None
    service_address: str | None = None
    authorized_name: str | None = None
    authorized_title: str | None = None
    authorized_email: str | None = None
    requested_foc_date: date | None = None
    remaining_disposition: str | None = None
    pilot_number: str | None = None
    status: OrderStatus = OrderStatus.SUBMITTED


@dataclass(frozen=True)
class PortOrder:
    """An order as stored. The PIN is not here: `OrderStore.reveal_pin` decrypts it on purpose."""

    order_id: str
    status: OrderStatus
    numbers: tuple[str, ...]
    losing_carrier: str | None
    account_name: str | None
    service_zip: str | None
    contact_email: str | None
    customer_id: str | None
    account_number: str | None
    btn: str | None
    has_pin: bool
    service_address: str | None
    authorized_name: str | None
    authorized_title: str | None
    authorized_email: str | None
    requested_foc_date: date | None
    remaining_disposition: str | None
    pilot_number: str | None
    created_at: datetime
    updated_at: datetime
    rejections: tuple[Rejection, ...] = ()

    @property
    def latest_rejection(self) -> Rejection | None:
        return self.rejections[-1] if self.rejections else None

    @property
    def current_rejections(self) -> tuple[Rejection, ...]:
        """The reasons of the latest rejection: a notice's reasons are recorded together, minutes
        apart at most, while a new rejection comes only after a resubmission, days later."""
        latest = self.latest_rejection
        if latest is None:
            return ()
        return tuple(r for r in self.rejections if latest.rejected_at - r.rejected_at <= SAME_NOTICE)

    def masked(self) -> dict:
        """A JSON-ready view that is safe to show or log: no secret appears in full."""
        return {
            "order_id": self.order_id,
            "status": self.status.value,
            "numbers": list(self.numbers),
            "losing_carrier": self.losing_carrier,
            "account_name": self.account_name,
            "account_number": mask(self.account_number, keep=4) or None,
            "btn": self.btn,
            "pin": MASK if self.has_pin else None,
            "service_address": self.service_address,
            "service_zip": self.service_zip,
            "contact_email": self.contact_email,
            "customer_id": self.customer_id,
            "authorized_name": self.authorized_name,
            "authorized_title": self.authorized_title,
            "authorized_email": self.authorized_email,
            "requested_foc_date": self.requested_foc_date.isoformat() if self.requested_foc_date else None,
            "remaining_disposition": self.remaining_disposition,
            "pilot_number": self.pilot_number,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "rejections": [
                {"category": r.category, "carrier_text": r.carrier_text, "rejected_at": r.rejected_at.isoformat()}
                for r in self.rejections
            ],
        }

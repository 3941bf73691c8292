"""Port orders: the SQLAlchemy tables and the plain, frozen records the rest of the bot sees."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import JSON, Column, Date, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

from bot.secrets import MASK, mask

Base = declarative_base()


class OrderStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    RESUBMITTED = "resubmitted"
    FOC = "foc"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _status_column() -> Enum:
    # a VARCHAR with a CHECK constraint holding the values: identical on SQLite and PostgreSQL
    return Enum(OrderStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class OrderRow(Base):
    __tablename__ = "port_orders"

    order_id = Column(String(8), primary_key=True)
    customer_id = Column(String(64), index=True)
    contact_email = Column(String(254))
    numbers = Column(JSON, nullable=False, default=list)
    losing_carrier = Column(String(120))
    account_number = Column(String(30))
    btn = Column(String(16))
    pin_encrypted = Column(Text)  # Fernet token; the PIN never reaches the database in clear
    account_name = Column(String(120))
    service_address = Column(String(250))
    service_zip = Column(String(10))
    authorized_name = Column(String(100))
    authorized_title = Column(String(100))
    authorized_email = Column(String(254))
    requested_foc_date = Column(Date)
    remaining_disposition = Column(Text)
    pilot_number = Column(String(16))
    status = Column(_status_column(), nullable=False, default=OrderStatus.DRAFT)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    rejections = relationship("RejectionRow", order_by="RejectionRow.id", lazy="selectin")


class RejectionRow(Base):
    __tablename__ = "rejections"

    id = Column(Integer, primary_key=True)
    order_id = Column(String(8), ForeignKey("port_orders.order_id"), nullable=False, index=True)
    category = Column(String(40), nullable=False)
    carrier_text = Column(Text, nullable=False)
    rejected_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class AuditEventRow(Base):
    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    order_id = Column(String(8), ForeignKey("port_orders.order_id"), nullable=False, index=True)
    actor = Column(String(64), nullable=False)
    field = Column(String(40))
    old_value = Column(Text)  # masked when the field is a secret
    new_value = Column(Text)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    note = Column(Text)


class TicketRow(Base):
    __tablename__ = "tickets"

    ticket_id = Column(String(8), primary_key=True)
    order_id = Column(String(8), ForeignKey("port_orders.order_id"), index=True)
    category = Column(String(40), nullable=False)
    summary = Column(Text, nullable=False)  # secrets masked before it is stored
    conversation_id = Column(String(64))
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    status = Column(String(16), nullable=False, default="open")


# ----------------------------------------------------------------------------- plain records

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

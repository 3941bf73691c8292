"""The port order store's SQLAlchemy tables (SQLite locally, PostgreSQL in production)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

from bot.core.orders.records import OrderStatus, utcnow

Base = declarative_base()


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
    account_number = Column(Text)  # Fernet token, as the PIN (a database from before holds it plain)
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


class IdentityFailureRow(Base):
    """One wrong identity answer, counted against the order id asked about (known or not) and
    against the client that gave it, so a lock holds across conversations and replicas."""

    __tablename__ = "identity_failures"

    id = Column(Integer, primary_key=True)
    subject = Column(String(160), nullable=False, index=True)  # "order:PO-10007" or "client:203.0.113.9"
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class DocumentRow(Base):
    """A document kept with an order; its bytes are in the document storage, never in the database."""

    __tablename__ = "documents"

    document_id = Column(String(9), primary_key=True)  # "D-100001"
    order_id = Column(String(8), ForeignKey("port_orders.order_id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    storage_key = Column(String(200), nullable=False)
    content_type = Column(String(40), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    latest_date = Column(Date)
    too_old = Column(Boolean, nullable=False, default=False)
    evidence = Column(JSON)  # the electronic signature's record, for a signed LOA
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

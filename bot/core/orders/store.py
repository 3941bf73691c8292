"""The port order store: one repository class over SQLAlchemy (SQLite locally, PostgreSQL in
production). It is the only place that sees a PIN or an account number in clear, and only to
encrypt or reveal it: both are Fernet tokens in the database."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import settings
from bot.core import validators
from bot.core.catalog import CATEGORY_IDS, SIGNED_LOA
from bot.core.errors import UserError
from bot.core.orders.records import (
    AuditEvent,
    Document,
    NewOrder,
    OrderStatus,
    PortOrder,
    Rejection,
    Ticket,
    utcnow,
)
from bot.core.orders.tables import (
    AuditEventRow,
    Base,
    DocumentRow,
    IdentityFailureRow,
    OrderRow,
    RejectionRow,
    TicketRow,
)
from bot.core.secrets import MASK, SecretBox, is_ciphertext, looks_like_secret_field, mask, mask_text

ORDER_ID = re.compile(r"PO-\d{5}")
FIRST_ORDER_NUMBER = 20001  # PO-10001..PO-19999 are kept for the demo orders
FIRST_TICKET_NUMBER = 100001
FIRST_DOCUMENT_NUMBER = 100001


class UnknownOrder(UserError):
    def __init__(self, order_id: str):
        super().__init__(f"There is no port order {order_id}. Order ids look like PO-12345.")


class InvalidChange(UserError):
    """A change the order cannot take: unknown field, wrong status, unknown category."""


class OrderStoreUnavailable(UserError):
    """The database could not be reached or used (down, refused, dropped, unreadable file).

    `reason` is the database driver's own message: it names the problem (host, file, refusal)
    but, unlike SQLAlchemy's wrapper, never the statement or the values being written."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(
            f"The port order database can't be reached right now ({reason}). "
            f"Check that it is running and that DATABASE_URL points at it, then try again."
        )


# Errors about the connection or the database itself; a malformed query (ProgrammingError) or a
# broken constraint (IntegrityError) is a bug and stays as it is.
UNREACHABLE_ERRORS = (OperationalError, InterfaceError)


def _unavailable(context: ExceptionContext) -> None:
    # SQLAlchemy's "handle_error" hook: a raised exception replaces its own, after the cleanup
    if isinstance(context.sqlalchemy_exception, UNREACHABLE_ERRORS):
        reason = " ".join(str(context.original_exception).split()) or type(context.original_exception).__name__
        raise OrderStoreUnavailable(reason) from context.original_exception


def _numbers(value: str | Iterable[str]) -> list[str]:
    numbers = [validators.phone_number(n) for n in ([value] if isinstance(value, str) else value or ())]
    if not numbers:
        raise validators.ValidationError("A port order needs at least one phone number.")
    return list(dict.fromkeys(numbers))


def _date(value: date | str) -> date:
    # scheduling rules (business days, carrier window) are checked by validators.port_date in the chat
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise validators.ValidationError(f"“{value}” is not a date like 2026-12-15.") from None


# every field a change may touch, with the function that checks and normalises its value
FIELD_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "numbers": _numbers,
    "losing_carrier": validators.plain_text,
    "account_name": validators.account_name,
    "service_zip": validators.zip_code,
    "contact_email": validators.email,
    "customer_id": validators.plain_text,
    "account_number": validators.account_number,
    "btn": validators.btn,
    "pin": validators.pin,
    "service_address": validators.plain_text,
    "authorized_name": validators.person_name,
    "authorized_title": validators.plain_text,
    "authorized_email": validators.email,
    "requested_foc_date": _date,
    "remaining_disposition": validators.plain_text,
    "pilot_number": validators.phone_number,
}


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _display(field: str, value: Any) -> str | None:
    """How a value appears in the audit trail: secrets masked."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return mask(text) if looks_like_secret_field(field) else text


def _next_id(session: Session, column, prefix: str, first: int) -> str:
    # ids share a fixed width, so the string maximum is the numeric one on every database
    highest = session.scalar(select(func.max(column)))
    number = max(first, int(highest[len(prefix) :]) + 1) if highest else first
    return f"{prefix}{number}"


class OrderStore:
    def __init__(self, url: str | None = None, box: SecretBox | None = None):
        url = url or settings.database_url()
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, future=True)
        # every failure to reach the database, from any method, becomes OrderStoreUnavailable
        event.listen(self.engine, "handle_error", _unavailable)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)
        self._box = box

    @property
    def box(self) -> SecretBox:
        # created on first use, so listing orders works without the encryption key
        if self._box is None:
            self._box = SecretBox()
        return self._box

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------------- reading

    def get(self, order_id: str) -> PortOrder:
        with self._sessions() as session:
            return self._to_order(self._row(session, order_id))

    def list(self, status: OrderStatus | str | None = None) -> list[PortOrder]:
        query = select(OrderRow).order_by(OrderRow.order_id)
        if status is not None:
            query = query.where(OrderRow.status == _status(status))
        with self._sessions() as session:
            return [self._to_order(row) for row in session.scalars(query)]

    def orders_for_customer(self, customer_id: str) -> list[PortOrder]:
        query = select(OrderRow).where(OrderRow.customer_id == customer_id).order_by(OrderRow.order_id)
        with self._sessions() as session:
            return [self._to_order(row) for row in session.scalars(query)]

    def audit(self, order_id: str) -> list[AuditEvent]:
        with self._sessions() as session:
            row = self._row(session, order_id)
            query = select(AuditEventRow).where(AuditEventRow.order_id == row.order_id).order_by(AuditEventRow.id)
            return [
                AuditEvent(e.order_id, e.actor, e.field, e.old_value, e.new_value, _aware(e.at), e.note)
                for e in session.scalars(query)
            ]

    def tickets(self, order_id: str | None = None, conversation_id: str | None = None) -> list[Ticket]:
        query = select(TicketRow).order_by(TicketRow.ticket_id)
        if order_id is not None:
            query = query.where(TicketRow.order_id == order_key(order_id))
        if conversation_id is not None:
            query = query.where(TicketRow.conversation_id == conversation_id)
        with self._sessions() as session:
            return [_ticket(t) for t in session.scalars(query)]

    def documents(self, order_id: str) -> list[Document]:
        with self._sessions() as session:
            row = self._row(session, order_id)
            query = select(DocumentRow).where(DocumentRow.order_id == row.order_id).order_by(DocumentRow.document_id)
            return [_document(d) for d in session.scalars(query)]

    def identity_failures(self, subject: str, since: datetime) -> list[datetime]:
        """When wrong identity answers about `subject` ("order:PO-10007", "client:...") were given."""
        query = (
            select(IdentityFailureRow.at)
            .where(IdentityFailureRow.subject == subject, IdentityFailureRow.at >= since)
            .order_by(IdentityFailureRow.at)
        )
        with self._sessions() as session:
            return [_aware(at) for at in session.scalars(query)]

    def reveal_pin(self, order_id: str) -> str | None:
        """The PIN in clear, for the one place that needs it: the submission to the carrier."""
        with self._sessions() as session:
            token = self._row(session, order_id).pin_encrypted
        return self.box.decrypt(token) if token else None

    # ------------------------------------------------------------------------- writing

    def add(self, order: NewOrder, actor: str = "system", order_id: str | None = None) -> PortOrder:
        """Store a new order (values validated and normalised); `order_id` is for fixed demo ids."""
        with self._sessions.begin() as session:
            return self._to_order(self._insert(session, order, actor, order_id))

    def update_fields(self, order_id: str, changes: dict[str, Any], actor: str) -> PortOrder:
        """Change order fields (validated); every real change gets an audit row, secrets masked."""
        normalised = self._normalise_changes(changes)
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            self._change(session, row, normalised, actor)
            return self._to_order(row)

    def resubmit_corrected(
        self,
        order_id: str,
        changes: dict[str, Any],
        actor: str,
        note: str | None = None,
        sign_first: bool = False,
        letter_fields: Collection[str] = (),
    ) -> tuple[PortOrder, PortOrder | None]:
        """A fix from the chat, in one transaction: the corrections, the resubmission and, when
        numbers were taken off the order, a new draft order holding them. Returns (the resubmitted
        order, the new order or None). Half of it can never be stored without the rest.

        The order waits for a newly signed letter of authorization (awaiting_loa, resubmitted when
        `add_document` adds it) when `sign_first`, or when a field of `letter_fields` (those printed
        on the letter) really changed: a field given again as it was changes nothing on the letter."""
        normalised = self._normalise_changes(changes)
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            before = self._to_order(row)
            changed = self._change(session, row, normalised, actor)
            if sign_first or set(changed) & set(letter_fields):
                self._resubmit(
                    session, row, actor, note or "corrected; waiting for the signed LOA", OrderStatus.AWAITING_LOA
                )
            else:
                self._resubmit(session, row, actor, note)
            moved = tuple(n for n in before.numbers if n not in row.numbers)
            split = (
                None
                if not moved
                else self._insert(
                    session,
                    NewOrder(
                        numbers=moved,
                        losing_carrier=before.losing_carrier,
                        account_name=before.account_name or "",
                        service_zip=before.service_zip or "",
                        contact_email=before.contact_email or "",
                        customer_id=before.customer_id,
                        status=OrderStatus.DRAFT,
                    ),
                    actor,
                )
            )
            return self._to_order(row), (self._to_order(split) if split else None)

    def submit_completed(self, order_id: str, changes: dict[str, Any], actor: str) -> PortOrder:
        """A draft order completed in the chat (the numbers a split moved off, with the details of
        their own account), submitted in the same transaction as its details."""
        normalised = self._normalise_changes(changes)
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            if row.status is not OrderStatus.DRAFT:
                raise InvalidChange(f"Port order {order_id} is {row.status.value}: only a draft can be submitted.")
            self._change(session, row, normalised, actor)
            self._set_status(session, row, OrderStatus.SUBMITTED, actor=actor, note="completed in the chat")
            session.flush()
            return self._to_order(row)

    def record_rejection(self, order_id: str, category: str, text: str) -> PortOrder:
        """The losing carrier rejected the order: keep its notice (secrets masked) and mark it rejected."""
        if category not in CATEGORY_IDS:
            raise InvalidChange(f"Unknown rejection category “{category}”.")
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            row.rejections.append(RejectionRow(category=category, carrier_text=mask_text(text, self._secrets(row))))
            self._set_status(session, row, OrderStatus.REJECTED, actor="carrier", note=f"rejected: {category}")
            session.flush()
            return self._to_order(row)

    def resubmit(self, order_id: str, actor: str, note: str | None = None) -> PortOrder:
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            self._resubmit(session, row, actor, note)
            return self._to_order(row)

    def open_ticket(
        self,
        category: str,
        summary: str,
        order_id: str | None = None,
        conversation_id: str | None = None,
        secrets: Iterable[str] = (),
    ) -> Ticket:
        """Hand a case to a person; the summary is stored with the order's and given secrets masked.
        The ticket returned holds the masked summary: what may be e-mailed."""
        secrets = list(secrets)
        with self._sessions.begin() as session:
            if order_id is not None:
                row = self._row(session, order_id)
                order_id = row.order_id
                secrets += self._secrets(row)
            row = TicketRow(
                ticket_id=_next_id(session, TicketRow.ticket_id, "T-", FIRST_TICKET_NUMBER),
                order_id=order_id,
                category=category,
                summary=mask_text(summary, secrets),
                conversation_id=conversation_id,
                status="open",
                created_at=utcnow(),
            )
            session.add(row)
            return _ticket(row)

    def add_document(
        self,
        order_id: str,
        kind: str,
        stored: dict[str, Any],
        actor: str,
        latest_date: date | None = None,
        too_old: bool = False,
        evidence: dict | None = None,
    ) -> tuple[Document, PortOrder]:
        """Records a document whose bytes are already in the document storage (`stored`: its
        storage_key, content_type, size and sha256). A signed LOA resubmits an order waiting for
        it, in the same transaction: the resubmission never goes without the signature."""
        with self._sessions.begin() as session:
            row = self._row(session, order_id)
            document = DocumentRow(
                document_id=_next_id(session, DocumentRow.document_id, "D-", FIRST_DOCUMENT_NUMBER),
                order_id=row.order_id,
                kind=kind,
                latest_date=latest_date,
                too_old=too_old,
                evidence=evidence,
                created_at=utcnow(),
                **stored,
            )
            session.add(document)
            session.flush()
            session.add(
                AuditEventRow(
                    order_id=row.order_id, actor=actor, note=f"document {document.document_id} ({kind}) added"
                )
            )
            if kind == SIGNED_LOA and row.status is OrderStatus.AWAITING_LOA:
                note = f"resubmitted with the LOA signed by {evidence['typed_name']} ({document.document_id})"
                self._set_status(session, row, OrderStatus.RESUBMITTED, actor=actor, note=note)
            session.flush()
            return _document(document), self._to_order(row)

    def record_identity_failure(self, subjects: Iterable[str], at: datetime) -> None:
        with self._sessions.begin() as session:
            session.add_all(IdentityFailureRow(subject=subject, at=at) for subject in subjects)

    def encrypt_plain_account_numbers(self) -> int:
        """Encrypts the account numbers a database from before this store encrypted them still
        holds in clear; returns how many. Run at every start (`seed_demo`): cheap when none are left."""
        with self._sessions.begin() as session:
            plain = [
                row
                for row in session.scalars(select(OrderRow).where(OrderRow.account_number.isnot(None)))
                if not is_ciphertext(row.account_number)
            ]
            for row in plain:
                row.account_number = self.box.encrypt(row.account_number)
            return len(plain)

    def note(self, order_id: str, actor: str, note: str) -> None:
        """An audit-trail entry that changes nothing on the order (a lock of its identity check)."""
        with self._sessions.begin() as session:
            session.add(AuditEventRow(order_id=self._row(session, order_id).order_id, actor=actor, note=note))

    # ------------------------------------------------------------------------- helpers

    def _insert(self, session: Session, order: NewOrder, actor: str, order_id: str | None = None) -> OrderRow:
        values = {
            f.name: FIELD_NORMALISERS[f.name](getattr(order, f.name))
            for f in fields(order)
            if f.name in FIELD_NORMALISERS and getattr(order, f.name) is not None
        }
        pin = values.pop("pin", None)
        if order_id is None:
            order_id = _next_id(session, OrderRow.order_id, "PO-", FIRST_ORDER_NUMBER)
        order_id = order_key(order_id)
        if not ORDER_ID.fullmatch(order_id):
            raise InvalidChange(f"“{order_id}” is not an order id: they look like PO-12345.")
        if session.get(OrderRow, order_id) is not None:
            raise InvalidChange(f"Port order {order_id} already exists.")
        account_number = values.pop("account_number", None)
        row = OrderRow(order_id=order_id, status=_status(order.status), **values)
        row.pin_encrypted = self.box.encrypt(pin) if pin else None
        row.account_number = self.box.encrypt(account_number) if account_number else None
        session.add(row)
        session.flush()  # the row first: PostgreSQL checks the audit event's foreign key at once
        session.add(AuditEventRow(order_id=row.order_id, actor=actor, note="order created"))
        session.flush()
        return row

    @staticmethod
    def _normalise_changes(changes: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(changes) - set(FIELD_NORMALISERS))
        if unknown:
            raise InvalidChange(
                f"Unknown order field(s): {', '.join(unknown)}. Fields that can change: {', '.join(FIELD_NORMALISERS)}."
            )
        return {
            name: None if value is None and name != "numbers" else FIELD_NORMALISERS[name](value)
            for name, value in changes.items()
        }

    def _change(self, session: Session, row: OrderRow, normalised: dict[str, Any], actor: str) -> list[str]:
        """Writes the values that differ from the stored ones; returns the names of those fields."""
        changed = []
        for name, new in normalised.items():
            old = self._field_value(row, name)
            if old == new:
                continue
            changed.append(name)
            if name == "pin":
                row.pin_encrypted = self.box.encrypt(new) if new else None
            elif name == "account_number":
                row.account_number = self.box.encrypt(new) if new else None
            else:
                setattr(row, name, new)
            session.add(
                AuditEventRow(
                    order_id=row.order_id,
                    actor=actor,
                    field=name,
                    old_value=_display(name, old),
                    new_value=_display(name, new),
                )
            )
        session.flush()
        return changed

    def _resubmit(
        self,
        session: Session,
        row: OrderRow,
        actor: str,
        note: str | None,
        status: OrderStatus = OrderStatus.RESUBMITTED,
    ) -> None:
        if row.status is not OrderStatus.REJECTED:
            raise InvalidChange(
                f"Port order {row.order_id} is {row.status.value}: only a rejected order can be resubmitted."
            )
        self._set_status(session, row, status, actor=actor, note=note or "resubmitted")
        session.flush()

    def _row(self, session: Session, order_id: str) -> OrderRow:
        row = session.get(OrderRow, order_key(order_id))
        if row is None:
            raise UnknownOrder(order_id)
        return row

    def _field_value(self, row: OrderRow, name: str) -> Any:
        if name == "pin":
            return self.box.decrypt(row.pin_encrypted) if row.pin_encrypted else None
        if name == "account_number":
            return self._account_number(row, self.box)
        return getattr(row, name)

    @staticmethod
    def _account_number(row: OrderRow, box: SecretBox | None) -> str | None:
        """The account number in clear; the mask when no key is at hand (`orders list` without
        one); as stored when it is not ciphertext (a database written before it was encrypted)."""
        stored = row.account_number
        if not stored or not is_ciphertext(stored):
            return stored
        return box.decrypt(stored) if box else MASK

    def _secrets(self, row: OrderRow) -> list[str]:
        return [s for s in (self._field_value(row, "pin"), self._field_value(row, "account_number")) if s]

    @staticmethod
    def _set_status(session: Session, row: OrderRow, status: OrderStatus, actor: str, note: str) -> None:
        session.add(
            AuditEventRow(
                order_id=row.order_id,
                actor=actor,
                field="status",
                old_value=row.status.value,
                new_value=status.value,
                note=note,
            )
        )
        row.status = status

    def _to_order(self, row: OrderRow) -> PortOrder:
        try:
            box = self.box
        except UserError:  # no key: everything but the secrets can still be shown
            box = None
        return PortOrder(
            order_id=row.order_id,
            status=row.status,
            numbers=tuple(row.numbers),
            losing_carrier=row.losing_carrier,
            account_name=row.account_name,
            service_zip=row.service_zip,
            contact_email=row.contact_email,
            customer_id=row.customer_id,
            account_number=self._account_number(row, box),
            btn=row.btn,
            has_pin=bool(row.pin_encrypted),
            service_address=row.service_address,
            authorized_name=row.authorized_name,
            authorized_title=row.authorized_title,
            authorized_email=row.authorized_email,
            requested_foc_date=row.requested_foc_date,
            remaining_disposition=row.remaining_disposition,
            pilot_number=row.pilot_number,
            created_at=_aware(row.created_at),
            updated_at=_aware(row.updated_at),
            rejections=tuple(Rejection(r.category, r.carrier_text, _aware(r.rejected_at)) for r in row.rejections),
        )


def _ticket(row: TicketRow) -> Ticket:
    return Ticket(
        row.ticket_id, row.order_id, row.category, row.summary, row.conversation_id, _aware(row.created_at), row.status
    )


def _document(row: DocumentRow) -> Document:
    return Document(
        document_id=row.document_id,
        order_id=row.order_id,
        kind=row.kind,
        storage_key=row.storage_key,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=_aware(row.created_at),
        latest_date=row.latest_date,
        too_old=bool(row.too_old),
        evidence=row.evidence,
    )


def order_key(order_id: str) -> str:
    return order_id.strip().upper()


def _status(status: OrderStatus | str) -> OrderStatus:
    try:
        return OrderStatus(status)
    except ValueError:
        raise InvalidChange(
            f"Unknown order status “{status}”. Use one of: {', '.join(s.value for s in OrderStatus)}."
        ) from None

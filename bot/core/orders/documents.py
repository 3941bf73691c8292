"""The documents of a port order, end to end: the LOA made from the corrected order, its signature,
and the bills customers upload. Used by the action server (issuing a letter, making links), the
web server (the signing and upload pages) and the Slack channel (files shared in a conversation).

Bytes go to the document storage first and the record to the order store second; when the
record can't be written the bytes are deleted again, so nothing is ever half-stored.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

from nameparser import HumanName

from bot import settings
from bot.core import validators
from bot.core.catalog import BILL, SIGNED_LOA
from bot.core.documents import links
from bot.core.documents.intake import CheckedUpload, check_upload
from bot.core.documents.loa import Signature, render_loa
from bot.core.documents.storage import DocumentStorage, storage_from_url
from bot.core.errors import UserError
from bot.core.orders.records import Document, OrderStatus, PortOrder
from bot.core.orders.store import OrderStore

LOA = "loa"  # a letter we made, not signed yet (signed ones are SIGNED_LOA)
PDF = "application/pdf"
CONSENT = (
    "I am the person authorized on this account, I have read this letter of authorization, and I agree "
    "to sign it electronically."
)


class SignatureRefused(UserError):
    """A signature that can't be taken: shown on the signing page as is."""


@dataclass(frozen=True)
class SignatureRequest:
    """What the signing page shows: the letter, and whose name must be typed."""

    order_id: str
    document_id: str
    signer: str | None  # None: the order names nobody, and whoever signs is recorded as the signer
    signed: Document | None  # the signed letter, once signed


def required_signer(order: PortOrder) -> str | None:
    """The person who must sign: the authorized person on the order. An order that names nobody
    (a customer's own line, where the account holder signs) takes the name the signer types."""
    return order.authorized_name


def _name_parts(name: str) -> tuple[str, str, str]:
    # accents, case and punctuation don't make a different person ("Zoë O'Brien" = "zoe obrien")
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    parsed = HumanName(re.sub(r"[^\w\s,-]", "", plain))
    return tuple(re.sub(r"[\W_]", "", part) for part in (parsed.first, parsed.middle, parsed.last))


def names_match(typed: str, authorized: str) -> bool:
    """True when the typed name is the authorized person's: the same given name and surname, and
    no middle name that contradicts theirs (an initial is enough)."""
    first, middle, last = _name_parts(typed)
    want_first, want_middle, want_last = _name_parts(authorized)
    if not (first and last) or (first, last) != (want_first, want_last):
        return False
    return not (middle and want_middle) or middle[0] == want_middle[0]


class DocumentDesk:
    def __init__(
        self, store: OrderStore, storage: DocumentStorage, link_secret: str, base_url: str, company: str
    ) -> None:
        self.store, self.storage = store, storage
        self._secret, self.base_url, self.company = link_secret, base_url.rstrip("/"), company

    @classmethod
    def from_settings(cls, store: OrderStore | None = None) -> DocumentDesk:
        secret = settings.get(settings.DOCUMENT_LINK_SECRET)
        if not secret:
            raise UserError(f"{settings.DOCUMENT_LINK_SECRET} is not set: `python -m bot run` writes one into .env.")
        return cls(
            store or OrderStore(),
            storage_from_url(settings.documents_url()),
            secret,
            settings.public_web_url(),
            settings.company_name(),
        )

    # ------------------------------------------------------------------ links

    def link(self, purpose: str, order_id: str, document_id: str | None = None) -> str:
        token = links.make_token(self._secret, purpose, order_id, time.time(), document_id)
        return links.link_url(self.base_url, purpose, token)

    def read_link(self, token: str, purpose: str) -> links.LinkClaims:
        return links.read_token(self._secret, token, purpose)

    def sign_link(self, order_id: str) -> str | None:
        """The link to sign the order's newest letter, while the order waits for it."""
        letter = self.latest(order_id, LOA)
        if letter is None or self.store.get(order_id).status is not OrderStatus.AWAITING_LOA:
            return None
        return self.link(links.SIGN, order_id, letter.document_id)

    # ------------------------------------------------------------------ the LOA

    def latest(self, order_id: str, kind: str) -> Document | None:
        return next((d for d in reversed(self.store.documents(order_id)) if d.kind == kind), None)

    def issue_loa(self, order_id: str, actor: str, today: date) -> str:
        """Makes the letter from the order as it now stands, keeps it, and returns its signing link."""
        order = self.store.get(order_id)
        letter, _ = self._keep(order_id, LOA, render_loa(order, self.company, today), PDF, "pdf", actor)
        return self.link(links.SIGN, order_id, letter.document_id)

    def signature_request(self, claims: links.LinkClaims) -> SignatureRequest:
        """What a signing link is for; BadLink when its letter is no longer the one to sign."""
        letter = self.latest(claims.order_id, LOA)
        if letter is None or letter.document_id != claims.document_id:
            raise links.BadLink()  # a newer letter was made since: only its link signs
        order = self.store.get(claims.order_id)
        signed = self.latest(claims.order_id, SIGNED_LOA)
        signed = signed if signed and (signed.evidence or {}).get("letter") == letter.document_id else None
        if signed is None and order.status is not OrderStatus.AWAITING_LOA:
            raise links.BadLink()  # the order moved on (fixed again, cancelled): nothing to sign
        return SignatureRequest(order.order_id, letter.document_id, required_signer(order), signed)

    def letter_pdf(self, request: SignatureRequest) -> bytes:
        """The signed letter once signed, the letter to sign before."""
        return self.storage.get((request.signed or self._document(request.order_id, request.document_id)).storage_key)

    def sign(
        self, request: SignatureRequest, typed_name: str, consented: bool, ip: str, user_agent: str
    ) -> tuple[Document, PortOrder]:
        """Signs the letter for the authorized person; the order is resubmitted with it."""
        if request.signed:
            raise SignatureRefused("This letter is already signed, and the order was resubmitted with it.")
        typed = " ".join((typed_name or "").split())[:100]
        if not typed:
            raise SignatureRefused("Please type your full name to sign.")
        if request.signer is None:
            try:
                validators.person_name(typed)
            except validators.ValidationError:
                raise SignatureRefused("Please type your full name, letters only, for example Maria Lopez.") from None
        elif not names_match(typed, request.signer):
            raise SignatureRefused(
                f"Only {request.signer}, the person authorized on the account, can sign this letter, and the name "
                f"typed has to be theirs. If that is someone else now, tell the assistant in the chat so the "
                f"order names the right person."
            )
        if not consented:
            raise SignatureRefused("Please tick the box to agree to sign electronically.")
        order = self.store.get(request.order_id)
        letter = self._document(request.order_id, request.document_id)
        signed_at = datetime.now(timezone.utc)
        signature = Signature(typed, signed_at, ip, user_agent[:300], CONSENT)
        evidence = {
            "typed_name": typed,
            "signed_at": signed_at.isoformat(timespec="seconds"),
            "ip": ip,
            "user_agent": user_agent[:300],
            "consent": CONSENT,
            "letter": letter.document_id,
            "letter_sha256": letter.sha256,
        }
        pdf = render_loa(order, self.company, letter.created_at.date(), signature)
        return self._keep(request.order_id, SIGNED_LOA, pdf, PDF, "pdf", f"signer {typed}", evidence=evidence)

    # ------------------------------------------------------------------ bills

    def take_upload(self, order_id: str, data: bytes, actor: str, today: date) -> tuple[Document, CheckedUpload]:
        """Checks an uploaded bill by its content and keeps it; RefusedUpload keeps nothing."""
        self.store.get(order_id)  # an unknown order: refused before anything is stored
        checked = check_upload(data, today)
        document, _ = self._keep(
            order_id,
            BILL,
            data,
            checked.content_type,
            checked.extension,
            actor,
            latest_date=checked.latest_date,
            too_old=checked.too_old,
        )
        return document, checked

    # ------------------------------------------------------------------ helpers

    def _document(self, order_id: str, document_id: str) -> Document:
        return next(d for d in self.store.documents(order_id) if d.document_id == document_id)

    def _keep(
        self, order_id: str, kind: str, data: bytes, content_type: str, extension: str, actor: str, **record
    ) -> tuple[Document, PortOrder]:
        key = f"{order_id}/{kind}-{uuid.uuid4().hex}.{extension}"
        self.storage.put(key, data, content_type)
        stored = {
            "storage_key": key,
            "content_type": content_type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        try:
            return self.store.add_document(order_id, kind, stored, actor, **record)
        except BaseException:
            self.storage.delete(key)  # the record could not be written: no bytes without it
            raise

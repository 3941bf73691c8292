"""The conversation slots the actions read and set: the names domain.yml declares them under."""

from __future__ import annotations

# Rasa's own slot: the form question being asked. Re-exported so the actions name every slot from here.
from rasa_sdk.forms import REQUESTED_SLOT as REQUESTED_SLOT

from bot.core.catalog import load_catalog

# The rejection category id (catalog) the conversation is about.
REJECTION_CATEGORY = "rejection_category"
# Further categories found in the same notice, explained one after the other.
PENDING_CATEGORIES = "pending_categories"
# Canonical carrier name (catalog) the number is leaving.
LOSING_CARRIER = "losing_carrier"
# The order id the customer typed in the identity check (not yet proven theirs).
ORDER_ID = "order_id"
# The service ZIP or contact e-mail the customer typed to prove the order is theirs.
ORDER_VERIFIER = "order_verifier"
# The order id this conversation has proven to own.
VERIFIED_ORDER = "verified_order_id"
# What the customer wanted before the identity check ("fix", "status", "explain").
AFTER_VERIFICATION = "after_verification"
# Which form the rules start next ("verify", "fix_form") or "none": a featurized slot, so the
# branching is in data/rules and `rasa test core` checks it.
FIX_NEXT = "fix_next"
# Failed answers per fix field, so that the second one explains the field.
FIX_FAILURES = "slot_failures"
# How the porting team reaches a customer whose order is not verified: an e-mail or a phone number.
CONTACT = "contact"
# Values the customer gave in any message, by field (secrets encrypted), until a fix uses them.
NOTED_ANSWERS = "noted_answers"
# The answer to "Shall I go ahead?": "yes" or "no" once read (confirm_form).
FIX_CONFIRMED = "fix_confirmed"
# The fix form's answers: one slot per field a fix can ask for (catalog fields.yml), named as the field.
FIX_FIELD_SLOTS: tuple[str, ...] = tuple(field.id for field in load_catalog().form_fields("fix_form"))

# Every slot above, which domain.yml must declare; not `REQUESTED_SLOT`, which Rasa adds itself.
ALL_SLOTS: tuple[str, ...] = (
    REJECTION_CATEGORY,
    PENDING_CATEGORIES,
    LOSING_CARRIER,
    ORDER_ID,
    ORDER_VERIFIER,
    VERIFIED_ORDER,
    AFTER_VERIFICATION,
    FIX_NEXT,
    FIX_FAILURES,
    FIX_CONFIRMED,
    NOTED_ANSWERS,
    CONTACT,
    *FIX_FIELD_SLOTS,
)

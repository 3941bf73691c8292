from datetime import date, datetime, timezone

import pytest

from bot.core.catalog import CATEGORY_IDS, load_catalog
from bot.core.fixes import CHECKLIST_FIELD
from bot.core.orders.records import OrderStatus, PortOrder
from bot.core.replies import (
    NEXT_STEPS,
    PERSON_BUTTON,
    Reply,
    answer_problem,
    carrier_notice,
    clarify_rejection,
    confirm_fix,
    define_term,
    endings_checked,
    explain_rejection,
    field_help,
    fix_needs_person,
    fix_resubmitted,
    fix_started,
    lookup_failed,
    lookup_locked,
    order_found,
    order_status,
    ticket_opened,
)
from bot.core.validators import ValidationError
from tests.unit.records import port_order

CATALOG = load_catalog()
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def order(order_id: str = "PO-10007", numbers: tuple[str, ...] = ("+14045550107",)) -> PortOrder:
    return port_order(
        order_id=order_id,
        numbers=numbers,
        losing_carrier="T-Mobile",
        account_name="Peachtree Dental",
        service_zip="30309",
        contact_email="office@example.com",
    )


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_every_category_is_explained_with_its_first_step(category_id):
    category = CATALOG.category(category_id)
    replies = explain_rejection(category_id)
    assert replies[0].text.startswith(category.title) and category.meaning in replies[0].text
    assert replies[1].text.startswith(f"First step: {category.steps[0]}")
    assert all(step in replies[1].text for step in category.steps)


def test_a_carrier_note_is_added_for_that_carrier_only():
    note = CATALOG.category("pin_invalid").carrier_notes["T-Mobile"]
    assert any(note in r.text for r in explain_rejection("pin_invalid", "T-Mobile"))
    assert not any(note in r.text for r in explain_rejection("pin_invalid", "Verizon Wireless"))


def test_other_reasons_of_the_notice_are_offered_as_buttons():
    replies = explain_rejection("name_mismatch", also=("pin_invalid",))
    assert replies[-1].buttons[0].payload == "/rejection_pin_invalid"
    assert CATALOG.category("pin_invalid").title in replies[-1].text


def test_a_term_is_defined_with_why_we_ask():
    text = define_term("btn").text
    assert CATALOG.term("btn").definition in text and "Why we ask" in text


def test_an_unknown_term_gets_examples_instead_of_an_error():
    assert define_term("flux capacitor").text.startswith("Which term")
    assert define_term(None).text.startswith("Which term")


def test_clarifying_offers_the_candidates_and_a_way_out():
    reply = clarify_rejection(["pin_invalid", "account_number"])
    payloads = [b.payload for b in reply.buttons]
    assert payloads == ["/rejection_pin_invalid", "/rejection_account_number", "/port_rejected"]
    assert clarify_rejection([]).buttons == ()


def test_a_failed_lookup_says_how_many_tries_are_left():
    assert lookup_failed(2).text == (
        "I couldn't match that order number with that ZIP code or e-mail. "
        "Please check both and try again (2 tries left)."
    )
    assert lookup_failed(1).text.endswith("(1 try left).")


def test_a_locked_lookup_says_when_to_try_again_in_whole_minutes():
    assert lookup_locked(until=1_000_900.0, now=1_000_000.0).text == (
        "For your security, I can't check that order right now: too many wrong answers were given "
        "for it or from here. Please try again in about 15 minutes, or ask for a person and our "
        "porting team will contact you."
    )
    assert "about 1 minute," in lookup_locked(until=1_000_010.0, now=1_000_000.0).text  # never "about 0"


def test_the_order_and_its_notice_are_named_as_given():
    assert order_found("PO-10007").text == "Thanks, I found PO-10007."
    assert carrier_notice("PASSCODE_PIN_INVALID").text == 'The carrier\'s notice said: "PASSCODE_PIN_INVALID"'


def test_starting_a_fix_says_how_many_details_it_asks():
    title = CATALOG.category("authorized_signer").title.lower()
    fields = ["authorized_name", "authorized_title"]
    assert fix_started("PO-10007", "authorized_signer", fields).text == (
        f"Let's fix PO-10007 ({title}). I'll ask for 2 details. "
        'Nothing changes until you confirm; say "stop" any time.'
    )
    assert "I'll ask for 1 detail." in fix_started("PO-10007", "pin_invalid", ["pin"]).text


def test_a_checklist_fix_waits_for_the_customer_to_do_the_step():
    category = CATALOG.category("unpaid_balance")
    # the step is named: the customer may have skipped the explanation (everything in one message)
    assert fix_started("PO-10001", "unpaid_balance", [CHECKLIST_FIELD]).text == (
        f"Let's fix PO-10001 ({category.title.lower()}). First: {category.steps[0]} "
        "Tell me once it's done and I'll resubmit. "
        'Nothing changes until you confirm; say "stop" any time.'
    )


def test_a_category_the_chat_cannot_fix_offers_a_person():
    category = CATALOG.category("not_portable")
    reply = fix_needs_person("not_portable")
    assert reply.text == (
        f"{category.title} can't be fixed by changing the order: {category.steps[0]} "
        "A person from our porting team can take it from here."
    )
    assert reply.buttons == (PERSON_BUTTON,)


def test_the_summary_is_confirmed_or_declined_with_buttons():
    reply = confirm_fix("Here is what I'll do")
    assert reply.text == "Here is what I'll do" and [b.payload for b in reply.buttons] == ["/affirm", "/deny"]


def test_a_resubmission_names_the_carrier_and_any_order_split_off():
    resubmitted = order()
    done = f"Done: PO-10007 is corrected and resubmitted to T-Mobile. {NEXT_STEPS}"
    assert fix_resubmitted(resubmitted).text == done
    split = order("PO-10020", ("+14045550108", "+14045550109"))
    assert fix_resubmitted(resubmitted, split).text == (
        f"{done}\n+14045550108, +14045550109 moved to a new order of their own, PO-10020."
    )


def test_a_ticket_says_who_will_contact_the_customer_and_where():
    assert ticket_opened("T-1001", "office@example.com").text == (
        "I've passed this to our porting team as ticket T-1001. "
        "Someone will contact you at office@example.com within one business day."
    )
    assert ticket_opened("T-1001").text.endswith("Someone will contact you within one business day.")


def test_a_bad_answer_is_explained_and_after_repeated_failures_a_person_is_offered():
    problem = ValidationError("That PIN is too short.")
    assert answer_problem(problem, "pin") == [Reply("That PIN is too short.")]
    first, help_ = answer_problem(problem, "pin", "T-Mobile", explain_field=True)
    assert first.text == "That PIN is too short." and "T-Mobile" in help_.text and help_.buttons == (PERSON_BUTTON,)


def test_a_secrets_ending_is_confirmed_or_denied_without_more_of_it():
    assert endings_checked({"account_number": ("0077", True)}).text == "Yes: the account number I have ends in 0077."
    denied = endings_checked({"pin": ("99", False)}).text
    assert denied.startswith("The PIN I have does not end in 99") and "again" in denied


def test_help_with_the_order_number_says_where_it_is():
    text = field_help("order_id", offer_person=True).text
    assert "PO-12345" in text and "e-mail" in text and "hand this to a person" in text


def test_the_status_of_a_resubmitted_order_names_the_day_asked_for():
    order = port_order(status=OrderStatus.RESUBMITTED, requested_foc_date=date(2026, 12, 10))
    assert "asking for the port on Thursday, December 10, 2026" in order_status(order).text
    assert "asking for" not in order_status(port_order(status=OrderStatus.RESUBMITTED)).text

from datetime import date

import pytest

from bot.core import fixes
from bot.core.catalog import CATEGORY_IDS, load_catalog
from bot.core.secrets import SecretBox, generate_key, is_ciphertext
from bot.core.validators import ValidationError
from tests.unit.records import port_order as order

CATALOG = load_catalog()
BOX = SecretBox(generate_key())


CONTEXT = fixes.FixContext(order(), date(2026, 11, 20))


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_every_category_asks_for_fields_the_catalog_names_or_a_checklist_or_nothing(category_id):
    category = CATALOG.category(category_id)
    asked = fixes.fields_to_ask(category, order())
    if category.fix == "checklist":
        assert asked == [*category.fields, fixes.CHECKLIST_FIELD]
    elif category.fix in fixes.FORM_FAMILIES:
        assert asked and set(asked) <= set(category.fields) and set(asked) <= set(fixes.FIELD_CHECKS)
    else:
        assert asked == []


def test_the_btn_is_asked_for_remaining_services_only_when_it_leaves_with_the_port():
    category = CATALOG.category("remaining_services")
    assert "btn" not in fixes.fields_to_ask(category, order(btn="+13055550199"))
    assert "btn" in fixes.fields_to_ask(category, order(btn="+13055550116"))


@pytest.mark.parametrize(
    "field, answer, expected",
    [
        ("service_address", " 1840  W Belmont Ave ", "1840 W Belmont Ave"),
        ("service_zip", "60657", "60657"),
        ("btn", "(305) 555-0116", "+13055550116"),
        ("numbers", "305-555-0116", ["+13055550116"]),
        ("numbers", "0116", ["+13055550116"]),
        ("remaining_disposition", "keep the DSL and the other line", "keep remaining services active"),
        ("remaining_disposition", "disconnect 305-555-0117", "disconnect: +13055550117"),
        ("remaining_disposition", "please disconnect everything else", "disconnect all remaining services"),
        ("pilot_number", "305.555.0199", "+13055550199"),
        ("requested_foc_date", "2026-12-01", "2026-12-01"),
        ("authorized_title", "Office  Manager", "Office Manager"),
    ],
)
def test_good_answers_are_normalised(field, answer, expected):
    assert fixes.check_answer(field, answer, CONTEXT, BOX) == expected


@pytest.mark.parametrize(
    "field, answer, reason",
    [
        ("service_address", "PO Box 4471", "PO box"),
        ("service_address", "somewhere downtown", "street address"),
        ("numbers", "305-555-0199", "not on this order"),
        ("numbers", "0199", "didn't find a phone number"),
        ("numbers", "305-555-0116 and 305-555-0118", "every number"),
        ("remaining_disposition", "maybe", "keep them"),
        ("account_number", "305-555-0116", "phone number on the order"),
        ("remaining_disposition", "disconnect 305-555-0118", "moving to us with this order"),
        ("pilot_number", "305-555-0118", "moving to us with this order"),
        ("requested_foc_date", "2026-11-28", "weekend"),
        ("pin", "12", "4 to 10"),
        (fixes.CHECKLIST_FIELD, "x" * 600, "at most 500"),
    ],
)
def test_bad_answers_say_what_is_wrong(field, answer, reason):
    with pytest.raises(ValidationError, match=reason):
        fixes.check_answer(field, answer, CONTEXT, BOX)


def test_secrets_are_kept_encrypted_and_decrypted_only_for_the_change():
    pin = fixes.check_answer("pin", "58-39-20", CONTEXT, BOX)
    account = fixes.check_answer("account_number", "4215550109", CONTEXT, BOX)
    assert is_ciphertext(pin) and is_ciphertext(account)
    change = fixes.changes(["pin", "account_number"], {"pin": pin, "account_number": account}, BOX)
    assert change == {"pin": "583920", "account_number": "4215550109"}


def test_how_a_masked_secret_ends_is_checked_against_what_the_customer_says():
    kept = {"account_number": fixes.check_answer("account_number", "421555013300077", CONTEXT, BOX), "btn": None}
    fields = ["account_number", "btn"]
    assert fixes.ending_checked(fields, kept, "how do i know it's right? it should end in 0077", BOX) == {
        "account_number": ("0077", True)
    }
    denied = {"account_number": ("0078", False)}
    assert fixes.ending_checked(fields, kept, "the last four digits are 0078", BOX) == denied
    assert fixes.ending_checked(fields, kept, "looks good", BOX) == {}
    assert fixes.ending_checked(["btn"], {"btn": "+17185550130"}, "it ends in 0130", BOX) == {}  # no secret


def test_the_summary_masks_secrets_and_names_moved_numbers():
    answers = {"pin": fixes.check_answer("pin", "583920", CONTEXT, BOX), "numbers": ["+13055550116"]}
    text = fixes.summary(order(), ["multiple_accounts"], ["pin", "numbers"], answers, BOX)
    assert "583920" not in text and "pin: ••••" in text
    assert "moved to a new order of their own: +13055550118" in text and "resubmit" in text


def test_the_port_date_follows_the_losing_carriers_country():
    # July 1 is Canada Day: a business day for a US carrier, not for Rogers
    june = date(2026, 6, 15)
    assert fixes.check_answer("requested_foc_date", "July 1", fixes.FixContext(order(), june), BOX) == "2026-07-01"
    canadian = fixes.FixContext(order(losing_carrier="Rogers"), june)
    with pytest.raises(ValidationError, match="Canadian statutory holiday"):
        fixes.check_answer("requested_foc_date", "July 1", canadian, BOX)


TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "field, text, expected",
    [
        ("pin", "As I said, it's 4418207", ("4418207", None)),
        ("pin", "1", ("1", None)),  # one word: the check says what is wrong with it
        ("pin", "I already told you!!", (None, None)),  # no value: asked again, not counted
        ("authorized_title", "jreyes@kestrelyoga.com", (None, None)),  # free text takes no stray word
        ("checklist_note", "ALREADY DONE.", (fixes.DONE_NOTE, None)),
        ("checklist_note", "i just told you.", (None, None)),
    ],
)
def test_an_answer_is_read_out_of_the_sentence(field, text, expected):
    assert fixes.read_answer(field, text, TODAY) == expected


def test_a_toll_free_btn_is_read_with_its_problem():
    value, problem = fixes.read_answer("btn", "the btn is 888-555-0105", TODAY)
    assert value == "+18885550105" and "toll-free" in problem


def test_a_note_keeps_what_was_done_and_never_a_pin():
    note = fixes.checklist_note("unlocked it and paid, it also had me make a transfer pin, it's 4418207")
    assert "4418207" not in note and note.startswith("unlocked it and paid")


def test_values_go_to_the_fields_of_the_fix():
    fields = ["authorized_name", "authorized_title", "authorized_email"]
    found = {"account_name": "Jonathan Reyes", "email": "jr@example.com", "order_id": "PO-10006"}
    assert fixes.values_for(fields, found) == {
        "authorized_name": "Jonathan Reyes",
        "authorized_email": "jr@example.com",
    }
    assert fixes.values_for(["pin"], {"ssn_last4": "8592"}) == {"pin": "8592"}
    assert fixes.values_for([fixes.CHECKLIST_FIELD], {"confirmation_number": "VZ-55821"}) == {
        fixes.CHECKLIST_FIELD: "confirmation number VZ-55821"
    }


def test_one_fix_asks_every_field_of_several_reasons_once_with_the_note_last():
    categories = [
        CATALOG.category("unpaid_balance"),
        CATALOG.category("account_number"),
        CATALOG.category("pin_invalid"),
    ]
    assert fixes.fields_for(categories, order()) == ["account_number", "pin", fixes.CHECKLIST_FIELD]


def test_a_value_known_by_its_shape_changes_its_field_at_the_summary():
    fields = ["requested_foc_date"]
    assert fixes.unlabeled_change(fields, "hmm, make it the 17th instead", TODAY) == {
        "requested_foc_date": "2026-12-17"
    }
    assert fixes.unlabeled_change(["account_name"], "hmm, make it Acme instead", TODAY) == {}


@pytest.mark.parametrize(
    "text, done",
    [
        ("they turned the line back on this morning", True),
        ("called them, it's reinstated and rings through now", True),
        ("the freeze is lifted", True),
        ("I called them but they were closed", False),
        ("do I have to call them?", False),
    ],
)
def test_a_step_reported_done_is_seen(text, done):
    assert fixes.says_done(text) is done


RESOLD = fixes.FixContext(order(losing_carrier="Vonage"), date(2026, 11, 20))


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("vonage told me it runs on bandwith", "Bandwidth"),
        ("I think it's Telnyx", "Telnyx"),
        ("Peerless Network", "Peerless Network"),
        ("no idea, sorry", None),
    ],
)
def test_the_network_a_resold_line_runs_on_is_read_from_the_answer(answer, expected):
    assert fixes.read_answer("underlying_carrier", answer, date(2026, 11, 20), RESOLD.order) == (expected, None)


def test_the_reseller_is_not_the_network_it_resells():
    with pytest.raises(ValidationError, match="resells the line"):
        fixes.check_answer("underlying_carrier", "vonage", RESOLD, BOX)


def test_the_underlying_network_becomes_the_losing_carrier_the_order_is_resubmitted_to():
    answers = {"underlying_carrier": "Bandwidth", "account_number": BOX.encrypt("77120044")}
    fields = ["underlying_carrier", "account_number"]
    assert fixes.changes(fields, answers, BOX) == {"losing_carrier": "Bandwidth", "account_number": "77120044"}
    text = fixes.summary(RESOLD.order, ["resold_account"], fields, answers, BOX)
    assert "- underlying carrier: Bandwidth" in text and "resubmit the order to Bandwidth" in text


def test_a_business_name_typed_for_another_question_is_the_account_name_still_to_ask():
    waiting = ["service_zip", "account_name"]
    assert fixes.unlabeled_change(waiting, "Lakeview Pet Clinic, PLLC", date(2026, 11, 20)) == {
        "account_name": "Lakeview Pet Clinic, PLLC"
    }
    assert fixes.unlabeled_change(waiting, "ok lets do it", date(2026, 11, 20)) == {}


def test_a_note_to_the_carrier_keeps_what_was_done_not_the_filler_around_it():
    note = fixes.checklist_note("Yes I have done it already, as I said they turned it back on, ticket FR-22817")
    assert note == "as I said they turned it back on, ticket FR-22817"


def test_a_corrected_surname_replaces_the_words_it_repeats():
    kept = {"authorized_name": "Nadia Kestrel Parks", "authorized_title": "Owner"}
    assert fixes.corrected_in_place(kept, "sorry, it's Kestrel-Park not Parks") == {
        "authorized_name": "Nadia Kestrel-Park"
    }


@pytest.mark.parametrize(
    "field, text, expected",
    [
        ("checklist_note", "unlocked it and paid. there was a step where I picked a porting pin, 2290417", True),
        ("checklist_note", "how do i unlock it?", False),
        ("checklist_note", "ok all done on my end, they removed it", True),
        ("pin", "what's a pin? oh wait, it's 604127", True),
        ("pin", "where do i find the pin", False),
        ("service_address", "is it the office address you need?", False),  # a free-text field never
    ],
)
def test_an_answer_is_seen_whatever_the_classifier_took_it_for(field, text, expected):
    assert fixes.answers_anyway(field, text) is expected

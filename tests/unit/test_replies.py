import pytest

from bot.core.catalog import CATEGORY_IDS, load_catalog
from bot.core.replies import clarify_rejection, define_term, explain_rejection

CATALOG = load_catalog()


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

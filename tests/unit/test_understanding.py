import pytest

from bot.core.catalog import CATEGORY_IDS, load_catalog
from bot.core.understanding import categories_for, follow_up_terms, normalise_entities, understand


def parse(text, intent, confidence=0.9, entities=()):
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)}


@pytest.mark.parametrize("category", CATEGORY_IDS)
def test_a_customers_own_words_take_the_intents_category(category):
    assert categories_for(f"rejection_{category}", "they rejected it, no idea why") == [category]


def test_a_notice_with_two_reasons_yields_both_with_the_intents_first():
    text = "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID"
    assert categories_for("rejection_pin_invalid", text) == ["pin_invalid", "name_mismatch"]
    assert categories_for("rejection_name_mismatch", text) == ["name_mismatch", "pin_invalid"]


def test_the_notice_wording_wins_over_an_intent_it_does_not_contain():
    assert categories_for("rejection_btn_invalid", "statusReasonCode - 8A ~ Account number required") == [
        "account_number"
    ]


def test_an_unsure_classifier_still_gets_the_notices_categories():
    assert categories_for("nlu_fallback", "WPR 6P port protection enabled") == ["port_freeze"]


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_term", "what is a port freeze?"),
        ("out_of_scope", "what's the weather"),
        ("greet", "hello"),
        ("port_rejected", "my port was rejected"),
    ],
)
def test_messages_that_name_no_rejection_have_no_category(intent, text):
    assert categories_for(intent, text) == []


def test_entities_get_canonical_values_and_invalid_numbers_are_dropped():
    entities = [
        {"entity": "carrier", "value": "tmobile", "start": 0, "end": 7},
        {"entity": "carrier", "value": "t-mobile", "start": 20, "end": 28},
        {"entity": "phone_number", "value": "(415) 555-0186", "start": 30, "end": 44},
        {"entity": "phone_number", "value": "111-111-1111", "start": 50, "end": 62},
        {"entity": "term", "value": "billing telephone number", "start": 70, "end": 94},
        {"entity": "order_id", "value": "po-10234", "start": 100, "end": 108},
    ]
    values = [(e["entity"], e["value"]) for e in normalise_entities(entities, load_catalog())]
    assert values == [
        ("carrier", "T-Mobile"),
        ("phone_number", "+14155550186"),
        ("term", "btn"),
        ("order_id", "PO-10234"),
    ]


def test_understand_reports_the_contract_fields():
    result = understand(parse("End User name mismatch", "rejection_name_mismatch", 0.97)).as_json()
    assert result == {
        "text": "End User name mismatch",
        "intent": "rejection_name_mismatch",
        "category": "name_mismatch",
        "categories": ["name_mismatch"],
        "confidence": 0.97,
        "entities": [],
        "answer": None,
    }


def test_the_faq_answer_the_response_selector_picked_is_reported():
    picked = {"faq": {"response": {"intent_response_key": "faq/how_long", "confidence": 0.93}}}
    result = understand({**parse("how long does this take", "faq", 0.9), "response_selector": picked})
    assert result.answer == "faq/how_long"


def test_an_empty_parse_is_understood_as_nothing():
    result = understand({"text": "", "intent": None, "entities": None})
    assert result.category is None and result.entities == () and result.confidence == 0.0


def term_parse(text: str, *terms: str) -> dict:
    entities = [{"entity": "term", "value": t, "start": text.index(t), "end": text.index(t) + len(t)} for t in terms]
    return {"text": text, "entities": entities}


@pytest.mark.parametrize(
    "text, terms, expected",
    [
        ("and CSR?", ("CSR",), ["csr"]),
        ("what about the FOC", ("FOC",), ["foc"]),
        ("and the LOA and BTN?", ("LOA", "BTN"), ["loa", "btn"]),
        ("my CSR says Bayview Dental", ("CSR",), []),  # says something about it: not a follow-up
        ("and then?", (), []),
    ],
)
def test_a_follow_up_that_only_names_terms_asks_for_them(text, terms, expected):
    assert follow_up_terms(term_parse(text, *terms)) == expected


def test_a_porting_question_that_names_a_reason_has_its_category():
    assert categories_for("faq", "at&t says the business name doesnt match, will the phones still work?") == [
        "name_mismatch"
    ]
    assert categories_for("faq", "will the phones still work meanwhile?") == []

"""Reading pasted carrier rejection notices."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.catalog import CATEGORY_IDS, load_catalog, words
from bot.core.notices import NoticeMatch, find_categories

CATALOG = load_catalog()
SHORT_CODE = re.compile(r"\d[A-Z]")


def categories(text: str) -> list[str]:
    return [match.category for match in find_categories(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Order is being rejected at this time for End User name mismatch.", ["name_mismatch"]),
        ("statusReasonCode - 8A ~ Account number required or incorrect", ["account_number"]),
        ("ALL DATA MISMATCH", ["all_info_mismatch"]),
        ("Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID", ["name_mismatch", "pin_invalid"]),
        ("WPR 6P port protection enabled", ["port_freeze"]),
        ("FOC_EXPIRED", ["due_date_rejected"]),
        ("Unsatisfactory Business Relationship", ["unpaid_balance"]),
        ("End user name mismatch; invalid PIN", ["name_mismatch", "pin_invalid"]),
        ("Invalid PIN; end-user name mismatch", ["pin_invalid", "name_mismatch"]),
        ("Your port was rejected: Unauthorized Signature", ["authorized_signer"]),
        ("Authorization name mismatch", ["authorized_signer"]),
        ("The number is in a Hunt Group", ["hunt_group"]),
        ("There is a freeze on the line", ["port_freeze"]),
        ("Resold Account", ["resold_account"]),
        ("account number mismatch", ["account_number"]),
        ("Reason: Requested Due Date less than Published Interval", ["due_date_rejected"]),
        ("MDN does not belong to SP", ["number_not_on_account"]),
        ("Google Voice number locked - unlock fee not paid", ["google_voice_unlock"]),
        ("TargetRespOrgId missing on LOA", ["toll_free_resporg"]),
        ("status: rejected\nreason codes: 8E, 8C", ["name_mismatch", "pin_invalid"]),
        ("Rejected (6D) - number not in service", ["inactive_number"]),
        ("WPR 6M/6N", ["pending_order"]),
        (
            "All Data Mismatch/Name Mismatch/Address Mismatch/Company name Mismatch",
            ["all_info_mismatch", "name_mismatch", "address_mismatch"],
        ),
    ],
)
def test_notice_examples(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


def test_matches_carry_evidence_and_position() -> None:
    text = "Port rejected.\nReason 1: END_USER name mismatch\nReason 2: Passcode invalid (8C)"
    assert find_categories(text) == [
        NoticeMatch("name_mismatch", "END_USER name mismatch", text.index("END_USER")),
        NoticeMatch("pin_invalid", "Passcode invalid", text.index("Passcode")),
    ]


def test_wording_is_preferred_to_a_code_for_the_same_category() -> None:
    [match] = find_categories("statusReasonCode - 8A ~ Account number incorrect")
    assert (match.category, match.evidence) == ("account_number", "Account number incorrect")


def test_a_code_alone_is_its_own_evidence() -> None:
    assert find_categories("WPR 6P") == [NoticeMatch("port_freeze", "6P", 4)]


def test_each_category_is_reported_once() -> None:
    assert categories("invalid PIN. Invalid pin! PIN INVALID, code 8C") == ["pin_invalid"]


PHRASES = [(c.id, phrase) for c in CATALOG.categories for phrase in c.phrases]
LONG_CODES = [(c.id, code) for c in CATALOG.categories for code in c.codes if not SHORT_CODE.fullmatch(code)]
SHORT_CODES = [(c.id, code) for c in CATALOG.categories for code in c.codes if SHORT_CODE.fullmatch(code)]


@pytest.mark.parametrize("category_id, phrase", PHRASES)
def test_each_phrase_names_its_category(category_id: str, phrase: str) -> None:
    assert categories(phrase) == [category_id]
    assert categories(f"Rejected: {phrase.upper()}.") == [category_id]
    assert categories(phrase.replace(" ", "_")) == [category_id]


@pytest.mark.parametrize("category_id, code", LONG_CODES)
def test_each_long_code_names_its_category(category_id: str, code: str) -> None:
    assert categories(code) == [category_id]
    assert categories(f"error: {code.replace('_', ' ').lower()}") == [category_id]


@pytest.mark.parametrize("category_id, code", SHORT_CODES)
@pytest.mark.parametrize(
    "template",
    [
        "statusReasonCode - {} ~ see details",
        "WPR {}",
        "wpr-{}",
        "code: {}",
        "({})",
        "reason {}",
        "Reject code {}.",
        "Error #{}",
    ],
)
def test_each_short_code_names_its_category_in_code_context(category_id: str, code: str, template: str) -> None:
    assert categories(template.format(code)) == [category_id]
    assert categories(template.format(code.lower())) == [category_id]


@pytest.mark.parametrize("category_id, code", SHORT_CODES)
def test_short_code_without_context_is_ignored(category_id: str, code: str) -> None:
    assert categories(code) == []
    assert categories(f"apartment {code}, see you at {code[0]}am") == []


@pytest.mark.parametrize(
    "text",
    [
        "what is a PIN?",
        "What's a CSR and why do you need it?",
        "why was my port rejected?",
        "my number is 415-555-0186",
        "The zip code is 94107",
        "call me tomorrow at 8am",
        "Suite 6A, 100 Main St",
        "reason 8AM works for me",
        "my order PO-12345 status?",
        "error code 404",
        "I moved from AT&T to you last week",
        "which number is the billing number?",
        "hello",
        "",
    ],
)
def test_ordinary_messages_name_no_category(text: str) -> None:
    assert find_categories(text) == []


@pytest.mark.parametrize("text", ["\x00\x01\x02", "🙂📞 invalid pin 🙂", "\u200b" * 50, "\ud800", "8" * 10_000])
def test_odd_input_does_not_raise(text: str) -> None:
    assert all(match.category in CATEGORY_IDS for match in find_categories(text))


def test_huge_notice_is_read() -> None:
    text = "lorem ipsum " * 100_000 + "invalid PIN"
    assert categories(text) == ["pin_invalid"]


NOTICE_PIECES = st.sampled_from(
    [phrase for _, phrase in PHRASES]
    + [code for _, code in LONG_CODES]
    + [f"WPR {code}" for _, code in SHORT_CODES]
    + ["415-555-0186", "94107", "8am", "PO-12345"]
)


@given(st.lists(st.one_of(st.text(), NOTICE_PIECES), max_size=8).map(" ".join))
def test_find_categories_never_raises_and_is_ordered(text: str) -> None:
    matches = find_categories(text)
    found = [match.category for match in matches]
    assert len(found) == len(set(found))
    assert set(found) <= set(CATEGORY_IDS)
    assert [match.start for match in matches] == sorted(match.start for match in matches)
    for match in matches:
        assert text[match.start : match.start + len(match.evidence)] == match.evidence


# Text around a wording in a notice: words no catalog wording uses (nor a code's context word),
# numbers, and any characters that are neither letters nor digits.
CATALOG_WORDS = {word for c in CATALOG.categories for wording in c.phrases + c.codes for word in words(wording)}
FILLER_WORDS = [
    word
    for word in (
        "dear",
        "customer",
        "kindly",
        "review",
        "ticket",
        "regards",
        "thanks",
        "we",
        "were",
        "sorry",
        "submitted",
        "today",
        "notice",
        "details",
        "see",
        "below",
        "attached",
        "team",
        "Hi",
        "4155550186",
        "PO",
        "12345",
        "2026",
        "#7731",
        "ref",
    )
    if not set(words(word)) & (CATALOG_WORDS | {"code", "reason", "error", "reject", "status", "wpr"})
]
NOT_A_WORD = st.characters(blacklist_categories=("L", "N"))
FILLER = st.lists(
    st.one_of(st.sampled_from(FILLER_WORDS), st.text(NOT_A_WORD, min_size=1, max_size=3)), max_size=6
).map(" ".join)
WORDINGS = [(category, wording) for category, wording in PHRASES + LONG_CODES]
STYLES = st.sampled_from([str, str.upper, str.lower, str.title])
JOINERS = st.sampled_from([" ", "_", "-", "  ", "\n", " / "])


def written(wording: str, style, joiner: str) -> str:
    """A wording as a carrier's system may write it: any case, words joined by "_", "-", new lines..."""
    return style(wording).replace(" ", joiner)


@given(st.sampled_from(WORDINGS), FILLER, FILLER, STYLES, JOINERS)
def test_a_wording_anywhere_in_a_notice_is_found(wording, before, after, style, joiner):
    category, text = wording[0], written(wording[1], style, joiner)
    notice = f"{before} {text} {after}"
    [match] = find_categories(notice)
    assert match.category == category
    start = len(before) + 1
    assert start <= match.start and match.start + len(match.evidence) <= start + len(text)


@given(
    st.lists(st.sampled_from(WORDINGS), min_size=2, max_size=4, unique_by=lambda wording: wording[0]),
    st.lists(FILLER, min_size=5, max_size=5),
    STYLES,
    JOINERS,
)
def test_every_category_of_a_notice_is_found_in_its_order(wordings, fillers, style, joiner):
    # A filler word between two wordings: one wording's last word and the next one's first could
    # otherwise make a longer wording ("... account" + "name mismatch").
    parts = [
        f"{filler} {FILLER_WORDS[0]} {written(text, style, joiner)}" for filler, (_, text) in zip(fillers, wordings)
    ]
    assert categories(" ".join(parts) + " " + fillers[-1]) == [category for category, _ in wordings]


@given(FILLER)
def test_a_notice_without_any_wording_or_code_names_nothing(text):
    assert find_categories(text) == []

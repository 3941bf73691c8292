"""Reading pasted carrier rejection notices."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from bot.core.catalog import CATEGORY_IDS, load_catalog, words
from bot.core.notices import (
    TYPO_CODE_LENGTH,
    TYPO_DISTANCE,
    NoticeMatch,
    NoticeReader,
    find_categories,
    is_context_code,
)

CATALOG = load_catalog()


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


# Issue 15: wording and codes from providers' and carriers' public rejection tables, each in a
# sentence of our own (not copied from the sources, nor from any held-out notice).
@pytest.mark.parametrize(
    "text, expected",
    [
        # unpaid_balance
        ("Carrier reply: unsatisfactory business relations, port declined", ["unpaid_balance"]),
        ("they told us a bill is owed on the old account", ["unpaid_balance"]),
        ("Jeopardy LNP112J received on PO-48812", ["unpaid_balance"]),
        # name_mismatch
        ("Notice: the name entered does not match our records for this line", ["name_mismatch"]),
        ("Company/Subscriber Name Mismatch - please resend", ["name_mismatch"]),
        ("reject: first name required or incorrect", ["name_mismatch"]),
        ("residential order, and the last name was not provided", ["name_mismatch"]),
        ("Error 10 - Name invalid", ["name_mismatch"]),
        ("status LNP110W on our transfer", ["name_mismatch"]),
        ("code E10 on the portal", ["name_mismatch"]),
        # address_mismatch
        ("losing carrier: address entered does not match", ["address_mismatch"]),
        ("the service address on the order does not match their CSR", ["address_mismatch"]),
        ("Invalid premise number or building name (11)", ["address_mismatch"]),
        ("validation failed: required ZIP code missing", ["address_mismatch"]),
        ("rejected, reason E1", ["address_mismatch"]),
        # all_info_mismatch
        ("Name and Address Mismatch Error on request 2231", ["all_info_mismatch"]),
        ("they say the name and address entered do not match", ["all_info_mismatch"]),
        # inactive_number
        ("one TN is disconnected, or the account status is inactive", ["inactive_number"]),
        ("rejected: TN not active", ["inactive_number"]),
        ("our old provider says the number is inactive", ["inactive_number"]),
        ("Pending disconnect or cancellation on 3105550144", ["inactive_number"]),
        ("reason code E27", ["inactive_number"]),
        # authorized_signer
        ("LOA came back, the auth name is missing", ["authorized_signer"]),
        ("Unauthorized contact or customer signature", ["authorized_signer"]),
        ("rejection reason: invalid authorization name", ["authorized_signer"]),
        ("AUTH_NAME_MISMATCH", ["authorized_signer"]),
        ("code E10a", ["authorized_signer"]),
        # pin_invalid
        ("Order is being rejected for PIN/Passcode, see notes", ["pin_invalid"]),
        ("the portal says PIN number is invalid", ["pin_invalid"]),
        ("carrier needs the SSN/Tax ID required for the port", ["pin_invalid"]),
        ("rejected, PIN needed", ["pin_invalid"]),
        ("error (E42PWA)", ["pin_invalid"]),
        # account_number
        ("the port was rejected for account number", ["account_number"]),
        ("they wrote: the account number is required", ["account_number"]),
        ("Invalid Account Code", ["account_number"]),
        ("codes: E17A, E17B", ["account_number"]),
        # btn_invalid
        ("notice says the BTN is invalid", ["btn_invalid"]),
        ("the BTN on the order does not match the CSR", ["btn_invalid"]),
        ("LNP114J", ["btn_invalid"]),
        # not_portable
        ("Rate center mismatch for our Calgary number", ["not_portable"]),
        ("reject code E42O", ["not_portable"]),
        # resold_account
        ("the number is currently resold to another carrier", ["resold_account"]),
        ("rejected - missing reseller", ["resold_account"]),
        ("talk to your upstream carrier", ["resold_account"]),
        # multiple_accounts
        ("carrier only accepts a single account at a time", ["multiple_accounts"]),
        ("those lines are under different account numbers", ["multiple_accounts"]),
        ("they want us to submit separate orders", ["multiple_accounts"]),
        # remaining_services
        ("what about the remaining telephone numbers?", ["remaining_services"]),
        ("rejected by the losing carrier for DSL services", ["remaining_services"]),
        ("status E6h", ["remaining_services"]),
        # port_freeze
        ("the number still has a transfer lock on it", ["port_freeze"]),
        ("reason: E6d", ["port_freeze"]),
        ("LNP009J", ["port_freeze"]),
        # hunt_group
        ("a hunting feature exists on that line", ["hunt_group"]),
        ("they asked us to remove RingMaster first", ["hunt_group"]),
        ("Ring Mate is on the line", ["hunt_group"]),
        ("Unknown feature on account", ["hunt_group"]),
        ("codes E6a / E6b", ["hunt_group"]),
        # pending_order
        ("the number already has a port pending to a competing LEC", ["pending_order"]),
        ("The port request already exists", ["pending_order"]),
        ("a more recent authorization was received", ["pending_order"]),
        ("reason E19", ["pending_order"]),
        # under_contract
        ("a contract exists on the line", ["under_contract"]),
        ("carrier says the number is contracted", ["under_contract"]),
        # missing_documents
        ("rejected for illegible or incomplete document", ["missing_documents"]),
        ("the donor LEC has requested a LOA", ["missing_documents"]),
        ("they rejected the provided LOA, please re-sign", ["missing_documents"]),
        ("error E8", ["missing_documents"]),
        # due_date_rejected
        ("The FOC date requested was not accepted", ["due_date_rejected"]),
        ("they are unable to meet the due date", ["due_date_rejected"]),
        ("the date falls on a weekend", ["due_date_rejected"]),
        ("the requested FOC date is too soon", ["due_date_rejected"]),
        ("WPR 1M", ["due_date_rejected"]),
        ("codes: 6E, 6F, E35", ["due_date_rejected"]),
        ("scheduling_unreachable_due_date", ["due_date_rejected"]),
        # number_not_on_account
        ("TN not found on account", ["number_not_on_account"]),
        ("the numbers have transferred to another carrier since then", ["number_not_on_account"]),
    ],
)
def test_issue_15_wording_and_codes(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a wording must not be made of one field's value and the next field's label
        (
            "they said all the end user information is incorrect: company name, authorized name and address",
            [],
        ),
        ("Reason: PIN invalid\nZIP code: 94107", ["pin_invalid"]),
        ("Reason: PIN/Passcode: 4821, SSN/Tax ID: on file", []),
        ("Order status: pending. Disconnect the old line after porting", []),
        ("my order number has been cancelled? I did not cancel anything", []),
        # Bandwidth carrier codes are read only after a code-like word or in parentheses
        ("Suite E14, 200 Market St", []),
        ("we still have an E1 line at the office", []),
        ("our E10 and E17A extensions", []),
        # bare numbers are no codes: ZIP codes, street numbers and other vendors' codes look alike
        ("my zip code is 22154", []),
        ("1002 Main St, error code 7515", []),
        # chat and questions that only name a topic
        ("my call dropped and the line disconnected", []),
        ("is my port in progress?", []),
        ("can you port on a weekend or holiday?", []),
        ("the app freezes when I upload the bill", []),
    ],
)
def test_issue_15_wording_does_not_reach_into_ordinary_text(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


def test_a_bandwidth_code_and_its_longer_variant_are_different_codes() -> None:
    assert categories("code E10") == ["name_mismatch"]
    assert categories("code E10a") == ["authorized_signer"]
    assert categories("code E10ab") == []


# --- a code typed with one typo ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("PASSCODE_PIN_INVAILD", "pin_invalid"),  # two letters swapped
        ("Reject reason: ACCOUNT_NUMBER_MISMATHC", "account_number"),
        ("BUSINESS_NAME_MISMATCK on our order", "name_mismatch"),  # one letter wrong
        ("error: PHONE_NUMBER_NOT_PORTBLE", "not_portable"),  # one letter missing
        ("ILLEGIBLE_LOAA", "missing_documents"),  # one letter too many
        ("scheduling_invalid_due_dat", "due_date_rejected"),
    ],
)
def test_a_long_code_with_one_typo_is_read(text: str, expected: str) -> None:
    [match] = find_categories(text)
    assert match.category == expected
    assert text[match.start : match.start + len(match.evidence)] == match.evidence
    assert "_" in match.evidence


@pytest.mark.parametrize(
    "text",
    [
        "PASSCODE_PIN_INVAILDD",  # two typos
        "passcode pin invaild",  # prose is never typo-matched, only codes written with "_"
        "FOC_EXPIRD",  # a short code: one letter is too much of it to guess
        "TN_INACTIVF",
        "LNP110K",  # vendor codes with digits are exact
        "status_reason_code",
    ],
)
def test_a_typo_is_not_forgiven_where_a_guess_is_unsafe(text: str) -> None:
    assert find_categories(text) == []


def test_a_typo_near_codes_of_two_categories_is_not_guessed() -> None:
    catalog = SimpleNamespace(
        categories=[
            SimpleNamespace(id="first", phrases=("first wording",), codes=("ALPHA_BRAVO_CHARLIE",)),
            SimpleNamespace(id="second", phrases=("second wording",), codes=("ALPHA_BRAVO_CHARLIX",)),
        ]
    )
    reader = NoticeReader(catalog)
    assert [m.category for m in reader.find("ALPHA_BRAVO_CHARLIY")] == []
    assert [m.category for m in reader.find("ALPHA_BRAVO_CHARLI")] == []  # one deletion from both
    assert [m.category for m in reader.find("ALPHA_BRAV_CHARLIE")] == ["first"]


def test_no_two_typo_forgiving_codes_are_within_two_typos_of_each_other() -> None:
    # so one typo can never leave a code halfway between two categories' codes
    codes = [
        (category.id, code.casefold())
        for category in CATALOG.categories
        for code in category.codes
        if not is_context_code(code)
        and "_" in code
        and code.replace("_", "").isalpha()
        and len(code) >= TYPO_CODE_LENGTH
    ]
    assert len(codes) >= 15
    for index, (first_category, first) in enumerate(codes):
        for second_category, second in codes[index + 1 :]:
            if first_category != second_category:
                assert OSA.distance(first, second) > 2 * TYPO_DISTANCE, (first, second)


PHRASES = [(c.id, phrase) for c in CATALOG.categories for phrase in c.phrases]
LONG_CODES = [(c.id, code) for c in CATALOG.categories for code in c.codes if not is_context_code(code)]
SHORT_CODES = [(c.id, code) for c in CATALOG.categories for code in c.codes if is_context_code(code)]


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


def test_a_negation_typed_without_its_apostrophe_reads_as_the_wording():
    assert [m.category for m in find_categories("at&t said the business name doesnt match")] == ["name_mismatch"]

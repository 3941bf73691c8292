"""The catalog loader and the bundled rejections, carriers and glossary."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.catalog import (
    CATEGORY_IDS,
    DEFAULT_DIRECTORY,
    Catalog,
    load_catalog,
    lookup_key,
)
from bot.core.errors import UserError

# The contract ids, in the domain reference's table order.
CONTRACT_IDS = (
    "unpaid_balance",
    "name_mismatch",
    "address_mismatch",
    "all_info_mismatch",
    "inactive_number",
    "authorized_signer",
    "pin_invalid",
    "account_number",
    "btn_invalid",
    "not_portable",
    "resold_account",
    "multiple_accounts",
    "remaining_services",
    "port_freeze",
    "hunt_group",
    "pending_order",
    "under_contract",
    "google_voice_unlock",
    "missing_documents",
    "due_date_rejected",
    "number_not_on_account",
    "toll_free_resporg",
)

# Every code in the domain reference's table, with the category that owns it.
DOMAIN_CODES = {
    "ENTITY_NAME_MISMATCH": "name_mismatch",
    "BUSINESS_NAME_MISMATCH": "name_mismatch",
    "8E": "name_mismatch",
    "8F": "name_mismatch",
    "8G": "name_mismatch",
    "LOCATION_MISMATCH": "address_mismatch",
    "POSTAL_CODE_MISMATCH": "address_mismatch",
    "8D": "address_mismatch",
    "6C": "all_info_mismatch",
    "6D": "inactive_number",
    "AUTH_PERSON_MISMATCH": "authorized_signer",
    "PASSCODE_PIN_INVALID": "pin_invalid",
    "8C": "pin_invalid",
    "8B": "pin_invalid",
    "ACCOUNT_NUMBER_MISMATCH": "account_number",
    "ACCOUNT_NUMBER_REQUIRED": "account_number",
    "8A": "account_number",
    "BTN_ATN_MISMATCH": "btn_invalid",
    "PHONE_NUMBER_NOT_PORTABLE": "not_portable",
    "RATE_CENTER_NOT_PORTABLE": "not_portable",
    "6K": "not_portable",
    "INVALID_RESELLER": "resold_account",
    "PORTING_ORDER_SPLIT_REQUIRED": "multiple_accounts",
    "6R": "multiple_accounts",
    "MAIN_BTN_PORTING": "remaining_services",
    "6P": "port_freeze",
    "PHONE_NUMBER_HAS_SPECIAL_FEATURE": "hunt_group",
    "LSR_PENDING": "pending_order",
    "6M": "pending_order",
    "6N": "pending_order",
    "ILLEGIBLE_LOA": "missing_documents",
    "FOC_REJECTED": "due_date_rejected",
    "FOC_EXPIRED": "due_date_rejected",
    "PHONE_NUMBER_MISMATCH": "number_not_on_account",
    "6A": "number_not_on_account",
    "TargetRespOrgId": "toll_free_resporg",
}

# Headings of the seed articles and wordings from the domain table -> the category they name.
SEED_PHRASES = {
    "unsatisfactory business relationship": "unpaid_balance",
    "port out fee": "unpaid_balance",
    "end user name mismatch": "name_mismatch",
    "name mismatch": "name_mismatch",
    "company name mismatch": "name_mismatch",
    "address mismatch": "address_mismatch",
    "all data mismatch": "all_info_mismatch",
    "customer info does not match": "all_info_mismatch",
    "not in service": "inactive_number",
    "mdn not active": "inactive_number",
    "unauthorized signature": "authorized_signer",
    "authorization name mismatch": "authorized_signer",
    "invalid authorized name": "authorized_signer",
    "invalid pin": "pin_invalid",
    "wrong wireless account pin": "pin_invalid",
    "unportable": "not_portable",
    "resold account": "resold_account",
    "different accounts": "multiple_accounts",
    "partial port": "remaining_services",
    "remaining services": "remaining_services",
    "additional numbers must be addressed": "remaining_services",
    "freeze": "port_freeze",
    "freeze on the line": "port_freeze",
    "port protection": "port_freeze",
    "must be unlocked": "port_freeze",
    "hunt group": "hunt_group",
    "pending order": "pending_order",
    "term agreement": "under_contract",
    "loa missing": "missing_documents",
    "copy of bill required": "missing_documents",
    "requested due date less than published interval": "due_date_rejected",
    "port date rejected": "due_date_rejected",
    "mdn not found": "number_not_on_account",
    "does not belong to sp": "number_not_on_account",
    "resporg": "toll_free_resporg",
}

SEED_COLUMN = {
    "unpaid_balance": {"000"},
    "name_mismatch": {"000", "001"},
    "address_mismatch": {"000", "001"},
    "all_info_mismatch": {"000", "001"},
    "inactive_number": {"000", "001"},
    "authorized_signer": {"000", "001"},
    "pin_invalid": {"000", "001"},
    "account_number": {"000"},
    "btn_invalid": {"000"},
    "not_portable": {"000"},
    "resold_account": {"000", "001"},
    "multiple_accounts": {"001"},
    "remaining_services": {"001"},
    "port_freeze": {"001"},
    "hunt_group": {"001"},
    "pending_order": {"001"},
    "under_contract": {"001"},
    "google_voice_unlock": {"001"},
    "missing_documents": {"beyond"},
    "due_date_rejected": {"beyond"},
    "number_not_on_account": {"beyond"},
    "toll_free_resporg": {"beyond"},
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# --- categories ---------------------------------------------------------------------------------


def test_contract_ids_in_table_order(catalog: Catalog) -> None:
    assert CATEGORY_IDS == CONTRACT_IDS
    assert tuple(category.id for category in catalog.categories) == CONTRACT_IDS


def test_bundled_catalog_is_read_once() -> None:
    assert load_catalog() is load_catalog()


@pytest.mark.parametrize("category_id", CONTRACT_IDS)
def test_category_is_complete(catalog: Catalog, category_id: str) -> None:
    category = catalog.category(category_id)
    assert category.title and category.meaning and category.why
    assert len(category.steps) >= 2
    assert category.phrases and category.codes
    assert set(category.fields) <= {f.id for f in catalog.form_fields("fix_form") if not f.note}
    assert category.fix in {family.id for family in catalog.fix_families}
    assert set(category.seeds) == SEED_COLUMN[category_id]


@pytest.mark.parametrize("code, category_id", DOMAIN_CODES.items())
def test_every_domain_code_is_in_its_category(catalog: Catalog, code: str, category_id: str) -> None:
    assert code in catalog.category(category_id).codes


@pytest.mark.parametrize("phrase, category_id", SEED_PHRASES.items())
def test_seed_wording_is_in_its_category(catalog: Catalog, phrase: str, category_id: str) -> None:
    assert phrase in catalog.category(category_id).phrases


def test_codes_are_safe_to_look_for(catalog: Catalog) -> None:
    # A bare number (7515, 22154) is also a ZIP code or a street number, and a code like E1 or 8E
    # also turns up in suite numbers and times: such codes are only read in context.
    from bot.core.notices import is_context_code

    for category in catalog.categories:
        for code in category.codes:
            assert not code.isdigit(), (category.id, code)
            letters = max(len(run) for run in re.findall(r"[A-Za-z]+", code))
            assert letters >= 3 or is_context_code(code), (category.id, code)


_SOURCE = re.compile(r"https?://\S+|github:[\w.-]+/[\w.-]+:\S+")


def test_the_sources_of_the_notice_wording_are_noted() -> None:
    """Every category names where its wording was read, as a URL or a file of a public repository."""
    categories = load_catalog().categories
    assert [c.id for c in categories if not c.sources] == []
    assert all(_SOURCE.fullmatch(source) for c in categories for source in c.sources)


@pytest.mark.parametrize(
    "category_id, fields, fix",
    [
        ("name_mismatch", ("account_name",), "csr"),
        ("address_mismatch", ("service_address", "service_zip"), "csr"),
        ("pin_invalid", ("pin",), "pin"),
        ("account_number", ("account_number",), "csr"),
        ("btn_invalid", ("btn",), "csr"),
        ("authorized_signer", ("authorized_name", "authorized_title", "authorized_email"), "signer"),
        ("due_date_rejected", ("requested_foc_date",), "due_date"),
        ("hunt_group", ("pilot_number", "remaining_disposition"), "hunt_group"),
        ("multiple_accounts", ("numbers",), "split"),
        ("unpaid_balance", (), "checklist"),
        ("port_freeze", (), "checklist"),
        ("google_voice_unlock", (), "checklist"),
    ],
)
def test_fix_family_and_fields(catalog: Catalog, category_id: str, fields: tuple, fix: str) -> None:
    category = catalog.category(category_id)
    assert (category.fields, category.fix) == (fields, fix)


def test_steps_follow_the_seed_articles(catalog: Catalog) -> None:
    unpaid = catalog.category("unpaid_balance")
    assert "pay" in unpaid.steps[0].lower()
    assert any("tell us" in step.lower() for step in unpaid.steps)
    assert any("FCC" in step for step in unpaid.steps)
    freeze = " ".join(catalog.category("port_freeze").steps).lower()
    assert "one to two business days" in freeze and "confirmation number" in freeze
    assert "remove the freeze" in catalog.category("port_freeze").steps[0].lower()
    unlock = catalog.category("google_voice_unlock").steps[0].lower()
    assert "google voice settings" in unlock and "unlock" in unlock and "fee" in unlock
    assert "pin" in catalog.category("pin_invalid").steps[0].lower()
    assert "last four digits" in catalog.category("pin_invalid").why


def test_carrier_notes(catalog: Catalog) -> None:
    pin_notes = catalog.category("pin_invalid").carrier_notes
    assert {"Verizon Wireless", "T-Mobile", "AT&T", "AT&T Prepaid", "MagicJack", "Google Voice"} <= set(pin_notes)
    assert "Number Transfer PIN" in pin_notes["Verizon Wireless"]
    assert "Number Transfer PIN" in pin_notes["T-Mobile"]
    assert "Google Voice" in catalog.category("google_voice_unlock").carrier_notes
    names = {carrier.name for carrier in catalog.carriers}
    for category in catalog.categories:
        assert set(category.carrier_notes) <= names


def test_intents(catalog: Catalog) -> None:
    for category_id in CONTRACT_IDS:
        intent = catalog.intent_for(category_id)
        assert intent == f"rejection_{category_id}"
        assert catalog.category_for_intent(intent) == category_id
    for intent in ("port_rejected", "ask_term", "rejection_", "rejection_nope", "pin_invalid", ""):
        assert catalog.category_for_intent(intent) is None


def test_unknown_category_is_a_user_error(catalog: Catalog) -> None:
    with pytest.raises(UserError, match="unknown rejection category 'nope'"):
        catalog.category("nope")
    with pytest.raises(UserError):
        catalog.intent_for("nope")


# --- carriers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, name",
    [
        ("AT&T", "AT&T"),
        ("att", "AT&T"),
        ("at and t", "AT&T"),
        ("AT & T", "AT&T"),
        ("A.T.&T.", "AT&T"),
        ("T-Mobile", "T-Mobile"),
        ("tmobile", "T-Mobile"),
        ("t mobile", "T-Mobile"),
        ("TMO", "T-Mobile"),
        ("Verizon Wireless", "Verizon Wireless"),
        ("vzw", "Verizon Wireless"),
        ("verizon", "Verizon Wireless"),
        ("Verizon FiOS", "Verizon Fios"),
        ("Xfinity", "Comcast Xfinity"),
        ("comcast", "Comcast Xfinity"),
        ("xfinity mobile", "Xfinity Mobile"),
        ("Metro PCS", "Metro by T-Mobile"),
        ("metro by t-mobile", "Metro by T-Mobile"),
        ("AT&T prepaid", "AT&T Prepaid"),
        ("MagicJack", "MagicJack"),
        ("magic jack", "MagicJack"),
        ("Google  Voice", "Google Voice"),
        ("CenturyLink", "CenturyLink"),
        ("lumen", "CenturyLink"),
        ("Ring Central", "RingCentral"),
        ("8x8", "8x8"),
        ("Straight Talk", "Straight Talk"),
        ("U.S. Cellular", "US Cellular"),
        ("Vidéotron", "Videotron"),
        ("videotron", "Videotron"),
        ("Bell Canada", "Bell"),
        ("  koodo\n", "Koodo"),
        ("Freedom Mobile", "Freedom Mobile"),
    ],
)
def test_carrier_spellings(catalog: Catalog, typed: str, name: str) -> None:
    carrier = catalog.carrier(typed)
    assert carrier is not None and carrier.name == name


@pytest.mark.parametrize("typed", ["Acme Telecom", "", "   ", "&", "my carrier", "verizon wireless inc ltd"])
def test_unknown_carrier(catalog: Catalog, typed: str) -> None:
    assert catalog.carrier(typed) is None


def test_carrier_list_covers_us_and_canada(catalog: Catalog) -> None:
    assert len(catalog.carriers) >= 35
    assert {carrier.country for carrier in catalog.carriers} == {"US", "CA"}
    assert {carrier.kind for carrier in catalog.carriers} == {"wireless", "wireline", "cable", "voip"}
    owners: dict[str, str] = {}
    for carrier in catalog.carriers:
        for alias in {lookup_key(a) for a in (carrier.name, *carrier.aliases)}:
            assert owners.setdefault(alias, carrier.name) == carrier.name, alias


def test_carrier_pins(catalog: Catalog) -> None:
    for name in ("Verizon Wireless", "T-Mobile", "AT&T", "AT&T Prepaid", "MagicJack"):
        carrier = catalog.carrier(name)
        assert carrier is not None and carrier.pin_required and carrier.transfer_pin
    assert catalog.carrier("Comcast").pin_required is False


def test_lookup_key_folds_case_punctuation_and_ampersand() -> None:
    assert lookup_key("AT&T") == lookup_key("at and t") == lookup_key("A T & T") == "atandt"
    assert lookup_key("T-Mobile") == lookup_key("t mobile") == lookup_key("T_MOBILE") == "tmobile"


# --- glossary -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, term_id",
    [
        ("CSR", "csr"),
        ("customer service record", "csr"),
        ("BTN", "btn"),
        ("billing telephone number", "btn"),
        ("Billing number", "btn"),
        ("LOA", "loa"),
        ("letter of authorization", "loa"),
        ("PIN", "pin"),
        ("transfer PIN", "pin"),
        ("passcode", "pin"),
        ("port-out PIN", "pin"),
        ("FOC", "foc"),
        ("partial port", "partial_port"),
        ("RespOrg", "resporg"),
        ("losing carrier", "losing_carrier"),
        ("OSP", "losing_carrier"),
        ("LSP", "losing_carrier"),
        ("old carrier", "losing_carrier"),
        ("account number", "account_number"),
        ("hunt group", "hunt_group"),
        ("pilot number", "pilot_number"),
        ("port freeze", "port_freeze"),
        ("resold", "resold"),
        ("port order", "port_order"),
        ("WPR", "wpr"),
    ],
)
def test_glossary_lookup(catalog: Catalog, typed: str, term_id: str) -> None:
    term = catalog.term(typed)
    assert term is not None and term.id == term_id and term.definition


def test_unknown_term(catalog: Catalog) -> None:
    assert catalog.term("flux capacitor") is None
    assert catalog.term("") is None


@pytest.mark.parametrize(
    "term_id",
    ["pin", "account_number", "btn", "loa", "csr", "losing_carrier", "service_address", "authorized_person", "foc"],
)
def test_terms_we_ask_for_say_why(catalog: Catalog, term_id: str) -> None:
    assert next(term for term in catalog.terms if term.id == term_id).why_we_ask


# --- validation of broken catalog files ---------------------------------------------------------


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    for name in ("rejections.yml", "carriers.yml", "glossary.yml", "fixes.yml", "fields.yml"):
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _by(entries: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(entry for entry in entries if entry[key] == value)


def test_copied_catalog_loads(catalog_dir: Path, catalog: Catalog) -> None:
    copy = load_catalog(catalog_dir)
    assert copy is not catalog
    assert copy.categories == catalog.categories and copy.carriers == catalog.carriers


BROKEN = [
    (
        "rejections.yml",
        lambda e: _by(e, "id", "pin_invalid").update(colour="red"),
        ["'pin_invalid'", "unknown key(s): colour"],
    ),
    ("rejections.yml", lambda e: _by(e, "id", "pin_invalid").pop("steps"), ["'pin_invalid'", "missing key(s): steps"]),
    ("rejections.yml", lambda e: e.append(dict(_by(e, "id", "hunt_group"))), ["'hunt_group'", "duplicate id"]),
    ("rejections.yml", lambda e: _by(e, "id", "pin_invalid").update(id="PIN-wrong"), ["'PIN-wrong'", "lowercase"]),
    ("rejections.yml", lambda e: _by(e, "id", "btn_invalid").update(fix="magic"), ["'btn_invalid'", "fix 'magic'"]),
    (
        "rejections.yml",
        lambda e: _by(e, "id", "btn_invalid").update(fields=["btn", "shoe_size"]),
        ["'btn_invalid'", "shoe_size not allowed"],
    ),
    ("rejections.yml", lambda e: _by(e, "id", "btn_invalid").update(seeds=[0]), ["'btn_invalid'", "seeds"]),
    ("rejections.yml", lambda e: _by(e, "id", "btn_invalid").update(steps="call them"), ["'btn_invalid'", "steps"]),
    (
        "rejections.yml",
        lambda e: _by(e, "id", "btn_invalid")["notice"]["phrases"].append("invalid pin"),
        ["'btn_invalid'", "'invalid pin'", "listed twice"],
    ),
    (
        "rejections.yml",
        lambda e: _by(e, "id", "btn_invalid")["notice"]["codes"].append("ACCOUNT NUMBER MISMATCH!"),
        ["'btn_invalid'", "codes"],
    ),
    (
        "rejections.yml",
        lambda e: _by(e, "id", "btn_invalid")["notice"]["phrases"].append("Wrong BTN Again"),
        ["'btn_invalid'", "lowercase"],
    ),
    ("rejections.yml", lambda e: _by(e, "id", "btn_invalid")["notice"].pop("codes"), ["'btn_invalid'", "notice"]),
    (
        "rejections.yml",
        lambda e: _by(e, "id", "btn_invalid").update(carrier_notes={"Acme": "hi"}),
        ["'btn_invalid'", "Acme not in carriers.yml"],
    ),
    ("rejections.yml", lambda e: e.append("just text"), ["entry #23", "mapping"]),
    (
        "carriers.yml",
        lambda e: _by(e, "name", "Cox")["aliases"].append("T Mobile"),
        ["carriers.yml", "entry 'Cox'", "'T Mobile' already belongs to entry 'T-Mobile'"],
    ),
    (
        "carriers.yml",
        lambda e: _by(e, "name", "Cox").update(name="Verizon Wireless"),
        ["carriers.yml", "'Verizon Wireless' already belongs to entry 'Verizon Wireless'"],
    ),
    ("carriers.yml", lambda e: _by(e, "name", "Cox").update(pin_required="yes"), ["'Cox'", "pin_required"]),
    ("carriers.yml", lambda e: _by(e, "name", "Cox").update(kind="satellite"), ["'Cox'", "kind 'satellite'"]),
    ("carriers.yml", lambda e: _by(e, "name", "Cox").update(country="MX"), ["'Cox'", "country 'MX'"]),
    ("carriers.yml", lambda e: _by(e, "name", "Cox").pop("aliases"), ["'Cox'", "missing key(s): aliases"]),
    (
        "glossary.yml",
        lambda e: _by(e, "id", "btn")["aliases"].append("Transfer-PIN"),
        ["glossary.yml", "entry 'pin'", "already belongs to entry 'btn'"],
    ),
    ("glossary.yml", lambda e: _by(e, "id", "btn").update(definition=""), ["'btn'", "definition"]),
    ("glossary.yml", lambda e: _by(e, "id", "btn").update(examples=["x"]), ["'btn'", "unknown key(s): examples"]),
    ("fixes.yml", lambda e: _by(e, "id", "csr").update(asks="everything"), ["'csr'", "asks 'everything'"]),
    ("fixes.yml", lambda e: e.append(dict(_by(e, "id", "pin"))), ["'pin'", "duplicate id"]),
    ("fixes.yml", lambda e: e.remove(_by(e, "id", "hunt_group")), ["rejections.yml", "fix 'hunt_group'"]),
    ("fields.yml", lambda e: _by(e, "id", "btn").update(term="nonsense"), ["'btn'", "term 'nonsense'"]),
    ("fields.yml", lambda e: _by(e, "id", "btn").update(form="survey"), ["'btn'", "form 'survey'"]),
    ("fields.yml", lambda e: _by(e, "id", "pin").update(secret="yes"), ["'pin'", "secret must be true or false"]),
    ("fields.yml", lambda e: _by(e, "id", "btn").update(note=True), ["exactly one field must be the note"]),
    ("fields.yml", lambda e: e.remove(_by(e, "id", "pilot_number")), ["rejections.yml", "pilot_number not allowed"]),
]


@pytest.mark.parametrize("file_name, change, expected", BROKEN)
def test_broken_catalog_is_a_user_error(
    catalog_dir: Path, file_name: str, change: Callable, expected: list[str]
) -> None:
    _edit(catalog_dir / file_name, change)
    with pytest.raises(UserError) as caught:
        load_catalog(catalog_dir)
    message = str(caught.value)
    assert str(catalog_dir) in message
    for fragment in expected:
        assert fragment in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- id: [unclosed\n", "cannot read it as YAML"),
        ("id: pin_invalid\n", "must be a list of entries"),
        ("", "must be a list of entries"),
    ],
)
def test_unreadable_file_is_a_user_error(catalog_dir: Path, text: str, expected: str) -> None:
    (catalog_dir / "glossary.yml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match="glossary.yml") as caught:
        load_catalog(catalog_dir)
    assert expected in str(caught.value)


def test_missing_file_is_a_user_error(catalog_dir: Path) -> None:
    (catalog_dir / "carriers.yml").unlink()
    with pytest.raises(UserError, match="carriers.yml: catalog file not found"):
        load_catalog(catalog_dir)


@pytest.mark.parametrize(
    "text, other_than, expected",
    [
        ("vonage said it runs on bandwith", None, "Vonage"),
        ("vonage said it runs on bandwith", "Vonage", "Bandwidth"),
        ("centurylnk rejected it", None, "CenturyLink"),
        ("we're with verizon fios at home", None, "Verizon Fios"),
        ("my internet is down", None, None),
    ],
)
def test_a_carrier_is_found_in_a_sentence_typos_and_all(text, other_than, expected):
    found = load_catalog().carrier_in(text, other_than=other_than)
    assert (found.name if found else None) == expected

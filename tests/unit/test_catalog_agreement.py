"""domain.yml, the rules and the NLU data agree with the catalog, the one source of the lists.

Rasa needs the category intents, the category slot's values and the forms' slots written out in
its own files; these tests make a category, field or fix family added to the catalog (or one
missing from Rasa's files) a failing test instead of a conversation that silently goes nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions import slots
from bot.core import fixes
from bot.core.catalog import CATEGORY_IDS, INTENT_PREFIX, load_catalog
from bot.settings import PROJECT_ROOT

CATALOG = load_catalog()
CATEGORY_INTENTS = [INTENT_PREFIX + category_id for category_id in CATEGORY_IDS]


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def domain() -> dict:
    return read(PROJECT_ROOT / "domain.yml")


def test_every_category_is_an_intent_and_no_other_rejection_intent_exists(domain):
    rejection_intents = [intent for intent in domain["intents"] if str(intent).startswith(INTENT_PREFIX)]
    assert rejection_intents == CATEGORY_INTENTS


def test_the_category_slot_takes_exactly_the_category_ids(domain):
    assert domain["slots"]["rejection_category"]["values"] == list(CATEGORY_IDS)


@pytest.mark.parametrize("form", ["verify_form", "fix_form"])
def test_each_form_asks_the_catalog_fields_in_their_order(domain, form):
    assert domain["forms"][form]["required_slots"] == [field.id for field in CATALOG.form_fields(form)]


def test_every_field_has_its_question(domain):
    missing = [f.id for f in CATALOG.fields if f"utter_ask_{f.id}" not in domain["responses"]]
    assert missing == []


def test_the_domain_slots_are_the_slots_the_actions_name(domain):
    assert set(domain["slots"]) == set(slots.ALL_SLOTS)


def test_the_explain_rule_covers_every_category_intent():
    rules = read(PROJECT_ROOT / "data" / "rules" / "rejections.yml")["rules"]
    explain = next(rule for rule in rules if rule["rule"].startswith("a rejection reason is explained"))
    assert [step["intent"] for step in explain["steps"][0]["or"]] == CATEGORY_INTENTS
    assert explain["steps"][1] == {"action": "action_explain_rejection"}


def test_every_category_intent_has_training_examples():
    trained = {block["intent"] for block in read(PROJECT_ROOT / "data" / "nlu" / "rejections.yml")["nlu"]}
    assert [intent for intent in CATEGORY_INTENTS if intent not in trained] == []


def test_every_fix_form_field_has_its_answer_check():
    assert list(fixes.FIELD_CHECKS) == [field.id for field in CATALOG.form_fields("fix_form")]

"""The notice features (bot/nlu/notice_featurizer.py): the notice parser's findings, per token and sentence."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.catalog import DEFAULT_DIRECTORY, REJECTIONS_FILE, load_catalog
from bot.nlu.notice_featurizer import NoticeFeaturizer

COLUMNS = [category.id for category in load_catalog().categories]


@pytest.fixture
def featurize(tmp_path):
    featurizer = NoticeFeaturizer.create(
        {}, LocalModelStorage.create(tmp_path), Resource("notices"), ExecutionContext(GraphSchema({}), "test")
    )
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def featurize(text: str) -> tuple[list[list[str]], list[str]]:
        """(the categories marked on each token, the categories marked on the sentence)"""
        message = Message.build(text)
        tokenizer.process([message])
        featurizer.process([message])
        sequence, sentence = message.get_sparse_features("text")
        named = lambda row: [COLUMNS[column] for column in row.nonzero()[1]]  # noqa: E731
        return [named(sequence.features.getrow(i)) for i in range(sequence.features.shape[0])], named(sentence.features)

    return featurize


def test_a_notice_with_two_reasons_marks_both_on_their_words(featurize):
    tokens, sentence = featurize("Rejected: End User name mismatch; WPR 8C")
    assert sorted(sentence) == ["name_mismatch", "pin_invalid"]
    assert tokens[0] == []  # "Rejected:"
    assert tokens[4] == ["name_mismatch"]  # "mismatch;"
    assert tokens[6] == ["pin_invalid"]  # "8C"


def test_a_message_without_notice_wording_has_empty_features_of_the_same_width(featurize):
    tokens, sentence = featurize("hello, is anyone there")
    assert sentence == [] and all(token == [] for token in tokens)


def test_the_width_is_one_column_per_catalog_category(featurize, tmp_path):
    message = Message.build("ALL DATA MISMATCH")
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    data = TrainingData([message])
    featurizer = NoticeFeaturizer.create(
        {}, LocalModelStorage.create(tmp_path / "s"), Resource("n"), ExecutionContext(GraphSchema({}), "test")
    )
    assert featurizer.process_training_data(data) is data
    sequence, sentence = message.get_sparse_features("text")
    assert sentence.features.shape == (1, len(COLUMNS)) and sequence.features.shape == (3, len(COLUMNS))
    assert [COLUMNS[c] for c in sentence.features.nonzero()[1]] == ["all_info_mismatch"]


def test_a_change_of_wordings_changes_the_fingerprint(tmp_path, monkeypatch):
    """Else Rasa would train on features cached from the old wordings."""
    original = (DEFAULT_DIRECTORY / REJECTIONS_FILE).read_text()
    monkeypatch.setattr("bot.nlu.notice_featurizer.DEFAULT_DIRECTORY", tmp_path)
    (tmp_path / REJECTIONS_FILE).write_text(original)
    before = NoticeFeaturizer.fingerprint_addon({})
    (tmp_path / REJECTIONS_FILE).write_text(original.replace("- all data mismatch", "- all data mismatched"))
    assert NoticeFeaturizer.fingerprint_addon({}) != before

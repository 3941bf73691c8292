"""The sparse feature joiner (bot/nlu/feature_joiner.py) gives the classifiers Rasa's own joined matrix."""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.feature_joiner import join_columns, join_sparse_features


def message_from_three_featurizers() -> Message:
    random = np.random.default_rng(7)
    message = Message.build("T-Mobile says my PIN is wrong")
    for origin, width in (("regex", 3), ("words", 40), ("chars", 200)):
        for kind, rows in ((FEATURE_TYPE_SEQUENCE, 6), (FEATURE_TYPE_SENTENCE, 1)):
            matrix = scipy.sparse.random(rows, width, density=0.2, format="coo", random_state=random)
            message.add_features(Features(matrix, kind, TEXT, origin))
    message.add_features(Features(np.ones((1, 4)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    return message


def test_the_joined_matrices_are_the_ones_rasa_would_build_entry_for_entry():
    message = message_from_three_featurizers()
    expected = message.get_sparse_features(TEXT)
    join_sparse_features(message)
    assert len([f for f in message.features if f.is_sparse()]) == 2
    for mine, rasas in zip(message.get_sparse_features(TEXT), expected):
        assert mine.features.shape == rasas.features.shape
        for part in ("data", "row", "col"):
            assert np.array_equal(getattr(mine.features, part), getattr(rasas.features, part))
    assert message.get_dense_features(TEXT)[1].features.shape == (1, 4)  # dense ones untouched


def test_a_message_with_one_featurizer_is_left_as_it_is():
    message = Message.build("hi")
    feature = Features(scipy.sparse.coo_matrix(np.eye(1, 5)), FEATURE_TYPE_SENTENCE, TEXT, "words")
    message.add_features(feature)
    join_sparse_features(message)
    assert message.features == [feature]


def test_join_columns_puts_blocks_side_by_side():
    left, right = scipy.sparse.coo_matrix([[1, 0], [0, 2]]), scipy.sparse.csr_matrix([[0, 3, 0], [4, 0, 0]])
    assert (join_columns([left, right]).toarray() == scipy.sparse.hstack([left, right]).toarray()).all()

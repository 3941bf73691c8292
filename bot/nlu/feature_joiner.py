"""Rasa NLU component: each message's sparse features joined into one matrix per attribute and
type, once, after the last featurizer.

DIET asks for the joined matrix on every parse, and Rasa builds it featurizer by featurizer with
scipy's general-purpose `hstack` (a fifth of a parse with five featurizers). Joined here in one
step, in the same column order, the classifiers get the same matrix, so the trained model does
not change.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import FeatureRewriter


def join_columns(blocks: Iterable[scipy.sparse.spmatrix]) -> scipy.sparse.coo_matrix:
    """The matrices side by side (same rows), as `scipy.sparse.hstack` would, without its checks."""
    blocks = [block.tocoo() for block in blocks]
    offsets = np.cumsum([0] + [block.shape[1] for block in blocks])
    return scipy.sparse.coo_matrix(
        (
            np.concatenate([block.data for block in blocks]),
            (
                np.concatenate([block.row for block in blocks]),
                np.concatenate([block.col + offset for block, offset in zip(blocks, offsets)]),
            ),
        ),
        shape=(blocks[0].shape[0], int(offsets[-1])),
    )


def join_sparse_features(message: Message) -> None:
    """Replaces the sparse features of each (attribute, type) by one, in their original order."""
    groups: dict[tuple, list[Features]] = {}
    for feature in message.features:
        if feature.is_sparse():
            groups.setdefault((feature.attribute, feature.type), []).append(feature)
    if all(len(group) == 1 for group in groups.values()):
        return
    joined = [
        Features(join_columns(f.features for f in group), kind, attribute, [f.origin for f in group])
        for (attribute, kind), group in groups.items()
    ]
    message.features = [feature for feature in message.features if not feature.is_sparse()] + joined


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SparseFeatureJoiner(FeatureRewriter):
    rewrite = staticmethod(join_sparse_features)

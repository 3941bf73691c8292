"""Rasa NLU component: DIET's intent ranking averaged with a logistic regression's.

With a few dozen examples per intent, DIET's prediction for a message near two categories
(a notice listing several wrong fields: all-info or name mismatch?) depends on its random
start; a linear model over the same sparse features is stable but coarser. Averaging the two
probability rankings keeps what each gets right. The two weigh the same (`linear_weight` 0.5,
not tuned); the blend itself was chosen on 5-fold CV of data/nlu (see config.yml).

It goes right after DIETClassifier in config.yml (DIET with `ranking_length: 0`, so all its
intents are ranked) and replaces DIET's intent and ranking with the blend.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.special import softmax

from bot.nlu.feature_joiner import join_columns

LINEAR_WEIGHT = "linear_weight"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlend(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "max_iter": 1000, LINEAR_WEIGHT: 0.5}

    def _create_X(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        # The parent's matrix (sparse sentence features, then dense), built in one step: Rasa's
        # get_sparse_features copies and joins them featurizer by featurizer, which cost ~5 ms
        # of a 12 ms parse.
        rows = [_sentence_row(message) for message in messages]
        return rows[0] if len(rows) == 1 else scipy.sparse.vstack(rows, format="csr")

    @functools.cached_property
    def _weights(self) -> np.ndarray:
        # C-ordered once: scipy would copy the transposed (features x intents) view per call
        return np.ascontiguousarray(self.clf.coef_.T)

    def process(self, messages: list[Message]) -> list[Message]:
        # An empty message has no features: it keeps what DIET made of it (no intent).
        featurised = [message for message in messages if _has_sentence_features(message)]
        if not featurised:
            return messages
        # predict_proba of a multinomial model, without its per-call input checks (~2 ms)
        probabilities = softmax(self._create_X(featurised) @ self._weights + self.clf.intercept_, axis=1)
        weight = self.config[LINEAR_WEIGHT]
        for message, linear in zip(featurised, probabilities):
            earlier = {row["name"]: row["confidence"] for row in message.get(INTENT_RANKING_KEY) or []}
            # Without an earlier ranking (no DIET before us) the linear model speaks alone.
            share = weight if earlier else 1.0
            blend = {
                name: share * float(p) + (1 - share) * earlier.get(name, 0.0)
                for name, p in zip(self.clf.classes_, linear)
            }
            ranking = sorted(
                ({"name": name, "confidence": confidence} for name, confidence in blend.items()),
                key=lambda row: -row["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self.config[RANKING_LENGTH]] or ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The parent predicts on its own training examples, which would overwrite their labels.
        return training_data


def _sentence_features(message: Message) -> list:
    return [
        feature for feature in message.features if feature.attribute == TEXT and feature.type == FEATURE_TYPE_SENTENCE
    ]


def _has_sentence_features(message: Message) -> bool:
    return any(feature.is_sparse() for feature in _sentence_features(message))


def _sentence_row(message: Message) -> scipy.sparse.csr_matrix:
    """One row: the sparse sentence features in the featurizers' order, then the dense ones."""
    features = _sentence_features(message)
    return join_columns(
        [feature.features for feature in features if feature.is_sparse()]
        + [scipy.sparse.coo_matrix(feature.features) for feature in features if feature.is_dense()]
    ).tocsr()

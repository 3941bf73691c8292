"""Rasa NLU component: DIET's intent ranking averaged with a logistic regression's.

With a few dozen examples per intent, DIET's prediction for a message near two categories
(a notice listing several wrong fields: all-info or name mismatch?) depends on its random
start; a linear model over the same sparse features is stable but coarser. Averaging the two
probability rankings keeps what each gets right; the weight was chosen on 5-fold CV of data/nlu.

It goes right after DIETClassifier in config.yml (DIET with `ranking_length: 0`, so all its
intents are ranked) and replaces DIET's intent and ranking with the blend.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

LINEAR_WEIGHT = "linear_weight"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlend(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(),
                "max_iter": 1000, LINEAR_WEIGHT: 0.5}

    def process(self, messages: List[Message]) -> List[Message]:
        # An empty message has no features: it keeps what DIET made of it (no intent).
        featurised = [message for message in messages
                      if message.get_sparse_features(TEXT)[1] is not None]
        if not featurised:
            return messages
        probabilities = self.clf.predict_proba(self._create_X(featurised))
        weight = self.config[LINEAR_WEIGHT]
        for message, linear in zip(featurised, probabilities):
            earlier = {row["name"]: row["confidence"]
                       for row in message.get(INTENT_RANKING_KEY) or []}
            # Without an earlier ranking (no DIET before us) the linear model speaks alone.
            share = weight if earlier else 1.0
            blend = {name: share * float(p) + (1 - share) * earlier.get(name, 0.0)
                     for name, p in zip(self.clf.classes_, linear)}
            ranking = sorted(({"name": name, "confidence": confidence}
                              for name, confidence in blend.items()),
                             key=lambda row: -row["confidence"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self.config[RANKING_LENGTH]] or ranking,
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The parent predicts on its own training examples, which would overwrite their labels.
        return training_data

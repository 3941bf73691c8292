"""Rasa NLU component: what the notice parser finds in a message, as features for the classifiers.

The catalog knows every category's notice wordings and codes ("ALL DATA MISMATCH", "WPR 6C");
a code seen a few times in training is otherwise a rare token to the classifiers. With one
feature per catalog category (set on the tokens of the evidence and on the sentence) the model
learns how much a notice's wording counts against the rest of the message: a glossary question
naming "port freeze" is still a question.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core import notices
from bot.core.catalog import DEFAULT_DIRECTORY, REJECTIONS_FILE, load_catalog


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class NoticeFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NoticeFeaturizer:
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._columns = {category.id: index for index, category in enumerate(load_catalog().categories)}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass  # nothing to configure: the columns are the catalog's categories

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # Rasa reuses cached features unless something it fingerprints changed: it knows this
        # class's code, not the wordings or the parser it reads them with.
        digest = hashlib.sha256((DEFAULT_DIRECTORY / REJECTIONS_FILE).read_bytes())
        digest.update(inspect.getsource(notices).encode())
        return digest.hexdigest()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if message.get(TEXT) and tokens:
                self.add_features_to_message(*self._features(message.get(TEXT), tokens), TEXT, message)
        return messages

    def _features(self, text: str, tokens: list) -> tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        sequence = np.zeros((len(tokens), len(self._columns)))
        sentence = np.zeros((1, len(self._columns)))
        for match in notices.find_categories(text):
            column = self._columns[match.category]
            sentence[0, column] = 1.0
            end = match.start + len(match.evidence)
            for index, token in enumerate(tokens):
                if token.start < end and token.end > match.start:
                    sequence[index, column] = 1.0
        return scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(sentence)

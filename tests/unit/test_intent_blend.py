"""The intent blend (bot/nlu/intent_blend.py): Rasa's own featurizer and storage, a tiny data set."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_blend import IntentBlend

EXAMPLES = {
    "rejection_pin_invalid": ["the pin is wrong", "invalid transfer pin", "pin mismatch again"],
    "rejection_name_mismatch": ["the name does not match", "end user name mismatch", "wrong name"],
    "greet": ["hello there", "hi", "good morning"],
}


@pytest.fixture
def components(tmp_path):
    storage = LocalModelStorage.create(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("cvf"), context
    )
    data = TrainingData([Message.build(text, intent) for intent, texts in EXAMPLES.items() for text in texts])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)

    def blend(**config) -> IntentBlend:
        component = IntentBlend.create(
            {**IntentBlend.get_default_config(), **config}, storage, Resource("blend"), context
        )
        component.train(data)
        assert component.process_training_data(data) is data
        return component

    def message(text: str, earlier: dict[str, float] | None = None) -> Message:
        message = Message.build(text)
        tokenizer.process([message])
        featurizer.process([message])
        if earlier is not None:
            message.set(
                "intent_ranking", [{"name": name, "confidence": confidence} for name, confidence in earlier.items()]
            )
        return message

    return blend, message, data


def ranking(message: Message) -> dict[str, float]:
    return {row["name"]: row["confidence"] for row in message.get("intent_ranking")}


def test_training_leaves_the_labels_alone(components):
    blend, _, data = components
    blend()
    assert sorted({example.get("intent") for example in data.intent_examples}) == sorted(EXAMPLES)


def test_alone_it_is_the_linear_model(components):
    blend, message, _ = components
    parsed = message("my pin is wrong")
    component = blend()
    component.process([parsed])
    assert parsed.get("intent")["name"] == "rejection_pin_invalid"
    # the same probabilities as scikit-learn's own predict_proba on the parent's matrix
    expected = component.clf.predict_proba(LogisticRegressionClassifier._create_X(component, [parsed]))[0]
    assert ranking(parsed) == pytest.approx(dict(zip(component.clf.classes_, expected)))


def test_it_averages_the_earlier_ranking_with_its_own(components):
    blend, message, _ = components
    linear = message("my pin is wrong")
    blend(linear_weight=1.0).process([linear])
    earlier = {"greet": 0.9, "rejection_name_mismatch": 0.1}
    parsed = message("my pin is wrong", earlier)
    blend(linear_weight=0.25).process([parsed])

    for intent, linear_confidence in ranking(linear).items():
        expected = 0.25 * linear_confidence + 0.75 * earlier.get(intent, 0.0)
        assert ranking(parsed)[intent] == pytest.approx(expected)
    # DIET's strong vote wins here, against the linear model's choice
    assert parsed.get("intent")["name"] == "greet"
    confidences = list(ranking(parsed).values())
    assert confidences == sorted(confidences, reverse=True)


def test_a_message_without_features_keeps_what_it_had(components):
    blend, message, _ = components
    empty, parsed = Message.build(""), message("invalid pin")
    empty.set("intent", {"name": None, "confidence": 0.0})
    blend().process([empty, parsed])
    assert empty.get("intent") == {"name": None, "confidence": 0.0}
    assert empty.get("intent_ranking") is None
    assert parsed.get("intent")["name"] == "rejection_pin_invalid"


def test_the_ranking_is_cut_to_its_length(components):
    blend, message, _ = components
    parsed = message("hello", {"greet": 1.0})
    blend(ranking_length=2).process([parsed])
    assert len(parsed.get("intent_ranking")) == 2
    assert parsed.get("intent")["name"] == "greet"


def test_it_survives_saving_and_loading(components, tmp_path):
    blend, message, _ = components
    trained = blend()
    loaded = IntentBlend.load(
        trained.config, trained._model_storage, trained._resource, ExecutionContext(GraphSchema({}), "test")
    )
    first, second = message("invalid pin"), message("invalid pin")
    trained.process([first])
    loaded.process([second])
    assert ranking(first) == pytest.approx(ranking(second))

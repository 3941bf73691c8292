"""The classifiers read a message's text by its sentence features (bot/nlu/sentence_features.py)."""

from __future__ import annotations

import scipy.sparse
import yaml
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sentence_features import SentenceFeaturesOnly, drop_token_features
from bot.settings import PROJECT_ROOT

RESPONSE = "response"


def featurised_message() -> Message:
    message = Message.build("T-Mobile says my PIN is wrong")
    message.add_features(
        Features(scipy.sparse.random(6, 50, density=0.3, format="coo"), FEATURE_TYPE_SEQUENCE, TEXT, "w")
    )
    message.add_features(
        Features(scipy.sparse.random(1, 50, density=0.3, format="coo"), FEATURE_TYPE_SENTENCE, TEXT, "w")
    )
    message.add_features(Features(scipy.sparse.eye(4, 9, format="coo"), FEATURE_TYPE_SEQUENCE, RESPONSE, "w"))
    return message


def test_the_text_tokens_become_one_position_and_the_rest_stays_as_it_was():
    message = featurised_message()
    sentence = message.features[1]
    response_tokens = message.features[2]
    drop_token_features(message)
    (tokens,) = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SEQUENCE]
    assert tokens.features.shape == (1, 1) and tokens.features.toarray().tolist() == [[1.0]]
    assert sentence in message.features and response_tokens in message.features
    assert len(message.features) == 3


def test_a_message_without_features_is_left_alone():
    message = Message.build("")
    SentenceFeaturesOnly().process([message])
    assert message.features == []


def test_the_pipeline_is_one_where_the_tokens_cannot_matter():
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]
    names = [step["name"] for step in pipeline]
    position = names.index("bot.nlu.sentence_features.SentenceFeaturesOnly")
    featurizers = [i for i, name in enumerate(names) if "Featurizer" in name or "FeatureJoiner" in name]
    assert position > max(featurizers), "it must see every featurizer's token features"
    for step in pipeline:
        if step["name"] in ("DIETClassifier", "bot.nlu.faq_selector.FaqSelector"):
            assert step.get("number_of_transformer_layers", 0) == 0, step["name"]
            assert not step.get("use_masked_language_model", False), step["name"]
        if step["name"] == "DIETClassifier":
            assert step["entity_recognition"] is False

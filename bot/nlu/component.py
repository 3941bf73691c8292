"""What the project's NLU components without settings or training share with Rasa's graph."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class SettingsFree(GraphComponent):
    """A component Rasa builds with nothing to configure, load or train."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


class FeatureRewriter(SettingsFree):
    """A step after the featurizers that rewrites each message's features in place, the same way
    for the training examples and for a parsed message."""

    @staticmethod
    def rewrite(message: Message) -> None:
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.rewrite(message)
        return messages


def choose_intent(message: Message, name: str, confidence: float) -> None:
    """Makes `name` the message's intent, first in its ranking. The others stay listed, at no
    more than half its confidence: left as they were, the one it replaced (or any close second)
    would be as likely, and the FallbackClassifier's ambiguity check would throw the choice away."""
    ceiling = confidence / 2
    rest = [
        {**row, "confidence": min(row.get("confidence") or 0.0, ceiling)}
        for row in message.get(INTENT_RANKING_KEY) or []
        if row.get("name") != name
    ]
    chosen = {"name": name, "confidence": confidence}
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *rest], add_to_output=True)

"""The NLU side: the spaCy pipeline builder, the custom Rasa NLU components, classify, evaluation."""

"""Channel glue for Rasa: the adapters that may import Rasa (see docs/slack.md for Slack)."""

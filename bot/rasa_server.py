"""`python -m bot.rasa_server run ...`: Rasa's own command line, with the project's server fixes.

The launcher, the cluster and the benchmark start Rasa through this module instead of
`python -m rasa`, so every Rasa server process runs with the same adjustments:

- Rasa checks each action server response against a JSON schema, and `jsonschema.validate`
  re-validates the schema itself on every call (35-40 ms of CPU per custom action, measured
  with py-spy). The schema never changes, so one validator is built once and reused.

This module is an adapter: the one place the project changes Rasa's behaviour.
"""
from __future__ import annotations

import sys
from functools import lru_cache

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction


@lru_cache(maxsize=1)
def _action_response_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    """Same contract as Rasa's: True, or the schema's ValidationError with a pointer to the docs."""
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += ". Failed to validate the action server response; see the custom actions docs."
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

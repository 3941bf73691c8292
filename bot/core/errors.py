"""Errors whose message is meant for a person: shown as-is, never as a traceback."""


class UserError(Exception):
    """Bad input or a missing prerequisite, with a message that says what to do."""

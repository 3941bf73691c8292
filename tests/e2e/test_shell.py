"""`make shell` (`python -m bot shell`): a support person chats in a terminal, driven by pexpect."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from dataclasses import dataclass, field

import pexpect
import pytest

from bot.ops.processes import free_port, port_in_use
from bot.settings import PROJECT_ROOT

TWO_REASONS = "Reject reason: END USER NAME MISMATCH / PASSCODE_PIN_INVALID"
# The notice's reasons as the bot names them: it explains one and offers a button for the other.
REASONS = ("Name does not match", "PIN or passcode missing or wrong")
PROMPT = "Your input ->"
SELECTION = "Use arrow keys"  # questionary's hint above a selection list
FREE_TEXT_CHOICE = "Type out your own message..."  # the list's last choice
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>])")
DOWN = "\x1b[B"
BOT_COLOUR = "\x1b[94m"  # rasa shell prints the bot's messages in blue


def plain(output: str) -> str:
    return ANSI.sub("", output).replace("\r", "")


BUTTON = re.compile(r"^[\s»]*\d+: (.+?) \((/[^)\n]+)\)\s*$", flags=re.MULTILINE)


@dataclass
class Answer:
    """What the bot printed; `selection` has the buttons of a selection list that ends it, if any."""

    text: str
    selection: list[str] = field(default_factory=list)

    @property
    def listed(self) -> dict[str, str]:
        """Buttons of earlier messages, which rasa shell only lists: title -> payload."""
        return dict(BUTTON.findall(self.text))


class Shell:
    """The `python -m bot shell` process in a pseudo-terminal."""

    def __init__(self, env: dict[str, str], options: list[str]) -> None:
        self.process = pexpect.spawn(
            sys.executable,
            ["-m", "bot", "shell", *options],
            cwd=str(PROJECT_ROOT),
            env=env,
            encoding="utf-8",
            timeout=300,
            dimensions=(60, 220),
        )
        self.transcript: list[str] = []
        self.open_selection: list[str] = []  # the selection list waiting for a choice, if any

    def wait(self, *patterns: str, timeout: float = 60) -> tuple[int, str]:
        """Waits for one of the patterns; returns its index and the plain text printed before it."""
        index = self.process.expect(list(patterns), timeout=timeout)
        printed = plain(self.process.before)
        self.transcript.append(printed)
        return index, printed

    def type(self, text: str) -> None:
        """Types a line; an open selection list is left through "Type out your own message..."."""
        if self.open_selection:
            self.pick(len(self.open_selection), reply_expected=False)
            self.wait(PROMPT)
        self.process.sendline(text)

    def say(self, text: str) -> Answer:
        self.type(text)
        return self.answer()

    def answer(self) -> Answer:
        # The input line is redrawn, prompt included, while typing: the reply starts at the bot's colour.
        self.process.expect_exact(BOT_COLOUR, timeout=60)
        index, text = self.wait(PROMPT, SELECTION)
        if index == 1:
            _, choices = self.wait(re.escape(FREE_TEXT_CHOICE))
            self.open_selection = [title for title, _ in BUTTON.findall(choices)]
        return Answer(text, self.open_selection)

    def choose(self, title: str, answer: Answer) -> Answer:
        """Picks the button called `title` with the keyboard, the way rasa shell offers it.

        The buttons of the bot's last message come as a selection list (arrow keys, Enter). Those
        of an earlier message in the same answer are only listed as `n: title (payload)`; choosing
        one means typing its payload, after picking "Type out your own message..." if a list is open.
        """
        if title in answer.selection:
            return self.pick(answer.selection.index(title))
        assert title in answer.listed, f"no button {title!r} in:\n{answer.text}"
        return self.say(answer.listed[title])

    def pick(self, position: int, reply_expected: bool = True) -> Answer | None:
        self.process.send(DOWN * position)
        self.process.send("\r")
        self.open_selection = []
        return self.answer() if reply_expected else None


@pytest.fixture
def shell_env() -> dict[str, str]:
    # What the Makefile exports for `make shell`.
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def test_shell_conversation_with_a_button_choice(trained_model, shell_env, tmp_path):
    action_port = free_port()
    # Its own ports, databases and secrets: the test neither needs nor touches a running `make run`.
    shell = Shell(
        shell_env,
        [
            "--rasa-port",
            str(free_port()),
            "--action-port",
            str(action_port),
            "--var-dir",
            str(tmp_path),
            "--env-file",
            str(tmp_path / ".env"),
        ],
    )
    try:
        shell.wait(PROMPT, timeout=300)  # loads the model: slow on a busy machine

        greeting = shell.say("hello").text
        assert "Hi! I help when a request to move (port) your phone number" in greeting

        notice = shell.say(TWO_REASONS)
        explained = next(name for name in REASONS if f"{name}: " in notice.text)
        offered = next(name for name in REASONS if name != explained)
        assert f"Your notice also mentions: {offered}" in notice.text
        assert f"Explain: {offered}" in [*notice.selection, *notice.listed]

        explanation = shell.choose(f"Explain: {offered}", notice).text
        assert f"{offered}: " in explanation
        assert "First step:" in explanation

        shell.type("/stop")
        shell.process.expect(pexpect.EOF, timeout=60)
        shell.process.close()
        assert shell.process.exitstatus == 0, "\n".join(shell.transcript)
        assert not port_in_use(action_port), "the action server was left running"
        with sqlite3.connect(tmp_path / "tracker.db") as db:  # its own tracker store got the conversation
            assert db.execute("select count(*) from events where type_name = 'user'").fetchone()[0] >= 3
    finally:
        if shell.process.isalive():
            shell.process.terminate(force=True)

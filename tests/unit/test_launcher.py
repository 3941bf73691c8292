import socket

import pytest
import yaml

from bot.__main__ import main
from bot.core.errors import UserError
from bot.ops.env_file import SLACK_CHANNEL, ensure_env_file, read_env_file
from bot.ops.processes import port_in_use
from bot.ops.stack import ServerSettings, Stack


def test_first_run_writes_random_secrets_and_keeps_them(tmp_path):
    env = tmp_path / ".env"
    values, added = ensure_env_file(env)
    assert set(added) == {"RASA_API_TOKEN", "PIN_ENCRYPTION_KEY", "CUSTOMER_TOKEN_SECRET", "DOCUMENT_LINK_SECRET"}
    assert len(values["RASA_API_TOKEN"]) >= 32
    assert env.stat().st_mode & 0o777 == 0o600
    again, added_again = ensure_env_file(env)
    assert added_again == [] and again == values


def test_a_missing_secret_is_added_and_existing_values_are_kept(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# mine\nRASA_API_TOKEN=chosen-by-me\nSLACK_TOKEN='xoxb-1'\n")
    values, added = ensure_env_file(env)
    assert values["RASA_API_TOKEN"] == "chosen-by-me" and values["SLACK_TOKEN"] == "xoxb-1"
    assert "RASA_API_TOKEN" not in added and "PIN_ENCRYPTION_KEY" in added
    assert read_env_file(env)["PIN_ENCRYPTION_KEY"] == values["PIN_ENCRYPTION_KEY"]


def test_a_malformed_env_line_is_named(tmp_path):
    env = tmp_path / ".env"
    env.write_text("RASA_API_TOKEN=x\nnot a setting\n")
    with pytest.raises(UserError, match=r"\.env:2: expected KEY=VALUE"):
        read_env_file(env)


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_in_use(port)
        model = tmp_path / "model.tar.gz"
        model.write_bytes(b"")
        stack = Stack(
            ServerSettings(
                rasa_port=port, action_port=port + 1, var_dir=tmp_path, model=model, env_file=tmp_path / ".env"
            )
        )
        with pytest.raises(UserError, match=f"port {port} for the Rasa server is already in use"):
            stack.start()
    assert stack.processes == {}


def test_a_missing_model_says_to_train(tmp_path):
    stack = Stack(ServerSettings(var_dir=tmp_path, model=tmp_path / "none.tar.gz", env_file=tmp_path / ".env"))
    with pytest.raises(UserError, match="run `make train`"):
        stack.start()


def test_the_credentials_command_writes_the_channels_whose_variables_are_set(tmp_path, monkeypatch, capsys):
    for name in ("SLACK_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    output = tmp_path / "credentials.yml"
    assert main(["credentials", "--output", str(output)]) == 0
    assert list(yaml.safe_load(output.read_text())) == ["bot.adapters.channels.rest.RestChannel"]
    monkeypatch.setenv("SLACK_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    assert main(["credentials", "--output", str(output)]) == 0
    assert SLACK_CHANNEL in yaml.safe_load(output.read_text())
    assert "xoxb-1" not in output.read_text()  # the file names variables; secrets stay in the environment

"""Throwaway PostgreSQL and Redis (bot/ops/services.py), started for real from Debian's packages."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import create_engine, text

from bot.core.errors import UserError
from bot.ops.services import LocalPostgres, LocalRedis, postgres_program
from tests.conftest import require, require_program


@pytest.fixture
def postgres_installed() -> None:
    try:
        postgres_program("postgres")
    except UserError as error:
        require(False, str(error))


def test_postgres_serves_its_databases_on_loopback_and_stops(postgres_installed, tmp_path):
    # pytest's folders are private to root: as root the data goes where `postgres` can reach it
    with LocalPostgres(tmp_path / "pg", databases=("orders", "tracker")) as server:
        for database in ("orders", "tracker"):
            engine = create_engine(server.url(database), future=True)
            with engine.connect() as connection:
                assert connection.execute(text("SELECT current_database()")).scalar() == database
                assert connection.execute(text("SHOW listen_addresses")).scalar() == "127.0.0.1"
            engine.dispose()
        data_dir = server.data_dir
        assert (data_dir / "PG_VERSION").exists()
    assert server.process is None
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(server.url("orders"), connect_timeout=2)
    if not data_dir.is_relative_to(tmp_path):
        assert not data_dir.exists(), "the data folder made outside the given folder was left behind"


def test_postgres_keeps_its_data_in_a_folder_its_user_can_reach(postgres_installed):
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    try:
        with LocalPostgres(folder / "pg") as server:
            assert server.data_dir == folder / "pg" / "data"
            connection = psycopg2.connect(server.url(), connect_timeout=5)
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
            connection.close()
    finally:
        shutil.rmtree(folder)


def test_a_wrong_password_is_refused(postgres_installed, tmp_path):
    with LocalPostgres(tmp_path / "pg") as server:
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            psycopg2.connect(server.url().replace(server.password, "wrong"), connect_timeout=5)


def test_redis_needs_its_password_and_keeps_nothing_on_disk(tmp_path):
    require_program("redis-server", "redis-server")
    with LocalRedis(tmp_path / "redis") as server:
        client = server.client()
        client.set("key", "value")
        assert client.get("key") == b"value"
        assert client.config_get("bind")["bind"] == "127.0.0.1"
        assert client.config_get("save")["save"] == ""
    assert not list((tmp_path / "redis").glob("*.rdb"))


def test_a_missing_program_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr("bot.ops.services.POSTGRES_BIN_GLOB", "/nonexistent/*/bin")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(UserError, match="apt-get install postgresql"):
        postgres_program("initdb")
    with pytest.raises(UserError, match="apt-get install redis-server"):
        LocalRedis(Path(tempfile.gettempdir())).start()

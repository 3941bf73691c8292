"""An order database that can't be reached: every store call raises `OrderStoreUnavailable`, whose
message names the problem but never the statement, the values written or the password."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import bot.__main__ as entry
from bot.core.errors import UserError
from bot.core.orders.demo import seed_demo
from bot.core.orders.store import OrderStore, OrderStoreUnavailable
from bot.ops.processes import free_port
from bot.ops.services import LocalPostgres, postgres_program
from tests.conftest import require

PIN = "583920"
ACCOUNT = "421555010900777"


pytestmark = pytest.mark.usefixtures("pin_key")


@pytest.fixture
def store(db_path):
    store = OrderStore(f"sqlite:///{db_path}")
    seed_demo(store)
    yield store
    store.close()


def make_unreachable(db_path) -> None:
    # a folder in place of the file: SQLite can't open it
    db_path.rename(db_path.with_suffix(".aside"))
    db_path.mkdir()


CALLS = {
    "get": lambda s: s.get("PO-10007"),
    "list": lambda s: s.list(),
    "orders_for_customer": lambda s: s.orders_for_customer("C-1007"),
    "audit": lambda s: s.audit("PO-10007"),
    "tickets": lambda s: s.tickets(),
    "update_fields": lambda s: s.update_fields("PO-10007", {"pin": PIN, "account_number": ACCOUNT}, "chat:t"),
    "resubmit": lambda s: s.resubmit("PO-10007", "chat:t"),
    "record_rejection": lambda s: s.record_rejection("PO-10007", "pin_invalid", f"PIN {PIN} is wrong"),
    "open_ticket": lambda s: s.open_ticket("pin_invalid", f"PIN {PIN}", "PO-10007", "conv-1"),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_call_says_the_database_is_unreachable_without_leaking_values(store, db_path, call):
    make_unreachable(db_path)
    with pytest.raises(OrderStoreUnavailable) as raised:
        call(store)
    message = str(raised.value)
    assert isinstance(raised.value, UserError)  # the CLI and the launcher print it as one line
    assert raised.value.reason == "unable to open database file" and "can't be reached" in message
    assert PIN not in message and ACCOUNT not in message and "SELECT" not in message.upper()


def test_the_store_works_again_once_the_database_is_back(store, db_path):
    make_unreachable(db_path)
    with pytest.raises(OrderStoreUnavailable):
        store.resubmit("PO-10007", "chat:t")
    db_path.rmdir()
    db_path.with_suffix(".aside").rename(db_path)
    assert store.get("PO-10007").status.value == "rejected"  # the failed write left nothing behind
    assert store.resubmit("PO-10007", "chat:t").status.value == "resubmitted"


def test_a_postgresql_server_that_refuses_connections_is_named_without_the_password():
    url = f"postgresql://porting:s3cret-pass@127.0.0.1:{free_port()}/orders"  # nothing listens there
    with pytest.raises(OrderStoreUnavailable) as raised:
        OrderStore(url)
    assert "refused" in raised.value.reason.lower() and "s3cret-pass" not in str(raised.value)


def test_a_postgresql_server_stopped_under_a_running_store(tmp_path):
    """The production case: connections in the pool die with the server, new ones are refused."""
    try:
        postgres_program("postgres")
    except UserError as missing:
        require(False, str(missing))
    with LocalPostgres(tmp_path / "pg", databases=("orders",)) as postgres:
        store = OrderStore(postgres.url())
        seed_demo(store)
        assert store.get("PO-10007").status.value == "rejected"
        postgres.stop()
        for _ in range(2):  # first the dead pooled connection, then a refused new one
            with pytest.raises(OrderStoreUnavailable) as raised:
                store.resubmit("PO-10007", "chat:t")
            assert postgres.password not in str(raised.value)
        store.close()


def test_a_broken_constraint_is_a_bug_not_an_unreachable_database(store):
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(text("INSERT INTO port_orders (order_id) SELECT order_id FROM port_orders LIMIT 1"))


def test_the_orders_command_prints_one_clear_line(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "orders.db"
    folder.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{folder}")
    monkeypatch.setattr(entry, "COMMAND_MODULES", ("bot.ops.orders_cli",))
    assert entry.main(["orders", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The port order database can't be reached right now (unable to open")
    assert err.count("\n") == 1

import json

import pytest

import bot.__main__ as entry
from bot.core.secrets import KEY_ENV, generate_key


@pytest.fixture(autouse=True)
def env(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, generate_key())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'orders.db'}")
    # the real entry point, with only the command under test (the others need built models)
    monkeypatch.setattr(entry, "COMMAND_MODULES", ("bot.ops.orders_cli",))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = entry.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


ADD = (
    "orders",
    "add",
    "--number",
    "(415) 555-0186",
    "--number",
    "415.555.0187",
    "--carrier",
    "AT&T",
    "--account-name",
    "Bayview Dental Group LLC",
    "--zip",
    "94110",
    "--email",
    "Office@Example.com",
    "--pin",
    "7382-61",
    "--account-number",
    "9876543210",
)


def test_add_prints_the_new_id_and_show_masks_secrets(capsys):
    assert run(capsys, *ADD) == (0, "PO-20001\n", "")
    code, out, _ = run(capsys, "orders", "show", "po-20001", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["numbers"] == ["+14155550186", "+14155550187"]
    assert shown["contact_email"] == "office@example.com"
    assert (shown["pin"], shown["account_number"]) == ("••••", "••••3210")
    assert shown["status"] == "submitted" and shown["rejections"] == []
    assert [(e["actor"], e["note"]) for e in shown["audit"]] == [("cli", "order created")]
    assert "738261" not in out and "9876543210" not in out


def test_add_with_a_bad_value_is_a_one_line_error(capsys):
    code, out, err = run(capsys, *ADD[:3], "123", *ADD[4:])
    assert (code, out) == (2, "")
    assert err.startswith("error: “123” is too short") and err.count("\n") == 1


def test_show_unknown_order_is_a_one_line_error(capsys):
    code, out, err = run(capsys, "orders", "show", "PO-99999", "--json")
    assert (code, out) == (2, "")
    assert err == "error: There is no port order PO-99999. Order ids look like PO-12345.\n"


def test_seed_demo_then_list_as_json(capsys):
    code, out, _ = run(capsys, "orders", "seed-demo")
    assert code == 0 and out.startswith("created 18 demo orders: PO-10001, ")
    assert run(capsys, "orders", "seed-demo")[1] == "created 0 demo orders\n"
    run(capsys, *ADD)
    listed = json.loads(run(capsys, "orders", "list", "--json")[1])
    assert len(listed) == 19
    rejected = json.loads(run(capsys, "orders", "list", "--status", "rejected", "--json")[1])
    assert [o["order_id"] for o in rejected] == [f"PO-{10001 + i}" for i in range(18)]
    assert all(o["rejections"] and o["status"] == "rejected" for o in rejected)


def test_list_and_show_as_text(capsys):
    assert run(capsys, "orders", "list") == (0, "no port orders\n", "")
    run(capsys, "orders", "seed-demo")
    code, out, _ = run(capsys, "orders", "list")
    assert code == 0 and len(out.splitlines()) == 18
    assert "PO-10007  rejected    T-Mobile" in out and "pin_invalid" in out
    code, out, _ = run(capsys, "orders", "show", "PO-10007")
    assert code == 0
    assert "pin                    ••••" in out
    assert "[pin_invalid] WPR 8C PASSCODE_PIN_INVALID" in out
    assert "carrier status: submitted -> rejected" in out


def test_unknown_status_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        entry.main(["orders", "list", "--status", "lost"])
    assert exit_.value.code == 2
    assert "invalid choice: 'lost'" in capsys.readouterr().err


def test_show_lists_the_documents_kept_with_the_order(capsys, tmp_path):
    from datetime import date

    from bot.core.documents.storage import FolderStorage
    from bot.core.orders.documents import DocumentDesk
    from bot.core.orders.store import OrderStore
    from tests.documents import bill

    run(capsys, "orders", "seed-demo")
    store = OrderStore()
    desk = DocumentDesk(store, FolderStorage(tmp_path / "documents"), "x" * 40, "http://chat.example", "Kestrel Mobile")
    desk.take_upload("PO-10005", bill(date(2026, 11, 20)), "customer upload", date(2026, 12, 3))
    store.close()
    code, out, _ = run(capsys, "orders", "show", "PO-10005")
    # the statement date, not the due date three weeks later (after today)
    assert code == 0 and "document D-100001 bill (application/pdf, " in out and "dated 2026-11-20" in out
    shown = json.loads(run(capsys, "orders", "show", "PO-10005", "--json")[1])
    [document] = shown["documents"]
    assert (document["kind"], document["latest_date"], document["too_old"]) == ("bill", "2026-11-20", False)

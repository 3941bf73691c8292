from datetime import date, datetime, timedelta, timezone

import jwt
import pytest
from sqlalchemy import select

from bot import settings
from bot.core.catalog import load_catalog
from bot.core.errors import UserError
from bot.core.orders.demo import seed_demo
from bot.core.orders.identity import LockoutPolicy, check_identity, customer_from_token, order_locked_until, verify
from bot.core.orders.records import NewOrder, OrderStatus
from bot.core.orders.store import InvalidChange, OrderStore, UnknownOrder
from bot.core.orders.tables import OrderRow
from bot.core.secrets import KEY_ENV, SecretBox, generate_key, is_ciphertext
from bot.core.validators import ValidationError

PIN = "738261"
ACCOUNT = "9876543210"
# the demo has one rejected order for each category of the two help-center articles
SEED_CATEGORIES = {c.id for c in load_catalog().categories if set(c.seeds) & {"000", "001"}}


pytestmark = pytest.mark.usefixtures("pin_key")


@pytest.fixture
def store(db_path):
    store = OrderStore(f"sqlite:///{db_path}")
    yield store
    store.close()


def new_order(**changes) -> NewOrder:
    values = dict(
        numbers=("(415) 555-0186", "415.555.0187"),
        losing_carrier="T-Mobile",
        account_name="Maria  Lopez",
        service_zip="94110",
        contact_email="Maria@Example.com",
        customer_id="C-1",
        pin="7382-61",
        account_number=ACCOUNT,
    )
    return NewOrder(**{**values, **changes})


# ----------------------------------------------------------------------------- store


def test_add_normalises_and_get_returns_the_order(store):
    order = store.add(new_order())
    assert order.order_id == "PO-20001"
    assert store.get("po-20001") == order
    assert order.numbers == ("+14155550186", "+14155550187")
    assert order.account_name == "Maria Lopez"
    assert order.contact_email == "maria@example.com"
    assert order.status is OrderStatus.SUBMITTED
    assert order.has_pin and not hasattr(order, "pin")
    assert order.created_at.tzinfo is not None


def test_order_ids_are_sequential(store):
    ids = [store.add(new_order()).order_id for _ in range(3)]
    assert ids == ["PO-20001", "PO-20002", "PO-20003"]


def test_explicit_order_id_must_be_new_and_well_formed(store):
    store.add(new_order(), order_id="PO-10001")
    with pytest.raises(InvalidChange, match="already exists"):
        store.add(new_order(), order_id="PO-10001")
    with pytest.raises(InvalidChange, match="PO-12345"):
        store.add(new_order(), order_id="ORDER-1")


def test_add_rejects_invalid_values(store):
    with pytest.raises(ValidationError, match="too short"):
        store.add(new_order(numbers=("123",)))
    with pytest.raises(ValidationError, match="at least one phone number"):
        store.add(new_order(numbers=()))
    assert store.list() == []


def test_unknown_order(store):
    with pytest.raises(UnknownOrder, match="no port order PO-99999") as error:
        store.get("PO-99999")
    assert isinstance(error.value, UserError)


def test_list_filters_by_status(store):
    first = store.add(new_order())
    second = store.add(new_order(status=OrderStatus.DRAFT))
    assert [o.order_id for o in store.list()] == [first.order_id, second.order_id]
    assert [o.order_id for o in store.list(status="draft")] == [second.order_id]
    assert store.list(status=OrderStatus.REJECTED) == []
    with pytest.raises(InvalidChange, match="Unknown order status"):
        store.list(status="lost")


def test_orders_for_customer(store):
    mine = store.add(new_order(customer_id="C-7"))
    store.add(new_order(customer_id="C-8"))
    assert [o.order_id for o in store.orders_for_customer("C-7")] == [mine.order_id]
    assert store.orders_for_customer("C-9") == []


def test_pin_is_encrypted_in_the_database_file(store, db_path):
    order = store.add(new_order())
    store.update_fields(order.order_id, {"pin": "551199"}, actor="customer")
    store.close()
    raw = db_path.read_bytes()
    assert b"738261" not in raw and b"551199" not in raw
    assert b"pin_encrypted" in raw  # the table is really in this file
    assert store.reveal_pin(order.order_id) == "551199"


def test_reveal_pin_needs_the_right_key(db_path):
    OrderStore(f"sqlite:///{db_path}").add(new_order())
    other = OrderStore(f"sqlite:///{db_path}", box=SecretBox(generate_key()))
    with pytest.raises(UserError, match="can't be decrypted"):
        other.reveal_pin("PO-20001")


def test_reading_needs_no_key_but_storing_a_secret_does(db_path, monkeypatch):
    OrderStore(f"sqlite:///{db_path}").add(new_order())
    monkeypatch.delenv(KEY_ENV)
    keyless = OrderStore(f"sqlite:///{db_path}")
    assert [(o.order_id, o.account_number) for o in keyless.list()] == [("PO-20001", "••••")]
    assert keyless.add(new_order(pin=None, account_number=None)).order_id == "PO-20002"
    for secret in ({"pin": None}, {}):  # the account number alone needs the key too
        with pytest.raises(UserError, match=f"{KEY_ENV} is not set"):
            keyless.add(new_order(**secret))


def test_a_database_from_before_gets_its_account_numbers_encrypted(store):
    order = store.add(new_order())
    with store.engine.begin() as connection:  # as a store that kept them plain had written it
        connection.execute(OrderRow.__table__.update().values(account_number=ACCOUNT))
    assert store.get(order.order_id).account_number == ACCOUNT
    assert store.encrypt_plain_account_numbers() == 1 and store.encrypt_plain_account_numbers() == 0
    with store.engine.connect() as connection:
        assert is_ciphertext(connection.scalar(select(OrderRow.account_number)))
    assert store.get(order.order_id).account_number == ACCOUNT


def test_the_account_number_is_encrypted_at_rest(store, db_path):
    order = store.add(new_order())
    assert order.account_number == ACCOUNT and store.get(order.order_id).account_number == ACCOUNT
    store.update_fields(order.order_id, {"account_number": "5550001111"}, actor="test")
    assert store.get(order.order_id).account_number == "5550001111"
    stored = db_path.read_bytes() + (
        db_path.with_name(db_path.name + "-wal").read_bytes()
        if db_path.with_name(db_path.name + "-wal").exists()
        else b""
    )
    assert ACCOUNT.encode() not in stored and b"5550001111" not in stored


def test_update_fields_audits_with_masked_secrets(store):
    order = store.add(new_order())
    updated = store.update_fields(
        order.order_id,
        {
            "pin": "551199",
            "account_number": "1111-2222-3333",
            "service_zip": "94110-1234",
            "losing_carrier": "T-Mobile",
        },
        actor="customer:C-1",
    )
    assert updated.service_zip == "94110-1234" and updated.account_number == "111122223333"
    changes = {e.field: e for e in store.audit(order.order_id) if e.field}
    assert set(changes) == {"pin", "account_number", "service_zip"}  # the unchanged carrier is not audited
    assert (changes["pin"].old_value, changes["pin"].new_value) == ("••••61", "••••99")
    assert (changes["account_number"].old_value, changes["account_number"].new_value) == ("••••10", "••••33")
    assert (changes["service_zip"].old_value, changes["service_zip"].new_value) == ("94110", "94110-1234")
    assert all(e.actor == "customer:C-1" for e in changes.values())
    assert store.reveal_pin(order.order_id) == "551199"


def test_update_fields_rejects_unknown_fields_and_bad_values(store):
    order = store.add(new_order())
    with pytest.raises(InvalidChange, match="Unknown order field.*status"):
        store.update_fields(order.order_id, {"status": "completed"}, actor="cli")
    with pytest.raises(ValidationError, match="4 to 10"):
        store.update_fields(order.order_id, {"pin": "12"}, actor="cli")
    with pytest.raises(ValidationError, match="not a date"):
        store.update_fields(order.order_id, {"requested_foc_date": "someday"}, actor="cli")
    assert [e.field for e in store.audit(order.order_id)] == [None]  # only "order created"


def test_update_fields_clears_and_sets_dates_and_lists(store):
    order = store.add(new_order())
    updated = store.update_fields(
        order.order_id,
        {"pin": None, "requested_foc_date": "2026-12-15", "numbers": ["4155550188"]},
        actor="cli",
    )
    assert not updated.has_pin
    assert updated.requested_foc_date == date(2026, 12, 15)
    assert updated.numbers == ("+14155550188",)
    assert store.reveal_pin(order.order_id) is None


def test_rejection_and_resubmission(store):
    order = store.add(new_order())
    with pytest.raises(InvalidChange, match="only a rejected order"):
        store.resubmit(order.order_id, actor="bot")
    rejected = store.record_rejection(order.order_id, "pin_invalid", f"WPR 8C Invalid PIN {PIN}")
    assert rejected.status is OrderStatus.REJECTED
    assert rejected.latest_rejection.category == "pin_invalid"
    assert rejected.latest_rejection.carrier_text == "WPR 8C Invalid PIN ••••61"
    resubmitted = store.resubmit(order.order_id, actor="bot")
    assert resubmitted.status is OrderStatus.RESUBMITTED
    statuses = [(e.actor, e.old_value, e.new_value) for e in store.audit(order.order_id) if e.field == "status"]
    assert statuses == [("carrier", "submitted", "rejected"), ("bot", "rejected", "resubmitted")]


def test_unknown_rejection_category(store):
    order = store.add(new_order())
    with pytest.raises(InvalidChange, match="Unknown rejection category"):
        store.record_rejection(order.order_id, "bad_luck", "no")


def test_masked_view_hides_secrets(store):
    shown = store.add(new_order()).masked()
    assert shown["pin"] == "••••" and shown["account_number"] == "••••3210"
    assert PIN not in str(shown) and ACCOUNT not in str(shown)
    assert shown["status"] == "submitted" and shown["numbers"] == ["+14155550186", "+14155550187"]


def test_tickets_mask_the_orders_secrets(store):
    order = store.add(new_order())
    first = store.open_ticket(
        "pin_invalid",
        f"PIN {PIN}, account {ACCOUNT}, ssn 4321",
        order_id=order.order_id,
        conversation_id="conv-1",
        secrets=["4321"],
    )
    second = store.open_ticket("out_of_scope", "general question")
    assert (first.ticket_id, second.ticket_id) == ("T-100001", "T-100002")
    [ticket] = store.tickets(order.order_id)
    assert ticket == first
    assert ticket.summary == "PIN ••••61, account ••••10, ssn ••••"
    assert (ticket.status, ticket.conversation_id, ticket.order_id) == ("open", "conv-1", order.order_id)
    with pytest.raises(UnknownOrder):
        store.open_ticket("pin_invalid", "x", order_id="PO-99999")


def test_default_database_comes_from_env_or_the_projects_var_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert settings.database_url() == f"sqlite:///{settings.PROJECT_ROOT / 'var' / 'orders.db'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other' / 'x.db'}")
    assert OrderStore().list() == []
    assert (tmp_path / "other" / "x.db").is_file()


# ----------------------------------------------------------------------------- identity


@pytest.mark.parametrize("verifier", ["94110", " 94110-1234 ", "MARIA@example.com", "maria@example.com "])
def test_verify_accepts_zip_or_email(store, verifier):
    order = store.add(new_order())
    assert verify(store, order.order_id, verifier) == order


def test_verify_canadian_postal_code(store):
    order = store.add(new_order(service_zip="K1A 0B1"))
    assert verify(store, order.order_id, "k1a0b1") == order


@pytest.mark.parametrize(
    ("order_id", "verifier"),
    [("PO-20001", "94111"), ("PO-20001", "other@example.com"), ("PO-20001", ""), ("PO-99999", "94110")],
)
def test_verify_gives_the_same_none_for_wrong_verifier_and_unknown_order(store, order_id, verifier):
    store.add(new_order())
    assert verify(store, order_id, verifier) is None


def test_lockout_after_five_failures_for_fifteen_minutes():
    policy = LockoutPolicy(max_failures=5)
    failures = [0.0, 30.0, 60.0, 90.0]
    assert policy.locked_until(failures, 91.0) is None and policy.remaining_attempts(failures, 91.0) == 1
    failures.append(120.0)
    assert policy.locked_until(failures, 121.0) == 120.0 + 900
    assert policy.remaining_attempts(failures, 1019.0) == 0
    assert policy.locked_until(failures, 1020.0) is None
    assert policy.remaining_attempts(failures, 1020.0) == 5


def test_spread_out_failures_do_not_lock():
    policy = LockoutPolicy(max_failures=3)
    assert policy.locked_until([0.0, 1000.0, 2000.0], 2001.0) is None


def test_lockout_policy_is_configurable():
    policy = LockoutPolicy(max_failures=2, window=10, lockout=30)
    assert policy.locked_until([0.0, 5.0], 34.0) == 35.0 and policy.locked_until([0.0, 5.0], 35.0) is None
    assert policy.locked_until([0.0, 11.0], 12.0) is None
    assert policy.remaining_attempts([0.0, 5.0, 40.0], 41.0) == 1  # the expired lock's failures no longer count


def test_wrong_answers_lock_an_order_across_clients_and_in_time(store):
    order = store.add(new_order())
    for second in range(5):
        check = check_identity(store, order.order_id, "00000", f"client-{second}", now=1000.0 + second)
        assert check.order is None
    assert check.locked_until == 1004.0 + 900 and order_locked_until(store, order.order_id, 1005.0) == 1904.0
    assert check_identity(store, order.order_id, "94110", "owner", now=1005.0).locked_until == 1904.0
    assert check_identity(store, order.order_id, "94110", "owner", now=1904.0).order == order  # the lock ran out


SECRET = "test-signing-secret-" + "x" * 48  # long enough for HS512 too


def token(secret: str = SECRET, algorithm: str = "HS256", **claims) -> str:
    claims.setdefault("sub", "C-10007")
    claims.setdefault("exp", datetime.now(timezone.utc) + timedelta(minutes=5))
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm=algorithm)


def test_customer_from_valid_token():
    assert customer_from_token(token(), SECRET) == "C-10007"


@pytest.mark.parametrize(
    "bad",
    [
        token(exp=datetime.now(timezone.utc) - timedelta(seconds=5)),
        token(secret="another-signing-secret-" + "y" * 48),
        token(exp=None),
        token(sub=None),
        token(algorithm="HS512"),
        "not-a-token",
        "",
    ],
)
def test_bad_or_expired_tokens_give_none(bad):
    assert customer_from_token(bad, SECRET) is None


# ----------------------------------------------------------------------------- demo


def test_seed_demo_creates_one_rejected_order_per_seed_reason(store):
    created = seed_demo(store)
    assert [o.order_id for o in created] == [f"PO-{10001 + i}" for i in range(18)]
    assert {o.latest_rejection.category for o in created} == SEED_CATEGORIES
    assert all(o.status is OrderStatus.REJECTED and o.latest_rejection.carrier_text for o in created)
    assert all(n.startswith("+1") and n[5:9] == "5550" and n[9] == "1" for o in created for n in o.numbers)
    by_category = {o.latest_rejection.category: o for o in created}
    assert by_category["pin_invalid"].losing_carrier == "T-Mobile"
    assert by_category["google_voice_unlock"].losing_carrier == "Google Voice"
    for order in created:
        assert verify(store, order.order_id, order.service_zip) == order
        assert verify(store, order.order_id, order.contact_email.upper()) == order


def test_seed_demo_is_idempotent_and_keeps_new_orders_apart(store):
    first = store.add(new_order())
    assert len(seed_demo(store)) == 18
    assert seed_demo(store) == []
    assert len(store.list()) == 19
    assert store.add(new_order()).order_id == "PO-20002"
    assert first.order_id == "PO-20001"


def test_seed_demo_without_the_pin_key_creates_nothing(store, monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(UserError, match=f"{KEY_ENV} is not set"):
        seed_demo(store)
    assert store.list() == []


def two_number_order(store: OrderStore, status: OrderStatus):
    return store.add(
        NewOrder(
            numbers=("+14155550186", "+14155550187"),
            losing_carrier="AT&T",
            account_name="Mara Quinn",
            service_zip="94110",
            contact_email="m@example.com",
            status=status,
        )
    )


def test_a_chat_fix_is_corrected_resubmitted_and_split_in_one_transaction(tmp_path):
    store = OrderStore(f"sqlite:///{tmp_path / 'orders.db'}", SecretBox(generate_key()))
    order = two_number_order(store, OrderStatus.REJECTED)
    resubmitted, split = store.resubmit_corrected(order.order_id, {"numbers": ["+14155550186"]}, "chat:x")
    assert resubmitted.status is OrderStatus.RESUBMITTED and resubmitted.numbers == ("+14155550186",)
    assert split.status is OrderStatus.DRAFT and split.numbers == ("+14155550187",)
    assert split.account_name == "Mara Quinn" and split.losing_carrier == "AT&T"


def test_a_fix_that_cannot_be_resubmitted_changes_nothing(tmp_path):
    store = OrderStore(f"sqlite:///{tmp_path / 'orders.db'}", SecretBox(generate_key()))
    order = two_number_order(store, OrderStatus.SUBMITTED)
    with pytest.raises(InvalidChange):
        store.resubmit_corrected(order.order_id, {"numbers": ["+14155550186"], "account_name": "M Quinn"}, "chat:x")
    assert store.get(order.order_id) == order
    assert [o.order_id for o in store.list()] == [order.order_id]

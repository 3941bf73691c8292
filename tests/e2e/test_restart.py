"""A Rasa server restarted in the middle of a conversation carries on where it was: the tracker
store, not the process, holds the conversation. Once on the default stack (SQLite tracker store)
and once on the production profile (PostgreSQL tracker store, Redis lock store)."""

from __future__ import annotations

import os

from bot.core.secrets import MASK
from bot.ops.cluster import Cluster
from bot.ops.stack import Stack
from tests.conftest import RestClient, require_services, stack_settings

ORDER_ID, ZIP_CODE, PIN = "PO-10007", "30309", "582047"  # the demo PIN rejection (bot/core/orders/demo.py)
KEPT_SLOTS = ("rejection_category", "losing_carrier", "order_id", "requested_slot")


def expect(customer: RestClient, message: str, expected: str) -> None:
    answer = customer.texts(message)
    assert expected.lower() in answer.lower(), f"after {message!r} expected {expected!r} in:\n{answer}"


def restart_in_the_middle_of_the_identity_check(stack: Stack, server: str) -> None:
    customer = RestClient(stack, sender=f"restart-{server}-{os.getpid()}")
    expect(customer, "T-Mobile says my PIN is wrong", "Shall we fix your port order now?")
    expect(customer, "fix my order", "PO-12345")
    expect(customer, ORDER_ID, "ZIP code")
    before = customer.tracker()
    assert before["active_loop"]["name"] == "verify_form"
    assert before["slots"]["order_id"] == ORDER_ID and before["slots"]["requested_slot"] == "order_verifier"
    old_pid = stack.processes[server].pid

    stack.restart(server)

    assert stack.processes[server].pid != old_pid
    after = customer.tracker()
    assert after["active_loop"] == before["active_loop"]
    assert {name: after["slots"][name] for name in KEPT_SLOTS} == {name: before["slots"][name] for name in KEPT_SLOTS}
    # the form goes on from its question: the ZIP code, then the fix of the PIN
    expect(customer, ZIP_CODE, f"found {ORDER_ID}")
    expect(customer, PIN, "Shall I go ahead?")
    expect(customer, "yes", f"{ORDER_ID} is corrected and resubmitted")
    said = [event["text"] for event in customer.tracker()["events"] if event["event"] == "user"]
    assert said == ["T-Mobile says my PIN is wrong", "fix my order", ORDER_ID, ZIP_CODE, MASK, "yes"]


def test_the_default_stack_resumes_after_a_rasa_restart(trained_model, tmp_path):
    with Stack(stack_settings(tmp_path)).start() as stack:
        restart_in_the_middle_of_the_identity_check(stack, "rasa")


def test_the_production_profile_resumes_after_a_rasa_restart(trained_model, tmp_path):
    require_services()
    with Cluster(stack_settings(tmp_path), replicas=1, action_servers=1).start() as cluster:
        restart_in_the_middle_of_the_identity_check(cluster, "rasa-1")

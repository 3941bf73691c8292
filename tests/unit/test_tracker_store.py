from bot.adapters.tracker_store import mask_events
from bot.core.secrets import MASK, SecretBox, generate_key

CIPHER = SecretBox(generate_key()).encrypt("583920")


def conversation(pin_answer="583920"):
    return [
        {"event": "slot", "name": "requested_slot", "value": "pin", "timestamp": 1732312345.1234},
        {"event": "bot", "text": "What is the PIN?", "timestamp": 1732312346.0},
        {
            "event": "user",
            "text": pin_answer,
            "timestamp": 1732312347.1234,
            "parse_data": {"text": pin_answer, "intent": {"name": "inform"}},
        },
        {"event": "slot", "name": "pin", "value": pin_answer, "timestamp": 1.0},
        {"event": "slot", "name": "pin", "value": CIPHER, "timestamp": 2.0},
        {"event": "slot", "name": "btn", "value": "+15835920000", "timestamp": 3.0},
        {"event": "user", "text": "my pin 583920 was wrong", "parse_data": {"text": "my pin 583920 was wrong"}},
    ]


def test_a_pin_answer_and_its_plain_slot_are_masked_everywhere_it_was_said():
    masked = mask_events(conversation())
    assert "583920" not in repr([e for e in masked if e["event"] in ("user", "bot")])
    assert masked[2]["text"] == MASK and masked[2]["parse_data"]["text"] == MASK
    assert masked[3]["value"] == MASK
    assert "583920" not in masked[6]["text"]


def test_ciphertext_other_slots_and_timestamps_are_kept_exactly():
    masked = mask_events(conversation())
    assert masked[4]["value"] == CIPHER
    assert masked[5]["value"] == "+15835920000"
    assert masked[0]["timestamp"] == 1732312345.1234 and masked[2]["timestamp"] == 1732312347.1234


def test_a_conversation_without_secrets_is_returned_untouched():
    events = [{"event": "user", "text": "hello"}, {"event": "bot", "text": "Hi!"}]
    assert mask_events(events) is events


def test_answers_after_the_form_ends_are_not_treated_as_secrets():
    events = conversation()[:4] + [
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "thanks", "parse_data": {"text": "thanks"}},
    ]
    assert mask_events(events)[-1]["text"] == "thanks"


def test_a_secret_kept_encrypted_is_masked_where_it_was_typed_unlabeled(monkeypatch):
    key = generate_key()
    monkeypatch.setenv("PIN_ENCRYPTION_KEY", key)
    cipher = SecretBox(key).encrypt("421555016100002")
    events = [
        {"event": "user", "text": "wait I mistyped that, it should end in 00002: 421555016100002"},
        {"event": "slot", "name": "account_number", "value": cipher},
        {"event": "slot", "name": "noted_answers", "value": {"pin": SecretBox(key).encrypt("318274")}},
        {"event": "user", "text": "oh and 318274 is the newer one"},
    ]
    masked = mask_events(events)
    assert "421555016100002" not in str(masked) and "318274" not in str(masked)
    assert masked[1]["value"] == cipher


def test_a_checked_value_that_shares_a_secrets_digits_stays_usable(monkeypatch):
    """A phone number typed as the account number by mistake, and then as the BTN: the BTN slot
    keeps the dialable number (masking it broke the resubmission), the message is masked."""
    key = generate_key()
    monkeypatch.setenv("PIN_ENCRYPTION_KEY", key)
    events = [
        {"event": "user", "text": "512-555-0148"},
        {"event": "slot", "name": "account_number", "value": SecretBox(key).encrypt("5125550148")},
        {"event": "user", "text": "the btn is 5125550148"},
        {"event": "slot", "name": "btn", "value": "the btn is 5125550148"},
        {"event": "slot", "name": "btn", "value": "+15125550148"},
    ]
    masked = mask_events(events)
    assert "5125550148" not in masked[2]["text"] and "5125550148" not in masked[3]["value"]
    assert masked[4]["value"] == "+15125550148"

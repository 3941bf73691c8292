from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from bot.adapters.turns import first_action_of_the_turn


def test_only_a_message_with_no_action_after_it_may_be_forgotten():
    assert first_action_of_the_turn(["slot", "user", "action"])
    assert not first_action_of_the_turn(["action", "user"])
    assert not first_action_of_the_turn(["slot", "bot"])  # between messages: nothing to forget


def test_rasa_event_objects_and_event_dicts_give_the_same_kinds():
    events = [ActionExecuted("action_listen"), UserUttered("hi"), SlotSet("pin", None)]
    as_objects = [event.type_name for event in reversed(events)]
    as_dicts = [event.as_dict()["event"] for event in reversed(events)]
    assert as_objects == as_dicts and first_action_of_the_turn(as_objects)

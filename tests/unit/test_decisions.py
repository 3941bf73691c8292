import pytest

from bot.core.decisions import (
    Decision,
    asks_for_a_change,
    asks_for_a_person,
    asks_in_passing,
    asks_something,
    asks_to_fix,
    decision,
    opens_with_yes,
    says_a_value_is_wrong,
    yes_with_a_question,
)


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes.",
        "ya go",
        "yep do it",
        "ok go ahead I guess",
        "ok... yes go ahead I guess",
        "Sure!",
        "yeah that's right",
        "sounds good, send it",
        "k",
        "okay",
        "go",
        "YES PLEASE",
        "looks good to me",
        "correct",
        "no problem, go ahead",
        "alright then",
        "yess",
    ],
)
def test_a_casual_yes_is_yes(text):
    assert decision(text) is Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "nope",
        "nah not yet",
        "wait",
        "hold on a sec",
        "don't send it",
        "do not resubmit",
        "ok no, cancel",
        "yes... actually no",
        "stop",
        "that's not right",
        "never mind",
        "forget it",
    ],
)
def test_a_no_or_a_hesitation_is_no(text):
    assert decision(text) is Decision.NO


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "almost, the account name needs to be Quinn Counseling Services LLC",
        "will my phone stop working meanwhile?",
        "what happens if they reject it again?",
        "is the BTN our main number",
        "hmm",
        "Bayview Dental Group, LLC",
        "Looks mostly right. Can you confirm the whole number? I want to be sure the end got in.",
        "sure, but one thing first",
        "can the note just say: number unlocked, fee paid, google gave no PIN",
        # a question without its question mark beside a yes: the question first
        "ok good. quick thing before i say yes, do i need to send back the old sim",
        "fine. so what happens to my voicemail",
    ],
)
def test_anything_else_is_neither(text):
    assert decision(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("order PO-10002, zip 94134, name mismatch. Please fix it.", True),
        ("can you resubmit it with the right pin", True),
        ("please sort it out", True),
        ("the numbers are on two accounts, can you split them?", True),
        ("fill it in now", True),
        ("sure lets do it. i think we gave them the wrong suite number", True),
        ("my port PO-10002 was rejected", False),
        ("what does this mean?", False),
    ],
)
def test_a_request_for_the_fix_is_seen(text, expected):
    assert asks_to_fix(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("can I talk to a real person? my port PO-10002 got rejected", True),
        ("ok, please have your team do it, email me at a@example.com", True),
        ("just have somebody call me at 305-555-0188", True),
        ("my port PO-10002 was rejected for the name", False),
        ("the account name is Bayview Dental Group", False),
        ("someone at AT&T told me the PIN is wrong", False),
        ("is there a human who can actually get this moving?", True),
        ("hi, PO-10004, 78701. toll free port rejected. can a person help me with this one?", True),
        ("no idea who the network is and they won't say. can I get someone?", True),
        ("I'd like to speak with a representative please", True),
        ("we would like a person to set the second order up with us", True),
        ("could somebody from your team ring me tomorrow?", True),
        ("just have a person phone me, email is useless", True),
        ("somebody from comcast said the address is off", False),
        ("this is a billing error on their side. can you escalate this?", True),
        ("I need to change the person on the account", False),
        ("I have the person's email right here", False),
        ("the person authorized to sign is our owner, Dana Whitfield", False),
        ("we need someone authorized on the account to sign?", False),
    ],
)
def test_a_request_for_a_person_is_seen(text, expected):
    assert asks_for_a_person(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("almost, sorry, it's Bayview Dental Group Inc, not LLC", True),
        ("wait I mistyped that, it should end in 00002: 421555016100002", True),
        ("yes go ahead. do i need to sign anything new?", False),
        ("wait did you get the pin too? its 604417", False),
        ("ya go", False),
        ("hang on, I misspelled the street", True),
        ("no wait, I mixed them up", True),
        ("not yet, I want to check with my partner", False),
        ("no, not now", False),
        ("wait, the app just gave me a different one: 805561", True),
    ],
)
def test_a_change_at_the_summary_is_told_from_a_question(text, expected):
    assert asks_for_a_change(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yep looks good, and do our phones stay up until the switch?", True),
        ("ok thx. whats the status now", True),
        ("is there a fee on your end", True),
        ("umm how do i get that from them", True),  # after an interjection
        ("okay what about the bill", True),
        ("well, they turned it back on", False),
        ("3515 Fremont Ave N", False),
        ("zip is 94134", False),
        ("yes", False),
    ],
)
def test_a_question_is_seen_with_or_without_its_question_mark(text, expected):
    assert asks_something(text) is expected


# How a message of several parts is read (customer trials 5-7): a yes before a question, a
# question about the customer's own situation, a value called wrong, a yes that stands beside a question.
@pytest.mark.parametrize(
    "reads, text, expected",
    [
        (opens_with_yes, "yes please. i dont have the order number handy, where would i find it?", True),
        (opens_with_yes, "yes like i said earlier, lets fix it. can we pick the day?", True),
        (opens_with_yes, "sure. how would i look up the order number though?", True),
        (opens_with_yes, "where would i find the order number? yes", False),
        (opens_with_yes, "no. what happens now?", False),
        (opens_with_yes, "ok but wait, do i need anything first?", False),
        (asks_in_passing, "you didnt answer about cancelling at&t? do i cancel it", True),
        (asks_in_passing, "should we close the old account ourselves", True),
        (asks_in_passing, "ok do it", False),
        (asks_in_passing, "do not resubmit", False),
        (asks_in_passing, "cancel that please", False),
        (says_a_value_is_wrong, "hold on, do you charge to resubmit? and that name isn't right", True),
        (says_a_value_is_wrong, "are there fees? also that name is wrong lol", True),
        (says_a_value_is_wrong, "yes go ahead, but is typing my name actually a legal signature? seems weird", False),
        (yes_with_a_question, "ok yes send it. but will my phone stop working at any point?", True),
        (yes_with_a_question, "yep go ahead. the account is under me, so i can sign it myself right?", True),
        (yes_with_a_question, "fine. one more thing before i confirm, do i need to call verizon", False),
        (yes_with_a_question, "looks right. one thing first, do i have to ring them", False),
        (yes_with_a_question, "yes but the name is wrong, will that matter?", False),
        (yes_with_a_question, "looks mostly right. can you confirm the whole number?", False),
        (yes_with_a_question, "ya go", False),  # a yes without a question is a plain yes
        (yes_with_a_question, "ok so what now? I really want to keep this number", False),
    ],
)
def test_a_message_of_several_parts_is_read_part_by_part(reads, text, expected):
    assert reads(text) is expected


def test_a_carrier_that_will_call_is_no_request_for_a_person():
    assert not asks_for_a_person("and what should I tell Verizon if they call me about the port?")
    assert asks_for_a_person("just call me at 305-555-0188")

"""Yes, no, or neither: how a customer answers "Shall I go ahead?" in their own words.

"ya go", "yep do it", "ok... yes go ahead I guess" are yes; "no", "wait, not yet", "don't send it"
are no; anything else ("almost, the name needs to be ...", a question) is neither, and the
caller reads it as a change or a question instead of guessing. Negation wins over assent ("ok
no, don't"), because sending a port order the customer did not want is the costly mistake.
"""

from __future__ import annotations

import re
from enum import Enum


class Decision(str, Enum):
    YES = "yes"
    NO = "no"


_YES = re.compile(
    r"\b(y|ya|yah|yas|yea|yeah|yes+|yep|yup|sure|ok(?:ay)?|k|kk|alright|all right|go|go ahead|do it|"
    r"proceed|please do|send it|submit it|resubmit(?: it)?|confirm(?:ed)?|correct|right|perfect|fine|"
    r"sounds good|looks good|good to go|absolutely|definitely|of course|let'?s do it|that'?s it)\b"
)
# a "no" that answers, not one inside a sentence ("google gave no PIN"): first, last, or before a refusal
_NO = re.compile(
    r"^no\b|\bno$|\bno (?:thanks?|thank you|way|not|wait|stop|cancel|please|sorry)\b"
    r"|\b(nope|nah|don'?t|do not|not yet|not now|wait|hold (?:on|off|it)|cancel|stop|never ?mind|"
    r"leave it|forget it|scratch that|not (?:right|correct)|wrong|incorrect|mistake)\b"
)
# "looks mostly right", "almost": not yet a yes
_HEDGED = re.compile(r"\b(mostly|almost|nearly|except|but)\b")
# "no problem" and "no worries" are assent, not refusal
_NOT_REFUSAL = re.compile(r"\bno (problem|worries|doubt)\b")
# a message that asks something is not an answer to the question, whatever words it contains
_QUESTION = re.compile(
    r"\?|^(what|where|when|why|how|who|which)\b|"
    r"^(will|would|can|could|do|does|did|is|are|am|should|shall)\s+(i|my|we|our|it|they|you|the|this|that|there)\b"
)


def asks_something(text: str) -> bool:
    """Whether a message asks a question ("... and do our phones stay up until the switch?")."""
    return bool(_QUESTION.search(text.strip().casefold()) or _ASKS.search(text))


# a question typed without its question mark: "so what happens next", "is there a fee on your end",
# "hmm where do i even find that"
_ASKS = re.compile(
    r"(?:^|[.,;!-]\s*|\b(?:and|but|so|also|hmm+|um+|uh+|oh|ok|okay|wait|well|btw)\s+)"
    r"(?:(?:what|where|when|why|how|who|which)(?:'?s)?|will|would|can|"
    r"could|do|does|did|is|are|should)\s+\w+",
    re.IGNORECASE,
)


# A question beside a yes, without its question mark: "do i need to ...", "so what happens to ...";
# never a request ("ok do it", "can you just send it").
_ASKS_IN_PASSING = re.compile(
    r"\b(?:do|does|did|will|would|should|shall|am|is|are)\s+(?:i|we|they|my|our)\b"
    r"|\b(?:what|where|when|why|how|who|which)\s+(?:is|are|do|does|did|will|would|should|about|happens|if)\b",
    re.IGNORECASE,
)


def asks_in_passing(text: str) -> bool:
    """Whether a message asks about the customer's own situation ("do i cancel it", "should we tell
    them"), with or without a question mark: a question, never a request to the assistant."""
    return bool(_ASKS_IN_PASSING.search(text))


def decision(text: str) -> Decision | None:
    """The customer's yes or no in `text`; None when it is neither, or when it asks something."""
    words = " ".join(re.sub(r"[^\w'’ ]+", " ", text.casefold().replace("’", "'")).split())
    if not words or _QUESTION.search(text.strip().casefold()):
        return None
    refuses = _NO.search(_NOT_REFUSAL.sub(" ", words))
    if refuses:
        return Decision.NO
    # "fine. one more thing before i confirm, do i need to call verizon": the question comes first
    if asks_in_passing(text):
        return None
    return Decision.YES if _YES.search(words) and not _HEDGED.search(words) else None


def opens_with_yes(text: str, but: bool = False) -> bool:
    """Whether a message's first sentence is a yes ("yes please. where would i find the order
    number?"): a yes, whatever question follows it; with `but`, also a first clause before "but"
    ("yes go ahead, but is a typed name legal?")."""
    if not but:
        return decision(re.split(r"[.!?;\n]", text.strip(), maxsplit=1)[0]) is Decision.YES
    # the clause before "but" or a full stop, when it asks nothing itself ("ok so what now?" is no yes)
    first = re.split(r"[.!;\n]|,?\s+but\b", text.strip(), maxsplit=1)[0]
    return decision(first) is Decision.YES and not asks_something(first)


# "one more thing before i confirm", "wait", "first": the customer holds the yes back
_HOLD = re.compile(
    r"\b(?:before\s+(?:i|we)\s+(?:confirm|say\s+yes|go\s+ahead|sign|send)|one\s+(?:more\s+)?thing|first|"
    r"wait|hold\s+on|hang\s+on|not\s+yet)\b",
    re.IGNORECASE,
)


def yes_with_a_question(text: str) -> bool:
    """Whether a message at the summary says yes and then asks something ("ok yes send it. but will
    my phone stop working at any point?"): the question is answered and the yes stands. Not when
    the yes is held back ("fine. one more thing before i confirm, ...") or a value is called wrong."""
    held = _HOLD.search(text) or _WRONG.search(text)
    return opens_with_yes(text, but=True) and asks_something(text) and not held


_FIX_REQUEST = re.compile(
    r"\b(fix|re-?submit|resend|correct|update|sort (?:it|this|that|them) out|take care of|let'?s do (?:it|this|that)"
    r"|split (?:it|them|the order)|fill (?:it|them|that|those|the details) in|complete (?:it|the order))\b",
    re.IGNORECASE,
)


def asks_to_fix(text: str) -> bool:
    """Whether a message that explains the problem also asks for the fix ("... Please fix it.")."""
    return bool(_FIX_REQUEST.search(text))


# A person, not a word that merely names one: "the person authorized on the account", "someone
# at AT&T told me" and "I have the person's e-mail" are answers, not requests.
_STAFF = (
    r"(?:(?:a|an|some|one|real|actual|live|human|your)\s+)+(?:person|human|agent|representative|rep|staff|employee|"
    r"(?:porting\s+)?(?:team|people|specialist|expert))\b|\b(?:someone|somebody|a\s+human|human\s+being)\b"
    r"(?!\s+(?:authorized|on\s+the\s+account|at|from(?!\s+your\b)|else))"  # "someone from verizon said"
)
_PERSON_REQUEST = re.compile(
    rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:{_STAFF})|(?<!they )(?<!they'll )(?<!\bit )\bcall\s+me\b"
    rf"|\b(?:get|want|need|give\s+me|connect\s+me|pass|hand|transfer\s+me|escalate|is\s+there|(?:would|'d)\s+like)\b"
    rf".{{0,30}}?(?:{_STAFF})"
    rf"|\b(?:can|could|will|would)\s+(?:{_STAFF}).{{0,25}}\b(?:help|do|handle|look|take|fix|call|ring|phone|contact|reach)\b"
    rf"|\b(?:have|let)\s+(?:your\s+(?:porting\s+)?(?:team|people)|someone|somebody|{_STAFF})\b"
    r"|\bescalat(?:e|ion)\b"
    r"|\byour (?:porting )?(?:team|people)\b.{0,20}\b(?:do|handle|take|fix)\b",
    re.IGNORECASE,
)


def asks_for_a_person(text: str) -> bool:
    """Whether a message asks for a person ("can I talk to a real person? my port ... was rejected")."""
    return bool(_PERSON_REQUEST.search(text))


_CHANGE_CUE = re.compile(
    r"\b(it'?s|should (?:be|say|read|end)|needs? to be|not(?!\s+(?:yet|now|right now|today|sure)\b)|instead|actually|"
    r"wrong|mistyped|misspelled|typo|mixed (?:them|it|those) up|change|make it|i meant|different|new one|"
    r"another one|use \w+ instead)\b",
    re.IGNORECASE,
)


_WRONG = re.compile(
    r"\b(?:wrong|not right|isn'?t right|incorrect|mistake|mistyped|misspelled|typo|should (?:be|say|read))\b",
    re.IGNORECASE,
)


def says_a_value_is_wrong(text: str) -> bool:
    """Whether a message says something shown is wrong ("also that name is wrong lol"), beside a question."""
    return bool(_WRONG.search(text))


def asks_for_a_change(text: str) -> bool:
    """Whether a message at the summary corrects a value ("almost, it's ... Inc, not LLC") rather
    than asking something ("yes go ahead. do i need to sign anything?"): a cue, and no question."""
    return "?" not in text and bool(_CHANGE_CUE.search(text))

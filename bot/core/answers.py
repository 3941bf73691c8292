"""Values out of customers' sentences: the ZIP in "the zip is 55402", the name in "it should be
Jonathan Reyes", the PIN in "it also had me make a transfer pin, it's 4418207".

Customers answer in sentences, with filler, typos, complaints and several values at once.
`extract` reads the value of the field the chat asked for; `extract_all` reads every value a
message labels ("zip 78701, account number 287341190556") or that can be nothing else (an order
id, an e-mail). Each value is normalised by its validator and keeps the span it came from, so a
caller can mask a secret in the message. Whether a value fits the order (the port-date window of
the losing carrier's country, the order's own numbers) is decided afterwards by
`bot.core.fixes.FIELD_CHECKS`, which takes every value returned here as its input.

Packages: `phonenumbers` finds phone numbers, `usaddress` street addresses, `nameparser` splits a
person's name into given name and surname, and `dateparser` reads date phrases (English only, no
language detection: nothing reaches the network).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
import usaddress
from dateparser.date import DateDataParser
from nameparser import HumanName
from phonenumbers import PhoneNumberMatcher, PhoneNumberType
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot import settings
from bot.core import validators
from bot.core.secrets import looks_like_secret_field, mask
from bot.core.validators import ValidationError

Span = tuple[int, int]


@dataclass(frozen=True)
class Found:
    """A field's value read from a message."""

    value: str  # normalised: E.164 number, upper-cased account number, ISO date, "PO-12345"...
    span: Span  # where it was typed: message[span[0]:span[1]]
    problem: str | None = None  # why the value can't serve the field, in words for the customer


# ----------------------------------------------------------------------------- words

# Words that carry no value: filler, acknowledgements, complaints, and the small words that
# introduce a value ("it should be"). A message made only of these is no answer at all.
_FILLER_WORDS = frozenset(
    """
    about above actually again ago all already also alright am and answer answered any anyway are as ask asked
    asking at be been before bot but by can come correct could did didn't do does doesn't don't done dont earlier
    ever fine for from gave give given go gonna good got had has hasn't have haven't he he's her here hello hey hi
    his how i i'd i'll i'm i've im in info information is isn't it it's its ive just k keep kidding last like lol me
    meant mentioned message my no nope not now of oh ok okay omg on or our please pls plz previous previously
    question repeat ridiculous right said same say saying scroll see sent seriously she she's should so sorry still
    stop sure than thank thanks that that's the their them then there they thing this thx time times to told too
    twice typed ugh uh um up us wait was wasn't we we're well were what whatever why with wrong wrote ya yeah yep
    yes yet you you're your yup
    """.split()
)
# Words that name the field instead of giving its value ("name: Dana Whitfield").
_LABEL_WORDS = frozenset("name named person person's title spelled spelling".split())
# A name or a title holds no personal pronoun: a candidate with one is a sentence ("let me know if...").
_PRONOUNS = frozenset("i i'm i've i'll me my you you're your we we're us they them he he's she she's".split())
# Words of a sentence about a name, never of a name: pronouns, verbs that introduce or report a value,
# words that join statements ("Leo signed the LOA but", "verizon says", "email is", "fix it"), and
# what a rejection says of a value, typed without apostrophes too ("the business name doesnt match").
_CHATTER = _PRONOUNS | frozenset(
    """
    am appears are asked been but could did didn't does doesn't don't fwiw gave gonna had has hasn't have haven't is
    isn't it it's meant mentioned nope not please pls plz printed reads said says shows should signed sorry spelled
    told typed wait was wasn't were whatever would written wrote
    how what why when where which fix help need want
    doesnt didnt dont isnt wasnt hasnt havent arent werent cant wont couldnt
    match matching mismatch mismatched incorrect invalid
    seems seem seemed weird odd strange confusing
    """.split()
)
# "it should be Priya Raman now", "Margo Feld instead": when, not part of the value
_TRAILING_FILLER = frozenset("thanks thank you please pls thx and the lol now currently instead anymore".split())
# Abbreviations whose period belongs to the value ("Acme Inc.", "Dr. Rahman"), not to the sentence.
_ABBREVIATIONS = frozenset("inc co corp ltd jr sr dr mr mrs ms st ave bros assn md phd".split())
_ACRONYMS = frozenset({"IT", "US"})
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _words(text: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(text)]


def _has_chatter(text: str) -> bool:
    """True when `text` holds a word of a sentence ("verizon says"), not counting acronyms ("IT manager")."""
    return any(w.lower().replace("’", "'") in _CHATTER for w in _WORD.findall(text) if w not in _ACRONYMS)


def is_only_filler(text: str) -> bool:
    """True when a message holds no value, only filler or a complaint ("ALREADY DONE.", "i just
    told you."): the caller asks again precisely instead of counting a wrong answer."""
    if re.search(r"[\d@]", text or ""):
        return False
    return all(word in _FILLER_WORDS for word in _words(text or ""))


# ----------------------------------------------------------------------------- patterns

_I = re.IGNORECASE
# How sure the customer is: never part of a name or a title ("pretty sure it's me though, Marco Diaz"). "Tho"
# with a capital is a given name ("Tho Nguyen").
_HEDGE = re.compile(
    r"\b(?:(?:i\s+)?(?:think|guess|believe|suppose|reckon)|(?:i['’]?m\s+)?(?:pretty|fairly|quite|almost)\s+sure"
    r"|probably|actually|honestly|(?-i:tho)|though|maybe|perhaps|apparently|basically|presumably)\b",
    _I,
)
_HEDGE_AT_END = re.compile(rf"(?:{_HEDGE.pattern})$", _I)
# Between a label and its value: "pin, it's 4418207", "zip code: 55402", "account # is 2873..."
_CUE = (
    r"(?:[\s:=#,.\-–]|\b(?:is|was|are|be|should|will|now|it'?s|its|it|of|to|number|no|code|the|my|our|new"
    r"|correct|actually|just|they|gave|sent|texted|emailed|me|i|got|stays?|remains?|listed\s+as|listed\s+under|under)\b)*"
)
# Names keep their first word ("The Hollis Group"): only the verbs are skipped.
_NAME_CUE = (
    r"(?:[\s:=,\-–]|\b(?:is|was|now|it'?s|it\s+is|(?:should|must|needs\s+to|has\s+to)\s+be|listed\s+as"
    r"|listed\s+under|under)\b)*"
)
# Where a label made of a common word starts: after a possessive or "and", or not after another word.
_PHRASE_START = r"(?:\b(?:the|her|his|their|my|our|your|and)[ \t]+|(?<![\w'’&][ \t])(?<![\w'’&-]))"
_LABELS = {
    "service_zip": r"\bzip(?:[\s-]*cod?e?)?\b|\bzipcode\b|\bpost(?:al)?[\s-]*code\b",
    "account_number": r"\b(?:ac+o?u?n?t|acc)\s*(?:number|numbr|num|nbr|no\b\.?|#)|\bac+o?u?n?t\b(?=\s*(?:is\b|:|#|\d))",
    "pin": (
        r"\b(?:(?:number\s+)?trans?fer|port(?:ing)?(?:[\s-]*out)?|account|security|wireless)\s+(?:pin|passcode)\b"
        r"|\bpin\b(?:\s*(?:number|code|#))?|\bpas+\s*code\b|\bpassword\b|\bsecurity\s+code\b"
    ),
    "ssn_last4": (
        r"\blast\s*(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:(?:my|the|his|her|our)\s+)?"
        r"(?:ssn|social(?:\s+security)?(?:\s+(?:number|#))?|tax\s*id)\b|\bssn\b|\bsocial(?:\s+security)?(?:\s+number)?\b"
    ),
    "btn": (
        r"\bb\.?t\.?n\b\.?|\bbilling\s+(?:tele)?(?:phone|tel)?\s*(?:number|no\b\.?|#)|\bbilling\s+(?:tele)?phone\b"
        r"|\bmain\s+(?:billing\s+)?(?:number|line)\b|\bbilled\s+(?:under|to)\b"
    ),
    "pilot_number": r"\b(?:new\s+)?pilot(?:\s+(?:number|line))?\b",
    # "ref CHX-77312" and "conf AB-99812" too: a short label before a code, as in "($220, ref CHX-77312)"
    "confirmation_number": (
        r"\b(?:conf(?:irmat?ion|irmaton|rimation|irmtion)?|ref(?:erence)?)(?:\s*(?:number|num|no\b\.?|code\b|id\b|#)|\b)"
    ),
    # a bare "the name should be ...", as a correction at the summary says it: the name the fix asks for
    # (`fixes.values_for`); never a part of a name ("her last name should be")
    "account_name": (
        r"\b(?:account|acct|business|company|legal)\s+name\b|\bname\s+on\s+(?:the\s+)?(?:account|bill|csr)\b"
        rf"|{_PHRASE_START}name\b(?=\s+(?:should|must|needs\s+to|has\s+to)\s+be\b)"
        # "account 8830-2291 under Mara Quinn", "it's under the name Quinn Counseling LLC"
        r"|\bunder\s+the\s+name\b|\b(?:account|acct)\s+[\w-]*\d[\w-]*\s+under\b"
    ),
    "authorized_name": (
        r"(?:\bauthori[sz]ed\s+(?:person|user|signer|contact|name)|\baccount[\s-]*holder|\b(?:loa\s+)?signer)\b"
        r"(?:'?s\s+name\b)?|\b(?:person|owner)\s+(?:on|of)\s+(?:the|my|our)\s+account\b"
    ),
    "service_address": r"\b(?:service\s+)?address\b|\blocated\s+at\b",
    # "and title Owner", "her title is Treasurer"; a word of a company's name is none ("Stewart Title Co")
    "authorized_title": rf"{_PHRASE_START}(?:job\s+)?title\b",
}
_FREE_TEXT_LABELS = frozenset({"account_name", "authorized_name", "authorized_title"})
_NAME_FIELDS = frozenset({"account_name", "authorized_name"})
_PHONE_FIELDS = frozenset({"btn", "pilot_number"})
# between a value and the label after it: "4471 is my pin", "60614 is the zip"
_BEFORE_LABEL = re.compile(r"\s+(?:is|was|=|as)\s+(?:(?:the|my|our|new)\s+)*$", _I)
_LABEL_PATTERNS = {
    field: re.compile(f"(?:{label})(?P<cue>{_NAME_CUE if field in _FREE_TEXT_LABELS else _CUE})", _I)
    for field, label in _LABELS.items()
}
_ANY_LABEL = re.compile("|".join(f"(?:{label})" for label in _LABELS.values()), _I)
# A remark on how a value is written, after it: "Pine Ridge Dental - exactly as on the invoice", "(that's
# what the bill shows)", "It's printed like that on our bill".
_REMARK = re.compile(
    r"\s*[-–—(]*\s*\b(?:(?:that'?s|that\s+is|this\s+is|which\s+is)\s+(?:how|what|exactly|just|the\s+way)"
    r"|(?:exactly\s+|just\s+)?(?:as|like)\s+(?:that|this|it|on|in)|exactly\s+as)\b",
    _I,
)
# A few words between a label and its cue: "the account number for porting is 4215...", "the account name on
# the AT&T bill is Bayview...", "the account holder at Spectrum is Nadia...". Words only, in one sentence, and
# neither another label nor a word joining two statements among them ("the pin and the zip is 60614").
_GAP = re.compile(
    r"(?P<words>[^\W\d_][\w&'’-]*(?:[ \t]+[^\W\d_][\w&'’-]*){0,4}?)[ \t]*"
    r"(?::|=|\b(?:is\s+listed\s+(?:as|under)|is\s+under|is|was|should\s+be|says|reads|shows)\b)",
    _I,
)
# Words that start a gap and never a value: "on the bill", "for porting", "at Spectrum".
_GAP_START = re.compile(r"(?:on|for|at|from|in|with|under|through|via|per)\b", _I)
_NOT_IN_GAP = re.compile(r"\b(?:and|or|but|not|no|nor|if|because|so|then|than)\b", _I)
# A label already followed by its cue ("pin is", "zip:") or by a sentence's end has no gap after it.
_CUED = re.compile(r"[:=.!?;]|\b(?:is|was|are|be|it'?s|its|now)\b", _I)
_AFTER_GAP = {field: re.compile(_NAME_CUE if field in _FREE_TEXT_LABELS else _CUE, _I) for field in _LABELS}
# A value a few words after its label and a cue, even past a question: "ignore that pin, the new one is:
# 90817", "can you check the account number? it should be 55012-7781".
_LATER_REACH = 80
_LATER_CUE = re.compile(r"(?:[:=]|\b(?:is|was|be|it'?s|its|now)\b)[ \t]*", _I)
# "the PIN on my account is the last 4 of my SSN, 8592": those digits are the PIN (and the SSN's last 4)
_SSN_AS_PIN = re.compile(rf"(?:the\s+)?(?:{_LABELS['ssn_last4']}){_CUE}", _I)

# A value standing alone, not part of a decimal ("212.40"), a code ("PO-10004"), a date or a word.
_ALONE = r"(?<![\w$.,/\-#@])"
_END = r"(?![\w/@\-]|[.,]\d)"
_DIGITS = re.compile(rf"{_ALONE}\d{{4,10}}{_END}")
# letters, digits and dashes with a digit in it ("482019375-00001", "VZ-55821"); digit groups may be spaced
_CODE_VALUE = rf"(?=[A-Za-z\-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:\s\d{{2,}}(?!\.\d))*{_END}"
_ZIP_VALUE = rf"(?:\d{{5}}(?:-\d{{4}}|\d{{4}})?|[A-Za-z]\d[A-Za-z][\s-]?\d[A-Za-z]\d){_END}"
_CODE = re.compile(_ALONE + _CODE_VALUE)
_ZIP = re.compile(_ALONE + _ZIP_VALUE)
# a letter-digit code ("VZ-55821", "CL-88231947"): the confirmation when one is asked
_LETTER_CODE = re.compile(rf"{_ALONE}[A-Za-z]{{1,5}}-?\d{{3,}}[A-Za-z0-9-]*{_END}")
_SSN_VALUE = r"(?:\d{3}[-\s]?\d{2}[-\s]?)?\d{4}(?![\w-])"  # the last 4, or the whole SSN when typed
_SSN = re.compile(_ALONE + _SSN_VALUE)
# from the start of a word only: trying every position of a long word would take quadratic time
_EMAIL = re.compile(r"(?<![^\s<>()\[\],;:\"'])[^\s<>()\[\],;:\"'@]+@[^\s<>()\[\],;:\"'@]+")
_ORDER = re.compile(
    rf"\b(?:p\.?\s?o\.?(?!\s*box)|order|ord)\s*(?:(?:#|no\b\.?|number|num|id|is|:|-)\s*)*(\d{{5}}){_END}", _I
)
_MONEY = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*\.\d{2}\b|\b\d+(?:\.\d+)?\s*(?:dollars?|bucks|usd)\b"
    r"|\b\d+(?=\s+(?:\w+[\s-]+){0,2}(?:fee|charge|balance)s?\b)",
    _I,
)

# What a correction refuses: ", not 1020", "instead of VP", "not John Reyes" up to the next comma, "but" or
# "it's", a few words at most. No value is read from it ("it's 60615, not 60614").
_REFUSING = r",?[ \t]*\b(?:not|instead[ \t]+of|rather[ \t]+than)"
_REFUSED = re.compile(
    rf"{_REFUSING}(?:[ \t]+[^\s,;.!?]+){{1,4}}?(?=[ \t]*(?:[,;!?\n]|\.(?!\S)|$|\b(?:but|and|so|it'?s|it[ \t]+is)\b))"
    rf"|{_REFUSING}[ \t]+[^\s,;.!?]+",
    _I,
)

# ----------------------------------------------------------------------------- date phrases

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "sat" and "sun" are words too: those two days only in full
_WEEKDAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|saturday|sunday)"
_DAY = r"(?<!\d)\d{1,2}(?:st|nd|rd|th)?"
_SIMPLE_DATE = (
    rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?"  # (Friday,) December 4(th)(, 2026)
    rf"|\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)(?:,?\s+\d{{4}}\b)?"  # (the) 9th (of) dec
    r"|(?<![\w/.\-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}-\d{1,2}-\d{2,4})(?![\w/]|[.\-]\d)"
    r"|\b(?:the\s+)?day\s+after\s+tomorrow\b|\btomorrow\b"
    r"|\bin\s+(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?)\b"
    r"|\b(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?)\s+from\s+(?:now|today)\b"
    rf"|(?:\b{_WEEKDAY},?\s+|\bon\s+)?\bthe\s+\d{{1,2}}(?:st|nd|rd|th)\b"  # (Wednesday) the 9th
    r"(?!\s+(?:time|try|attempt|call|one|number|line|floor|street|st|ave)\b)"
    rf"|\b(?:(?:next|this|coming|on|a)\s+)?{_WEEKDAY}\b"
)
_DATE_PHRASE = re.compile(
    rf"\b(?:the\s+)?(?:first\s+|next\s+)?(?P<step>{_WEEKDAY}|business\s+day)\s+(?:after|following)\s+"
    rf"(?P<anchor>{_SIMPLE_DATE})|{_SIMPLE_DATE}",
    _I,
)
_WEEKDAY_PHRASE = re.compile(rf"(?:(?:next|this|coming|on|a)\s+)?({_WEEKDAY})", _I)
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)$", _I)
_WEEKDAY_AND_DAY = re.compile(rf"({_WEEKDAY}),?\s+the\s+(\d{{1,2}})(?:st|nd|rd|th)", _I)
_FROM_NOW = re.compile(r"(\w+) (days?|weeks?) from (?:now|today)", _I)
# A date right after these words is not the port date: "contract ends march 31", "not monday", and
# a day refused before it: "any day but friday", "avoid the 14th", "never a friday".
_NOT_THE_PORT_DATE = re.compile(
    r"\b(?:ends?|ending|ended|expires?|expiring|expired|until|till|thru|through|not|was|were|since|last"
    r"|paid|ported|rejected|submitted|received|sent|called|got|happened)\s+(?:on\s+)?$"
    r"|\b(?:avoid(?:ing)?|except|never|anything\s+but|any\s+day\s+but|other\s+than|rather\s+not(?:\s+\w+){0,3})"
    r"\s+(?:on\s+)?(?:a\s+|the\s+)?$",
    _I,
)
# A day refused later in its sentence: "we have a big job monday and i dont want the phones
# switching that day".
_REFUSED_LATER = re.compile(
    r"^[^.?!]{0,80}?\b(?:don'?t|dont|do\s+not|not|never|can'?t|cannot|won'?t|rather\s+not)\b[^.?!]{0,50}?"
    r"\b(?:that\s+day|that\s+date|then|on\s+it)\b",
    _I,
)
# Words that make a date in an unprompted message a port date.
_PORT_CUE = re.compile(
    r"\b(?:port(?:ed|ing)?|move[ds]?|switch|transfer|cut\s*over|go\s+live|date|schedule|foc|contract|agreement)\b", _I
)
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@functools.lru_cache(maxsize=4)
def _date_parser(today: date) -> DateDataParser:
    """English only: no language detection, no downloads. Cached per day (the relative base)."""
    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "MDY",
        },
    )


def _weekday_after(name: str, day: date) -> date:
    """The first such weekday after `day`, as `validators.port_date` reads "next tuesday"."""
    index = _WEEKDAY_NAMES.index(name.lower()[:3])
    return day + timedelta(days=(index - day.weekday() - 1) % 7 + 1)


def _month_days(day: int, today: date, months: int) -> Iterator[date]:
    """The `day`-th of this month and of the `months - 1` next, where the month has that day."""
    month = today.replace(day=1)
    for _ in range(months):
        try:
            yield month.replace(day=day)
        except ValueError:
            pass
        month = (month + timedelta(days=32)).replace(day=1)


def _next_day_of_month(day: int, today: date) -> date | None:
    """ "the 15th": the next 15th to come (dateparser takes "15th" alone for a month)."""
    return next((candidate for candidate in _month_days(day, today, 3) if candidate > today), None)


def _weekday_on_day(name: str, day: int, today: date) -> date | None:
    """ "thursday the 10th": the first day from `today` on that is both (within two years: a 10th
    falls on each weekday at least that often)."""
    index = _WEEKDAY_NAMES.index(name.lower()[:3])
    days = _month_days(day, today, 24)
    return next((candidate for candidate in days if candidate >= today and candidate.weekday() == index), None)


def _read_date(phrase: str, today: date) -> date | None:
    """The date a phrase found by `_DATE_PHRASE` means, relative to `today`."""
    phrase = " ".join(phrase.split())
    match = _DATE_PHRASE.fullmatch(phrase)
    if match and match.group("step"):  # "the first monday after march 31"
        anchor = _read_date(match.group("anchor"), today)
        if anchor is None:
            return None
        if match.group("step").lower().startswith("business"):
            return validators.business_days_after(anchor, 1)
        return _weekday_after(match.group("step"), anchor)
    if match := _WEEKDAY_PHRASE.fullmatch(phrase):
        return _weekday_after(match.group(1), today)
    if match := _WEEKDAY_AND_DAY.search(phrase):
        return _weekday_on_day(match.group(1), int(match.group(2)), today)
    if match := _ORDINAL_DAY.search(phrase):
        return _next_day_of_month(int(match.group(1)), today)
    phrase = _FROM_NOW.sub(r"in \1 \2", phrase)  # dateparser reads "in two weeks", not "two weeks from now"
    parsed = _date_parser(today).get_date_data(phrase).date_obj
    return parsed.date() if parsed else None


# ----------------------------------------------------------------------------- the message


def _overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _ends_abbreviation(text: str) -> bool:
    """True when `text` ends with an abbreviation or an initial and its period ("Inc.", "J.")."""
    word = re.search(r"([^\W\d_]+)\.$", text)
    return bool(word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1))


def _sentences(text: str) -> list[Span]:
    """Sentence spans without their end punctuation."""
    spans, start = [], 0
    for match in re.finditer(r"[.!?;]+(?=\s|$)|\n+", text):
        if match.group().startswith(".") and _ends_abbreviation(text[start : match.start() + 1]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@dataclass(frozen=True)
class _Phone:
    span: Span
    e164: str
    toll_free: bool


class _Message:
    """One customer message, and what is computed about it once: numbers, amounts, labels."""

    def __init__(self, text: str, today: date):
        self.text = text
        self.today = today

    @functools.cached_property
    def sentences(self) -> list[Span]:
        return _sentences(self.text)

    @functools.cached_property
    def refused(self) -> list[Span]:
        return [m.span() for m in _REFUSED.finditer(self.text)]

    def refused_in(self, start: int, end: int) -> list[Span]:
        """The refused parts that start between `start` and `end`."""
        starts = [s for s, _ in self.refused]
        return self.refused[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    @functools.cached_property
    def clauses(self) -> list[Span]:
        """Sentence spans without their refused parts: "1200 Pine St, not 1020" holds one address."""
        pieces = []
        for start, end in self.sentences:
            for refused_start, refused_end in self.refused_in(start, end):
                pieces.append((start, refused_start))
                start = refused_end
            pieces.append((start, end))
        return [(s, e) for s, e in pieces if self.text[s:e].strip()]

    @functools.cached_property
    def phones(self) -> list[_Phone]:
        found = []
        for match in PhoneNumberMatcher(self.text, validators.DEFAULT_REGION):
            try:
                e164 = validators.phone_number(match.raw_string)
            except ValidationError:
                continue
            toll_free = phonenumbers.number_type(match.number) == PhoneNumberType.TOLL_FREE
            found.append(_Phone((match.start, match.end), e164, toll_free))
        return found

    @functools.cached_property
    def orders(self) -> list[Found]:
        return [Found(f"PO-{m.group(1)}", m.span()) for m in _ORDER.finditer(self.text)]

    @functools.cached_property
    def emails(self) -> list[Found]:
        found = []
        for match in _EMAIL.finditer(self.text):
            raw = match.group().rstrip(".!?")
            try:
                found.append(Found(validators.email(raw), (match.start(), match.start() + len(raw))))
            except ValidationError:
                continue
        return found

    @functools.cached_property
    def street(self) -> Found | None:
        return _street_address(self, 0)

    @functools.cached_property
    def label_matches(self) -> list[tuple[str, re.Match]]:
        return [(field, m) for field, pattern in _LABEL_PATTERNS.items() for m in pattern.finditer(self.text)]

    @functools.cached_property
    def labeled(self) -> dict[str, Found]:
        """The value each label introduces, the last one when a label comes twice (customers
        correct themselves forwards). A value right before "is my pin" belongs to that label, even
        when another label's words run up to it ("44712 is the pin, 60614 is the zip")."""
        matches = self.label_matches
        before = []
        for field, match in matches:
            gap = _BEFORE_LABEL.search(self.text, max(0, match.start() - 40), match.start())
            if gap and field in _VALUE_READERS and (found := _VALUE_READERS[field](self, gap.start(), backwards=True)):
                before.append((field, found))
        values: dict[str, Found] = {}
        for field, match in matches:
            reader = _VALUE_READERS.get(field) or _TEXT_READERS[field]
            found = next(filter(None, (reader(self, start) for start in self._value_starts(field, match))), None)
            if not found and field in _VALUE_READERS:
                found = self._later_value(field, match)
            if found and not _overlaps(found.span, [f.span for other, f in before if other != field]):
                values[field] = found
        for field, found in before:
            if field not in values and not _overlaps(found.span, [f.span for f in values.values()]):
                values[field] = found
        return values

    def _value_starts(self, field: str, match: re.Match) -> Iterator[int]:
        """Where a label's value may start: right after the label and its cue, or after a few words
        and a cue ("the account number for porting is"), first when the words start with a preposition
        ("the account name on our Comcast account is"); a PIN also after "the last 4 of my SSN"."""
        text, starts = self.text, [match.end()]
        gap = None if _CUED.search(match.group("cue")) else _GAP.match(text, match.end())
        if gap and not _NOT_IN_GAP.search(gap.group("words")) and not _ANY_LABEL.search(text, *gap.span("words")):
            after_gap = _AFTER_GAP[field].match(text, gap.end()).end()
            starts.insert(0 if _GAP_START.match(text, match.end()) else 1, after_gap)
        for start in starts:
            yield start
            if field == "pin" and (ssn := _SSN_AS_PIN.match(text, start)):
                yield ssn.end()

    def _later_value(self, field: str, match: re.Match) -> Found | None:
        """A value given further on, after a cue, with no other label between, whatever its shape:
        "forget that passcode, the carrier just texted me a fresh one: 90817", "can you double check
        the account number? it should be 55012-7781" (no ZIP)."""
        end = min(len(self.text), match.end() + _LATER_REACH)
        if after := _ANY_LABEL.search(self.text, match.end(), end):
            end = after.start()
        for cue in _LATER_CUE.finditer(self.text, match.end(), end):
            found = _VALUE_READERS[field](self, cue.end())
            # a phone number is taken from the bare values, not from a field of phone numbers
            if found and found.span[1] <= end and (field in _PHONE_FIELDS or not self.is_taken(found.span)):
                return found
        return None

    @functools.cached_property
    def taken(self) -> list[Span]:
        """What a bare number must not be read from: phones, amounts, order ids, e-mails, dates, a
        street address's house number and what a correction refuses."""
        spans = [p.span for p in self.phones] + [m.span() for m in _MONEY.finditer(self.text)] + self.refused
        spans += [o.span for o in self.orders] + [e.span for e in self.emails]
        spans += [m.span() for m in _DATE_PHRASE.finditer(self.text)]
        if self.street and (number := re.match(r"\d\S*", self.text[self.street.span[0] :])):
            spans.append((self.street.span[0], self.street.span[0] + number.end()))
        return spans

    @functools.cached_property
    def _taken_reach(self) -> tuple[list[int], list[int]]:
        """The starts of the taken spans, sorted, and how far the spans up to each reach."""
        spans = sorted(self.taken)
        return [s for s, _ in spans], list(itertools.accumulate((e for _, e in spans), max))

    def is_taken(self, span: Span) -> bool:
        """`_overlaps(span, self.taken)` in log time: a long message can hold thousands of values."""
        starts, reach = self._taken_reach
        i = bisect.bisect_left(starts, span[1])
        return i > 0 and reach[i - 1] > span[0]

    def bare(self, pattern: re.Pattern, field: str, check: Callable[[str], str], start: int = 0) -> Found | None:
        """The last match of `pattern` from `start` that nothing else claims and `check` accepts;
        values labeled for other fields are claimed (a labeled ZIP is never the PIN)."""
        claimed = [found.span for other, found in self.labeled.items() if other != field]
        result = None
        for match in pattern.finditer(self.text, start):
            if self.is_taken(match.span()) or _overlaps(match.span(), claimed):
                continue
            try:
                result = Found(check(match.group()), match.span())
            except ValidationError:
                continue
        return result

    @functools.cached_property
    def _stops(self) -> tuple[list[int], list[int]]:
        """Sorted sentence ends, and sorted starts of phone numbers and e-mails: where free text stops."""
        values = sorted(s for s, _ in [p.span for p in self.phones] + [e.span for e in self.emails])
        return sorted(e for _, e in self.sentences), values

    def boundary(self, start: int) -> int:
        """Where free text from `start` ends: at its sentence's end, the next label or value, or a
        remark about it ("- exactly as on the invoice")."""
        sentence_ends, values = self._stops
        ends = [len(self.text)]
        for stops in (sentence_ends, values):
            if (i := bisect.bisect_right(stops, start)) < len(stops):
                ends.append(stops[i])
        # a label after the sentence's end can't end the text sooner: don't scan the rest of a long message
        if label := _ANY_LABEL.search(self.text, start + 1, min(ends) + 20):
            ends.append(label.start())
        if remark := _REMARK.search(self.text, start, min(ends)):
            ends.append(remark.start())
        return min(ends)


# ----------------------------------------------------------------------------- names


def _trim(text: str, start: int, end: int) -> Span:
    """The span without the filler, hedges, quotes and punctuation around the value; a period that ends
    an abbreviation stays ("Acme Inc."), and so do a name's leading "The" ("The Hollis Group") and
    acronyms that are filler words in lower case ("IT manager", "US Cellular")."""
    while True:
        before = (start, end)
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
            end -= 1
        if end > start and text[end - 1] == "." and not _ends_abbreviation(text[start:end]):
            end -= 1
        lead = _WORD.match(text, start, end)
        if lead and lead.group().lower().replace("’", "'") in _FILLER_WORDS | _LABEL_WORDS:
            if lead.group() not in _ACRONYMS and not re.match(r"The\s+[A-Z]", text[start:end]):
                start = lead.end()
        if hedge := _HEDGE.match(text, start, end):
            start = hedge.end()
        tail = re.search(r"(?<![^\W\d_])[^\W\d_]+$", text[start:end])
        if tail and tail.group().lower() in _TRAILING_FILLER:
            end = start + tail.start()
        elif hedge := _HEDGE_AT_END.search(text, start, end):
            end = hedge.start()
        if (start, end) == before:
            return start, end


# The last of these in a sentence introduces its value: "I checked the bill and it's Bayview Dental",
# "the invoice from at&t says Bayview Dental Group, LLC at the top".
_VALUE_CUE = re.compile(
    r"\b(?:(?:it'?s|it\s+is|is)\s+(?:listed\s+)?(?:as|under)|it'?s|its|it\s+is|is|(?:it\s+)?should\s+(?:be|say|read)"
    r"|(?:it\s+)?needs\s+to\s+be|i\s+mean|change\s+it\s+to|says|reads|shows|listed\s+(?:as|under))\b"
    r"|\b(?:name|title)\s*[:,]",
    _I,
)


# a quoted value: "the bill says 'Hernandez Auto Repair LLC'" (an apostrophe inside a word opens none)
_QUOTED = re.compile(r"(?:(?<=\s)|^)[\"“'‘]([^\"“”'‘’\n]{2,}?)[\"”'’](?=[\s.,!?;:]|$)")


def _free_text(msg: _Message, field: str) -> Iterator[Span]:
    """Candidate spans of a typed name for `field`, the likeliest first: the last sentence first (a
    correction comes last), in each a quoted value, then the text after its last cue, then the whole.
    Questions are not answers, and a value labeled for another field is not this one (the account
    holder named in "the account holder at Spectrum is Nadia Kestrel-Park" is no account name; the
    name on the account may be the authorized person's), nor is a label's own words ("owner of the account")."""
    mine = {field, "account_name"} if field == "authorized_name" else {field}
    claimed = [found.span for other, found in msg.labeled.items() if other not in mine]
    claimed += [(match.start(), match.start("cue")) for _, match in msg.label_matches]
    for start, end in reversed(msg.sentences):
        # a question, or a remark about the value ("That's exactly how it shows on the AT&T bill.")
        if msg.text[end : end + 1] == "?" or _REMARK.match(msg.text, start):
            continue
        candidates = [m.span(1) for m in _QUOTED.finditer(msg.text, start, end)][-1:]
        # the last cue first; an earlier one when the last introduces another field ("title: Owner")
        cues = list(_VALUE_CUE.finditer(msg.text, start, end))[-3:]
        for begin in [cue.end() for cue in reversed(cues)] + [start]:
            stop = min(end, msg.boundary(begin))
            # "Jonathan Reyes, not John Reyes", "not John Reyes, it's Jonathan Reyes"
            for refused_start, refused_end in msg.refused_in(start, stop):
                if refused_start <= begin < refused_end:
                    begin = refused_end
                elif begin < refused_start:
                    stop = refused_start
                    break
            candidates.append((begin, stop))
        for begin, stop in candidates:
            span = _trim(msg.text, begin, stop)
            if span[1] > span[0] and not _overlaps(span, claimed):
                yield span


def _labeled_text(msg: _Message, start: int) -> list[Span]:
    """The text after a label up to its boundary or what a correction refuses ("Treasurer, not Secretary")."""
    stop = msg.boundary(start)
    refused = msg.refused_in(start, stop)
    return [_trim(msg.text, start, refused[0][0] if refused else stop)]


def _looks_like_words(value: str) -> bool:
    """A sentence or a complaint rather than a name or a title."""
    return is_only_filler(value) or bool(_PRONOUNS.intersection(_words(value)))


# Words of job titles, to tell "dana whitfield operations director" from a longer name or a company.
_TITLE_WORDS = frozenset(
    """
    accountant admin administrator analyst assistant attorney bookkeeper ceo cfo chairman chairperson chief
    controller coo coordinator counsel cto dds dentist dir director doctor engineer executive founder gm head lead
    manager member mgr officer operations owner paralegal partner physician president principal proprietor
    receptionist representative secretary specialist superintendent supervisor technician treasurer vp
    """.split()
)
# Title words written in capitals ("cfo" is the CFO).
_TITLE_ACRONYMS = frozenset("ceo cfo coo cto cio gm hr vp dds md".split())
# Words of companies: "Hollis Family Dental" is typed like a name but names no person.
_BUSINESS_WORDS = frozenset(
    """
    agency associates bakery bank cafe center centre church clinic co company consulting corp corporation counseling
    deli dental enterprises family foundation group holdings inc industries law llc llp lp ltd medical office partners
    pc pllc plumbing restaurant school services shop solutions store studio systems
    """.split()
)


# Words a customer types where a name is asked that name nobody ("the new one", "my wife").
_NOT_NAME_WORDS = (
    _TITLE_WORDS
    | _BUSINESS_WORDS
    | frozenset(
        "account bill boss guy holder husband lady new one wife whoever whomever someone somebody anyone anybody "
        "everyone nobody".split()
    )
)


def _is_person(name: str) -> bool:
    """A person's full name: nameparser finds a given name and a surname in it ("Reyes, Jonathan",
    "Luis de la Cruz", "Dr. Aisha Rahman"), and no word is a job's or a company's, nor filler (it splits
    any words into a name: "ALREADY DONE", "Operations Director", "Hollis Family Dental"). Two-letter
    filler words count only in front: they are surnames too ("Thanh Do", "Jin Oh")."""
    try:
        validators.person_name(name)
    except ValidationError:
        return False
    words = _words(name)
    if words[0] in _FILLER_WORDS | _LABEL_WORDS or _NOT_NAME_WORDS.intersection(words) or _has_chatter(name):
        return False
    if _HEDGE.search(name):  # "though, Marco Diaz" splits as a surname and a given name
        return False
    if any(len(word) > 2 and word in _FILLER_WORDS | _LABEL_WORDS for word in words):
        return False
    parsed = HumanName(name)
    return bool(parsed.first and parsed.last)


# "Dana Whitfield, Operations Director", "Sam Patel is the owner", "Dana Whitfield (office manager)",
# "Kevin O'Malley and I'm the general manager"
_TITLE_SEPARATOR = re.compile(
    r"\s*(?:,?\s(?:who\s+is|who'?s|she\s+is|she'?s|he\s+is|he'?s|they\s+are)\s|,|\(|\s[-–—]\s"
    r"|\s(?:is|our|the|as|and)\s)\s*",
    _I,
)


# Legal endings that are no word of a title (a "co owner" or a "PC technician" is one).
_COMPANY_ENDING = re.compile(r"\b(?:l\.?l\.?c|inc|corp|ltd|l\.?l\.?p|p\.?l\.?l\.?c)\b", _I)


def _title_at(msg: _Message, start: int, end: int) -> Found | None:
    """A job title: no digits, no sentence ("fix it", "verizon says"), no company's legal ending.
    One typed in lower case in a sentence ("I'm the owner") is written as a title ("Owner")."""
    begin, end = _trim(msg.text, start, end)
    value = " ".join(msg.text[begin:end].split())
    if (
        2 <= len(value) <= 60
        and re.fullmatch(r"[^\W\d_][\w&/.,'’ -]*", value)
        and not re.search(r"\d", value)
        and not _looks_like_words(value)
        and not _has_chatter(value)
        and not _HEDGE.search(value)
        and not _COMPANY_ENDING.search(value)
    ):
        if value.islower():
            value = " ".join(w.upper() if w in _TITLE_ACRONYMS else w.capitalize() for w in value.split())
        return Found(value, (begin, end))
    return None


def _job_title(msg: _Message, start: int, end: int) -> Found | None:
    """A title with a word of a job in it: "spelled with two t's" or "with the accent" after a name is none."""
    title = _title_at(msg, start, end)
    return title if title and _TITLE_WORDS.intersection(_words(title.value)) else None


# Longer than `validators.person_name` takes, even with extra spaces.
_LONGEST_NAME = 200
# Between a role or "me" and the person's name: "our director, Lena Okafor-Hart", "signed by me, Tom Reyes"
_APPOSITION = re.compile(r"\s*[,:]\s*|\s+[-–—]\s+|\s+")


def _person_at(msg: _Message, begin: int, end: int) -> tuple[Found, Found | None] | None:
    """The name from `begin`, which ends at a separator, or is the whole text, or, last, its first
    two or three words when the rest names a job ("dana whitfield operations director"; "Hollis
    Family Dental" is no person with a title); and the job title typed after it, if any."""
    separators = [(*m.span(), False) for m in _TITLE_SEPARATOR.finditer(msg.text, begin, end)]
    words = [(begin + m.start(), begin + m.end(), True) for m in re.finditer(r"\s+", msg.text[begin:end])][1:3]
    for name_end, title_start, needs_title in [*separators, (end, None, False), *words]:
        if name_end - begin > _LONGEST_NAME:  # not joined: a pasted document has thousands of separators
            continue
        name = " ".join(msg.text[begin:name_end].split())
        if not _is_person(name):
            continue
        title = _job_title(msg, title_start, end) if title_start else None
        if not needs_title or title:
            return Found(name, (begin, name_end)), title
    return None


def _person(msg: _Message, spans: Iterable[Span]) -> tuple[Found, Found | None] | None:
    """The authorized person's name and their title when typed with it: after the name ("Dana
    Whitfield, Operations Director"), or as the role the name is given for ("our director, Lena
    Okafor-Hart"); a name may also follow "me" ("it should be signed by me, Tom Reyes, I'm the owner")."""
    for begin, end in spans:
        if person := _person_at(msg, begin, end):
            return person
        for gap in itertools.islice(_APPOSITION.finditer(msg.text, begin, end), 4):
            role = _job_title(msg, begin, gap.start())
            if (role or _words(msg.text[begin : gap.start()])[-1:] == ["me"]) and (
                person := _person_at(msg, _trim(msg.text, gap.end(), end)[0], end)  # "me though, Marco Diaz"
            ):
                return person[0], person[1] or role
    return None


def _title(msg: _Message) -> Found | None:
    """The title typed with the person's name, or alone; a name alone ("it should be Jonathan
    Reyes", a correction of the name) is not a title."""
    if title := msg.labeled.get("authorized_title"):
        return title
    if person := _person(msg, _free_text(msg, "authorized_name")):
        return person[1]
    return next((title for span in _free_text(msg, "authorized_name") if (title := _title_at(msg, *span))), None)


# A company's legal ending ends its name: "Bayview Dental Group, LLC at the top".
_LEGAL_ENDING = re.compile(
    r"(?<=[\s,])(?:l\.?l\.?c|inc|corp|co|ltd|l\.?l\.?p|p\.?l\.?l\.?c|p\.?c)\b\.?(?![\w&'’-])", _I
)
_NEXT_WORD = re.compile(r"[\s,]*([^\W\d_][\w&'’-]*)")


def _to_legal_ending(text: str, begin: int, end: int) -> Span:
    """The span cut after the first legal ending that is not followed by more of the name (the
    "Co." of "Smith & Co. Holdings LLC" is)."""
    for ending in _LEGAL_ENDING.finditer(text, begin, end):
        if not re.search(r"[^\W\d_]", text[begin : ending.start()]):
            continue  # the first word ("PC Repair Shop")
        after = _NEXT_WORD.match(text, ending.end(), end)
        if (
            after
            and after.group(1)[0].isupper()
            and not is_only_filler(after.group(1))
            and not _has_chatter(after.group(1))
        ):
            continue
        return _trim(text, begin, ending.end())
    return begin, end


def _not_a_name(msg: _Message, span: Span) -> bool:
    """A sentence ("fwiw the invoice from at&t says..."), or holding an order id, a phone number, an
    e-mail or a bare number (a ZIP, a PIN): a name has none of these."""
    value = msg.text[slice(*span)]
    if _looks_like_words(value) or not re.search(r"[^\W\d_]", value) or _has_chatter(value):
        return True
    others = [o.span for o in msg.orders] + [p.span for p in msg.phones] + [e.span for e in msg.emails]
    return bool(re.search(r"\d{4}", value)) or _overlaps(span, others)


def _account_name(msg: _Message, spans: Iterable[Span]) -> Found | None:
    for begin, end in spans:
        begin, end = _to_legal_ending(msg.text, begin, end)
        value = msg.text[begin:end]
        if _not_a_name(msg, (begin, end)):
            continue
        try:
            return Found(validators.account_name(value), (begin, end))
        except ValidationError:
            continue
    return None


# ----------------------------------------------------------------------------- addresses

_STREET_LABELS = frozenset(
    "AddressNumberPrefix AddressNumber AddressNumberSuffix StreetNamePreModifier StreetNamePreDirectional "
    "StreetNamePreType StreetName StreetNamePostType StreetNamePostDirectional StreetNamePostModifier "
    "OccupancyType OccupancyIdentifier SubaddressType SubaddressIdentifier USPSBoxType USPSBoxID "
    "USPSBoxGroupType USPSBoxGroupID".split()
)
# The words of a street's name, none of them filler.
_STREET_WORDS = frozenset("StreetNamePreType StreetName StreetNamePostType".split())
# What makes a number and a word a street ("2 times" parses as a house number and a street name too).
_STREET_EVIDENCE = frozenset(
    "StreetNamePostType StreetNamePreType StreetNamePreDirectional StreetNamePostDirectional OccupancyType "
    "PlaceName StateName ZipCode".split()
)


_DIRECTIONS = frozenset("n s e w ne nw se sw north south east west northeast northwest southeast southwest".split())


def _is_remark_word(token: str) -> bool:
    word = token.strip(".,;:!?").casefold().replace("’", "'")
    return word in _FILLER_WORDS or word in _CHATTER or word in {"thats", "where", "which", "what"}


def _street_address(msg: _Message, start: int) -> Found | None:
    """Street number and name with the unit ("1840 W Belmont Ave Apt 3"), from the first clause
    from `start` that has one. A PO box is returned too: `fixes.service_address` explains the refusal."""
    text = msg.text
    for s_start, s_end in msg.clauses:
        s_start = max(s_start, start)
        if s_end <= s_start or not re.search(r"\d", text[s_start:s_end]):
            continue
        tokens, position = [], s_start
        for token, label in usaddress.parse(text[s_start:s_end]):
            position = text.find(token, position, s_end)
            if position < 0:
                break
            tokens.append(((position, position + len(token)), label))
            position += len(token)
        labels = [label for _, label in tokens]
        first = next((i for i, label in enumerate(labels) if label in {"AddressNumber", "USPSBoxType"}), None)
        if first is None:
            continue
        last, cut = first, False
        while last + 1 < len(tokens) and labels[last + 1] in _STREET_LABELS:
            # the street ends where the sentence goes on ("3515 Fremont Ave N, thats where the shop is")
            cut = last > first and _is_remark_word(text[slice(*tokens[last + 1][0])])
            if cut:
                break
            last += 1
        begin, end = _trim(text, tokens[first][0][0], tokens[last][0][1])
        # "the real address is 3515 Fremont Ave N. do i ...": the period ends the sentence, and no
        # carrier's record of a street ends with one
        end -= text[begin:end].endswith(".")
        alone = not re.search(r"\w", text[s_start:begin] + text[end:s_end])  # "1840 Broadway" and nothing else
        street = " ".join(text[slice(*span)] for span, label in tokens[first : last + 1] if label in _STREET_WORDS)
        if _FILLER_WORDS.intersection(_words(street)):  # "55402 same as before", "64112 thanks", "0142 line is"
            continue
        # "fremont avenue north seattle": usaddress takes a lowercase direction after the street type
        # for the city's first word
        if last + 1 < len(tokens) and labels[last + 1] == "PlaceName" and labels[last] == "StreetNamePostType":
            if text[slice(*tokens[last + 1][0])].strip(".,").casefold() in _DIRECTIONS:
                last += 1
        # a street cut short needs its own evidence ("0142 line is ..." is no street)
        street_labels = set(labels[first : last + 1])
        evidence = _STREET_EVIDENCE & (street_labels if cut else set(labels))
        if {"StreetName", "USPSBoxID"} & street_labels and (evidence or alone):
            try:
                return Found(validators.plain_text(text[begin:end]), (begin, end))
            except ValidationError:
                continue
    return None


def _address_zip(msg: _Message, address: Found) -> Found | None:
    """The ZIP typed in the address's sentence."""
    found = msg.bare(_ZIP, "service_zip", validators.zip_code, address.span[1])
    same_sentence = found and not any(address.span[1] <= e < found.span[0] for _, e in msg.sentences)
    return found if same_sentence else None


# ----------------------------------------------------------------------------- partial corrections

# Word-ish tokens ("Okafor-Hart", "O'Neil", "0142") and the punctuation between them.
_TOKEN = re.compile(r"[^\W_][\w'’-]*|[^\w\s]+")
# Words that join the two sides of a correction, and whether the new value comes first ("Marsh not
# Marshall") or last ("Marshall should be Marsh").
_JOINING = {("not",): True, ("instead", "of"): True, ("rather", "than"): True, ("should", "be"): False}
# Words that are no side of a correction, or say which part is wrong ("his surname should be Marsh").
_NOT_REPLACED = _FILLER_WORDS | _CHATTER | _LABEL_WORDS | frozenset("surname first middle date day one word".split())


def replacement(text: str) -> tuple[str, str] | None:
    """(new, old) in a correction of part of a value given before: "it's Marsh not Marshall", "Marsh
    instead of Marshall", "Marshall should be Marsh", "not Marshall but Marsh"; None without such a
    pair. Each side is at most three words. The caller replaces the old words in the value holding them."""
    matches = list(_TOKEN.finditer(text or ""))
    words = [m.group().lower().replace("’", "'") for m in matches]

    def side(start: int, step: int) -> list[int]:
        """The indexes of the words from `start` on, going `step`, that can be a side."""
        found = []
        for i in range(start, start + 3 * step, step):
            if not 0 <= i < len(words) or not words[i][0].isalnum() or words[i] in _NOT_REPLACED:
                break
            found.append(i)
        return found

    def typed(indexes: list[int]) -> str:
        return text[matches[min(indexes)].start() : matches[max(indexes)].end()]

    for i in range(len(words)):
        for joining, new_first in _JOINING.items():
            if tuple(words[i : i + len(joining)]) != joining:
                continue
            before = side(i - 1 - (words[i - 1 : i] == [","]), -1)
            after = side(i + len(joining), 1)
            if before and after:
                return (typed(before), typed(after)) if new_first else (typed(after), typed(before))
            if joining == ("not",) and after:  # "not Marshall but Marsh", "not Marshall, it's Marsh"
                but = max(after) + 1
                but += words[but : but + 1] == [","]
                if words[but : but + 1] in (["but"], ["it's"], ["its"]) and (new := side(but + 1, 1)):
                    return typed(new), typed(after)
    return None


# ----------------------------------------------------------------------------- readers by field


def _value_at(pattern: str, check: Callable[[str], str]) -> Callable[..., Found | None]:
    """A reader of the value that starts at a position (right after its label), or `backwards`,
    that ends there (right before "is my pin")."""
    after, before = re.compile(pattern), re.compile(f"{_ALONE}(?:{pattern})$")

    def read(msg: _Message, position: int, backwards: bool = False) -> Found | None:
        if backwards:
            match = before.search(msg.text, max(0, position - 60), position)
        else:
            match = after.match(msg.text, position)
        try:
            return Found(check(match.group()), match.span()) if match else None
        except ValidationError:
            return None

    return read


def _phone_at(msg: _Message, position: int, backwards: bool = False) -> Found | None:
    phone = next((p for p in msg.phones if p.span[1 if backwards else 0] == position), None)
    return Found(phone.e164, phone.span) if phone else None


def _btn(phone: Found | None, msg: _Message) -> Found | None:
    """A number that can't be the billing telephone number (a toll-free one) comes with the reason."""
    if phone:
        try:
            validators.btn(phone.value)
        except ValidationError as problem:
            return Found(phone.value, phone.span, str(problem))
    return phone


def _ssn_last4(value: str) -> str:
    """A whole SSN typed is cut to its last 4; its span still covers all of it, so all of it is masked."""
    return re.sub(r"\D", "", value)[-4:]


def _confirmation(value: str) -> str:
    if len(value) < 4:
        raise ValidationError("A confirmation number has at least 4 letters or digits.")
    return value.upper()


# Labeled values typed as codes or numbers: read after their label, or before it ("4471 is my pin").
_VALUE_READERS: dict[str, Callable[..., Found | None]] = {
    "service_zip": _value_at(_ZIP_VALUE, validators.zip_code),
    "account_number": _value_at(_CODE_VALUE, validators.account_number),
    "pin": _value_at(_CODE_VALUE, validators.pin),
    "ssn_last4": _value_at(_SSN_VALUE, _ssn_last4),
    "btn": lambda msg, position, backwards=False: _btn(_phone_at(msg, position, backwards), msg),
    "pilot_number": _phone_at,
    "confirmation_number": _value_at(_CODE_VALUE, _confirmation),
}
# Labeled values typed as words: read after their label only.
_TEXT_READERS: dict[str, Callable[[_Message, int], Found | None]] = {
    "account_name": lambda msg, start: _account_name(msg, _labeled_text(msg, start)),
    "authorized_name": lambda msg, start: (_person(msg, _labeled_text(msg, start)) or (None,))[0],
    "service_address": _street_address,
    "authorized_title": lambda msg, start: _title_at(msg, *_labeled_text(msg, start)[0]),
}


_CORRECTION = re.compile(
    r"\b(?:sorry|no|nope|i\s+mean|actually|correction|wait|oops|typo|make\s+that|scratch\s+that)\b", _I
)


def _corrected(msg: _Message, labeled: Found | None, last: Found | None) -> Found | None:
    """The labeled value, unless the customer corrects it after it ("pin is 4471. no sorry, 4417")."""
    if (
        labeled
        and last
        and last.span[0] >= labeled.span[1]
        and _CORRECTION.search(msg.text[labeled.span[1] : last.span[0]])
    ):
        return last
    return labeled or last


def _last_phone(msg: _Message, field: str) -> Found | None:
    claimed = [found.span for other, found in msg.labeled.items() if other != field]
    phones = [p for p in msg.phones if not _overlaps(p.span, claimed)]
    return Found(phones[-1].e164, phones[-1].span) if phones else None


def _zip(msg: _Message) -> Found | None:
    return _corrected(msg, msg.labeled.get("service_zip"), msg.bare(_ZIP, "service_zip", validators.zip_code))


def _pin(msg: _Message) -> Found | None:
    """Labeled; or the SSN's last 4, which some carriers take as the PIN; or the number nothing else claims."""
    labeled = msg.labeled.get("pin") or msg.labeled.get("ssn_last4")
    return _corrected(msg, labeled, msg.bare(_DIGITS, "pin", validators.pin))


def _email(msg: _Message) -> Found | None:
    return msg.emails[-1] if msg.emails else None


def _order_id(msg: _Message) -> Found | None:
    return msg.orders[-1] if msg.orders else None


def _order_verifier(msg: _Message) -> Found | None:
    """The service ZIP or the contact e-mail, whichever the customer typed first."""
    found = [f for f in (_email(msg), _zip(msg)) if f]
    return min(found, key=lambda f: f.span) if found else None


def _listed(named: list[tuple[Span, str]]) -> Found | None:
    if not named:
        return None
    return Found(", ".join(dict.fromkeys(value for _, value in named)), (named[0][0][0], named[-1][0][1]))


# A line named by its last four digits: "the 0142 line", "just 0141", "ending in 0188", "the 0142 and 0143 lines"
_MORE_ENDINGS = r"(?:\s*(?:,|and|&|or)\s*\d{4})*"
_LINE_WORD = r"(?:lines?|n(?:u)?m(?:b(?:e)?r)?s?)"  # "numbr", "nmbr", "num": typed in a hurry
_ENDING_CUE_BEFORE = re.compile(
    rf"(?:\b(?:{_LINE_WORD}|no\.?|ending\s+(?:in|with)|ends?\s+(?:in|with)|only|just)\s*|#)\s*$", _I
)
_ENDING_CUE_AFTER = re.compile(rf"{_MORE_ENDINGS}\s*{_LINE_WORD}\b", _I)
_ENDING = re.compile(rf"(?<![\w$.,/\-@])\d{{4}}{_END}")  # "#0142" too


def _line_endings(msg: _Message) -> list[tuple[Span, str]]:
    """Last fours that name a line: cued, or alone in the message ("0141 please"); never a labeled
    value (a PIN), a date, an amount or what a correction refuses."""
    claimed = [found.span for found in msg.labeled.values()]
    alone = is_only_filler(_ENDING.sub("", msg.text, count=1))  # no other digit is left
    named = []
    for match in _ENDING.finditer(msg.text):
        start, end = match.span()
        if msg.is_taken(match.span()) or _overlaps(match.span(), claimed):
            continue
        before = re.sub(rf"\d{{4}}{_MORE_ENDINGS}\s*$", "", msg.text[max(0, start - 40) : start])
        if alone or _ENDING_CUE_BEFORE.search(before) or _ENDING_CUE_AFTER.match(msg.text, end):
            named.append((match.span(), match.group()))
    return named


# A number said to be elsewhere in its clause: "303-555-0142 went to Verizon", "got put on a separate account"
_ELSEWHERE = re.compile(
    r"\b(?:went|gone|moved|left|transferred|switched|no\s+longer|isn'?t|aren'?t|not\s+on|cancell?ed|disconnected"
    r"|(?:separate|different|another|other|own)\s+(?:\w+\s+)?account)\b",
    _I,
)
_CLAUSE_END = re.compile(r"[.!?;]+(?=\s|$)|[\n,]|\b(?:but|and|while|whereas)\b", _I)
_CLAUSE_REACH = 80


def _clause(msg: _Message, span: Span) -> Span:
    """The clause of the value at `span`, a few words either side at most."""
    start = max(0, span[0] - _CLAUSE_REACH)
    for match in _CLAUSE_END.finditer(msg.text, start, span[0]):
        start = match.end()
    after = _CLAUSE_END.search(msg.text, span[1], span[1] + _CLAUSE_REACH)
    return start, after.start() if after else min(len(msg.text), span[1] + _CLAUSE_REACH)


def _elsewhere(msg: _Message, span: Span) -> bool:
    """True when the clause of the number at `span` says it is not on the account, or refuses it."""
    return bool(_ELSEWHERE.search(msg.text, *_clause(msg, span))) or _overlaps(span, msg.refused)


def _numbers(msg: _Message) -> Found | None:
    """The numbers named as on the account: typed in full or, with none typed in full, by their last
    four (the caller matches them to the order's numbers); those said to be elsewhere are left out
    when others are named ("303-555-0142 went to Verizon, just port 303-555-0141")."""
    named = [(p.span, p.e164) for p in msg.phones] or _line_endings(msg)
    staying = [item for item in named if not _elsewhere(msg, item[0])]
    return _listed(staying or named)


# "our contract ends december 18", "the term agreement runs until 2027-03-31": the number can move
# the first business day after, so that day is the port date when no other is asked for
_CONTRACT_END = re.compile(
    r"\b(?:contract|term|agreement|commitment)\b[^.?!]{0,40}\b(?:ends?|ending|expires?|expiring|runs?\s+(?:out|until|through)"
    r"|until|till|thru|through)\s+(?:on\s+)?$",
    _I,
)


def _port_date(msg: _Message) -> Found | None:
    """The last date phrase that is not an end ("contract ends march 31") or refused ("not monday");
    without one, the first business day after a contract's end."""
    result = contract_end = None
    for match in _DATE_PHRASE.finditer(msg.text):
        before = msg.text[max(0, match.start() - 60) : match.start()]
        if _REFUSED_LATER.search(msg.text[match.end() :]):
            continue
        if _NOT_THE_PORT_DATE.search(before[-30:]):
            # an end months away is no date to ask the carrier for yet
            day = _read_date(match.group(), msg.today) if _CONTRACT_END.search(before) else None
            if day and (day - msg.today).days < validators.MAX_DAYS_AHEAD:
                contract_end = Found(validators.business_days_after(day, 1).isoformat(), match.span())
            continue
        if day := _read_date(match.group(), msg.today):
            result = Found(day.isoformat(), match.span())
    return result or contract_end


# The verbs in their forms ("stays", "gets disconnected", "no cancellations"), never another word
# ("the remaining lines", "closer").
_KEEP = r"keep(?:s|ing)?|kept|stay(?:s|ed|ing)?|remain(?:s|ed)?|active|stand[\s-]?alone|leave|still\s+need"
_DISCONNECT = (
    r"disconnect(?:s|ed|ing|ions?)?|cancel(?:s|l?ed|l?ing|l?ations?)?|close[sd]?|closing|drop(?:s|ped|ping)?"
    r"|terminat(?:e[sd]?|ing|ions?)|remov(?:e[sd]?|ing|al)|(?:shut|turn(?:ed)?|cut)\s+(?:\w+\s+)?off|get\s+rid"
    r"|can\s+go|let\s+(?:\w+\s+)?go"
)
# "don't disconnect", "nothing gets disconnected", "nothing should be shut off", "no disconnects"; a bare
# "no" only right before a noun or a gerund ("no, keep them" and "no keep them" keep).
_NEGATION = (
    r"\b(?:(?:don'?t|dont|do\s+not|not|never|nothing|none|nobody|no\s+need\s+to)\s+(?:\w+\s+){0,2}"
    r"|no\s+(?=\w+(?:s|ions?|ing)\b))"
)
_DISPOSITION = re.compile(rf"({_NEGATION})?\b(?:({_KEEP})|({_DISCONNECT}))\b", _I)
_NEGATED = re.compile(f"{_NEGATION}$", _I)
# Key verbs customers misspell ("kep", "disconect", "dissconnect", "cancle"), and the side each is on.
_KEY_VERBS = {"keep": "keep", "disconnect": "disconnect", "cancel": "disconnect", "terminate": "disconnect"}


def _misspelled_verb(word: str) -> str | None:
    """The side of the key verb `word` misspells: one edit away (two for a long verb), and the
    same first letter ("deep" is no "keep"). A verb spelled right is `_DISPOSITION`'s."""
    word = word.lower()
    found = process.extractOne(word, list(_KEY_VERBS), scorer=DamerauLevenshtein.distance, score_cutoff=2)
    if found and found[0][0] == word[0] and 0 < found[1] <= (2 if len(found[0]) > 6 else 1):
        return _KEY_VERBS[found[0]]
    return None


# Said of a number in its clause, it is moving to us: "we are only moving 305-555-0116", "0116 is the one
# porting", "just port 305-555-0116"; not "the port" nor "isn't moving".
_MOVING = re.compile(
    r"(?<!\bnot )(?<!n't )(?<!\bthe )(?<!\ba )\b(?:mov(?:e|es|ed|ing)|port(?:s|ed|ing)?|transferr?(?:s|ed|ing)?)\b",
    _I,
)
# Between the numbers of a list: ", ", " and ", ", & ".
_LIST_JOIN = re.compile(r"\s*(?:,\s*)?(?:(?:and|or|&)\s*)?", _I)


def _not_moving(msg: _Message) -> Found | None:
    """The numbers typed in full but those said to be moving, which are never to disconnect; what
    the clause of one number of a list says is said of all ("moving 305-555-0116 and 305-555-0117")."""
    groups: list[list[_Phone]] = []
    for phone in msg.phones:
        if groups and _LIST_JOIN.fullmatch(msg.text, groups[-1][-1].span[1], phone.span[0]):
            groups[-1].append(phone)
        else:
            groups.append([phone])
    staying = [
        (phone.span, phone.e164)
        for group in groups
        if not any(_MOVING.search(msg.text, *_clause(msg, phone.span)) for phone in group)
        for phone in group
    ]
    return _listed(staying)


def _disposition(msg: _Message) -> Found | None:
    """'keep', 'disconnect', or 'disconnect: ' and the numbers to disconnect (the others stay), the
    words `fixes.remaining_disposition` reads. A negated word counts for the other side ("don't
    disconnect them", "nothing gets disconnected"); keep and disconnect without numbers is no answer."""
    keep, disconnect = [], []
    for match in _DISPOSITION.finditer(msg.text):
        (keep if bool(match.group(2)) != bool(match.group(1)) else disconnect).append(match.span())
    spelled = keep + disconnect
    for word in _WORD.finditer(msg.text):
        if not _overlaps(word.span(), spelled) and (side := _misspelled_verb(word.group())):
            negated = bool(_NEGATED.search(msg.text, max(0, word.start() - 40), word.start()))
            (keep if (side == "keep") != negated else disconnect).append(word.span())
    keep.sort()
    disconnect.sort()
    numbers = _not_moving(msg)
    if disconnect and (numbers or not keep):
        end = max(disconnect[-1][1], numbers.span[1] if numbers else 0)
        return Found(f"disconnect: {numbers.value}" if numbers else "disconnect", (disconnect[0][0], end))
    if keep and not disconnect:
        return Found("keep", (keep[0][0], keep[-1][1]))
    return None


def _confirmation_number(msg: _Message) -> Found | None:
    last = msg.bare(_LETTER_CODE, "confirmation_number", _confirmation) or msg.bare(
        _DIGITS, "confirmation_number", _confirmation
    )
    return _corrected(msg, msg.labeled.get("confirmation_number"), last)


_READERS: dict[str, Callable[[_Message], Found | None]] = {
    "order_id": _order_id,
    "order_verifier": _order_verifier,
    "email": _email,
    "authorized_email": _email,
    "service_zip": _zip,
    "service_address": lambda msg: msg.labeled.get("service_address") or msg.street,
    "account_name": lambda msg: msg.labeled.get("account_name") or _account_name(msg, _free_text(msg, "account_name")),
    "account_number": lambda msg: _corrected(
        msg, msg.labeled.get("account_number"), msg.bare(_CODE, "account_number", validators.account_number)
    ),
    "pin": _pin,
    "ssn_last4": lambda msg: msg.labeled.get("ssn_last4") or msg.bare(_SSN, "ssn_last4", _ssn_last4),
    "btn": lambda msg: _corrected(msg, msg.labeled.get("btn"), _btn(_last_phone(msg, "btn"), msg)),
    "pilot_number": lambda msg: _corrected(msg, msg.labeled.get("pilot_number"), _last_phone(msg, "pilot_number")),
    "numbers": _numbers,
    "authorized_name": lambda msg: (
        msg.labeled.get("authorized_name") or (_person(msg, _free_text(msg, "authorized_name")) or (None,))[0]
    ),
    "authorized_title": _title,
    "requested_foc_date": _port_date,
    "remaining_disposition": _disposition,
    "confirmation_number": _confirmation_number,
}
FIELDS = tuple(_READERS)
# The values to mask wherever a message is shown, logged or kept: the PIN, the account number, the SSN's last 4.
SECRET_FIELDS = frozenset(field for field in FIELDS if looks_like_secret_field(field))
# Fields customers give together: asking for one also reads the other.
_COMPANIONS = {
    "authorized_name": "authorized_title",
    "authorized_title": "authorized_name",
    "service_address": "service_zip",
    "service_zip": "service_address",
}


def _reader(field: str) -> Callable[[_Message], Found | None]:
    if field not in _READERS:
        raise KeyError(f"no reader for the field {field!r}; known fields: {', '.join(FIELDS)}")
    return _READERS[field]


def extract(field: str, text: str, *, today: date | None = None) -> Found | None:
    """The value of `field` in a customer's answer to the question for it, or None when the message
    holds none (`is_only_filler` tells a complaint from an answer that isn't one)."""
    return _reader(field)(_Message(text or "", today or settings.today()))


def extract_all(text: str, *, asked: str | None = None, today: date | None = None) -> dict[str, Found]:
    """Every value a message carries that is labeled or unambiguous, by field; with `asked`, also
    that field's value however it was typed, and the field given with it (a person's title, an
    address's ZIP). A bare 5-digit number is a ZIP only when the ZIP was asked or it is labeled."""
    msg = _Message(text or "", today or settings.today())
    found = dict(msg.labeled)
    for field, reader in (("order_id", _order_id), ("email", _email)):
        if value := reader(msg):
            found[field] = value
    if (address := found.get("service_address")) and (zip_code := _address_zip(msg, address)):
        found.setdefault("service_zip", zip_code)
    if (name := found.get("authorized_name")) and (person := _person(msg, _labeled_text(msg, name.span[0]))):
        if person[1]:
            found.setdefault("authorized_title", person[1])
    if _PORT_CUE.search(msg.text) and (day := _port_date(msg)) and day.value > msg.today.isoformat():
        found["requested_foc_date"] = day
    for field in (asked, _COMPANIONS.get(asked or "")):
        if field and (value := _reader(field)(msg)):
            found[field] = value
            # the name asked for is not the other name too ("the name should be Nadia Park" for the signer)
            if field in _NAME_FIELDS:
                others = _NAME_FIELDS - {field}
                found = {f: v for f, v in found.items() if f not in others or not _overlaps(v.span, [value.span])}
    return found


def masked(text: str, found: dict[str, Found]) -> str:
    """`text` with each secret value found in it masked where it was typed."""
    for start, end in sorted({f.span for field, f in found.items() if field in SECRET_FIELDS}, reverse=True):
        text = text[:start] + mask(text[start:end]) + text[end:]
    return text


def _warm_up() -> None:
    """Load what the packages load on first use (dateparser's English data, the phone metadata, the
    taggers, this year's holidays), so that the first customer's reply doesn't wait ~0.2 s for it."""
    extract_all(
        "the authorized person is Dana Whitfield, service address 1840 W Belmont Ave, "
        "port it the first business day after april 1, btn 415-555-0186",
        today=settings.today(),
    )


_warm_up()

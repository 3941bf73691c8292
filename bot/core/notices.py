"""Reads a pasted carrier rejection notice and finds every rejection category it names.

Wording comes first: the catalog's phrases and long codes (ACCOUNT_NUMBER_MISMATCH, LNP110J)
are matched anywhere, word by word, so case, punctuation, "_", "-" and spacing do not matter.
Codes come second: a short code - a WPR code (8A, 6C) or a Bandwidth carrier code (E1, E10a,
E42PWA) - only counts right after a code-like word ("WPR 6P", "code: 8C", "statusReasonCode -
8A", "reason E19") or in parentheses ("(8E)"), because such codes on their own also turn up in
phone numbers, addresses, suite numbers and times. Last, a long code written the way systems
write codes (words joined by "_") is forgiven one typo (PASSCODE_PIN_INVAILD) when it is near
one catalog code only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.catalog import Catalog, load_catalog, words

_WORD = re.compile(r"[^\W_]+")
_NT = re.compile(r"n['’]t\b")
# Codes read only in context: a digit and a letter (WPR), or E, digits and up to 3 letters.
_CONTEXT_CODE = r"(?:\d[a-z]|e\d{1,4}[a-z]{0,3})"
_SHORT_CODE = re.compile(_CONTEXT_CODE, re.IGNORECASE)
# A code-like word followed by one short code or a list of them ("WPR 8E/8C", "codes: 6M, 6N"),
# or a short code alone in parentheses.
_CODE_IN_CONTEXT = re.compile(
    r"(?:wpr|code|reason|error|reject(?:ion|ed)?|status)s?[\s:#=~\-.]*"
    rf"(?P<codes>{_CONTEXT_CODE}(?:\s*(?:[,/&;]|and|or)\s*{_CONTEXT_CODE})*)(?![^\W_])"
    rf"|\((?P<code>{_CONTEXT_CODE})\)",
    re.IGNORECASE,
)
# A typo is forgiven only in a code of letter words joined by "_" this long or longer, and only
# in text written the same way: prose ("invalid pin") never takes part.
_TYPO_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+", re.IGNORECASE)
_CODE_RUN = re.compile(r"[^\W_]+(?:_[^\W_]+)+")
TYPO_CODE_LENGTH = 12
TYPO_DISTANCE = 1  # edits (a wrong, missing, extra or swapped character) forgiven in such a code


def is_context_code(code: str) -> bool:
    """Whether a catalog code is read only in context ("WPR 8E", "code E10"), never alone."""
    return _SHORT_CODE.fullmatch(code) is not None


@dataclass(frozen=True)
class NoticeMatch:
    category: str
    evidence: str  # the text of the notice that names the category, as written
    start: int  # where the evidence starts in the notice


class NoticeReader:
    """Finds categories in notices using one catalog's wordings and codes."""

    def __init__(self, catalog: Catalog) -> None:
        # first word -> (wording words, category id), longest first so the most specific
        # wording wins: "authorized name mismatch" is a signer problem, not a name mismatch.
        self._wordings: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._short_codes: dict[str, str] = {}
        self._typo_codes: list[str] = []  # folded long codes a typo is forgiven in, and their
        self._typo_categories: list[str] = []  # categories, by position
        for category in catalog.categories:
            for wording in category.phrases + category.codes:
                if is_context_code(wording):
                    self._short_codes[wording.upper()] = category.id
                else:  # customers type "doesnt match" as often as "doesn't match"
                    for variant in dict.fromkeys((wording, _NT.sub("nt", wording))):
                        tokens = words(variant)
                        self._wordings.setdefault(tokens[0], []).append((tokens, category.id))
            for code in category.codes:
                if _TYPO_CODE.fullmatch(code) and len(code) >= TYPO_CODE_LENGTH:
                    self._typo_codes.append(code.casefold())
                    self._typo_categories.append(category.id)
        for candidates in self._wordings.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    def find(self, text: str) -> list[NoticeMatch]:
        """Every category named in `text`, once each, in the order the notice names them."""
        found = self._find_wordings(text)
        for code_match in self._find_short_codes(text) + self._find_typoed_codes(text):
            found.setdefault(code_match.category, code_match)
        return sorted(found.values(), key=lambda match: match.start)

    def _find_wordings(self, text: str) -> dict[str, NoticeMatch]:
        found: dict[str, NoticeMatch] = {}
        tokens = list(_WORD.finditer(text))
        folded = [token.group().casefold() for token in tokens]
        position = 0
        while position < len(tokens):
            for wording, category in self._wordings.get(folded[position], ()):
                end = position + len(wording)
                if tuple(folded[position:end]) == wording:
                    start = tokens[position].start()
                    found.setdefault(category, NoticeMatch(category, text[start : tokens[end - 1].end()], start))
                    position = end  # wordings do not overlap: the longest one here wins
                    break
            else:
                position += 1
        return found

    def _find_short_codes(self, text: str) -> list[NoticeMatch]:
        matches = []
        for context in _CODE_IN_CONTEXT.finditer(text):
            group = "codes" if context.group("codes") else "code"
            offset = context.start(group)
            for code in _SHORT_CODE.finditer(context.group(group)):
                category = self._short_codes.get(code.group().upper())
                if category:
                    matches.append(NoticeMatch(category, code.group(), offset + code.start()))
        return matches

    def _find_typoed_codes(self, text: str) -> list[NoticeMatch]:
        """Long codes typed with one typo ("PASSCODE_PIN_INVAILD"), when only one code is that near."""
        matches = []
        for run in _CODE_RUN.finditer(text):
            written = run.group()
            if len(written) < TYPO_CODE_LENGTH - TYPO_DISTANCE or self._find_wordings(written):
                continue  # too short to forgive, or already read as written
            near = process.extract(
                written.casefold(), self._typo_codes, scorer=OSA.distance, score_cutoff=TYPO_DISTANCE, limit=None
            )
            categories = {self._typo_categories[index] for _, _, index in near}
            if len(categories) == 1:
                matches.append(NoticeMatch(categories.pop(), written, run.start()))
        return matches


@functools.lru_cache(maxsize=1)
def _bundled_reader() -> NoticeReader:
    return NoticeReader(load_catalog())


def find_categories(text: str) -> list[NoticeMatch]:
    """Categories a pasted rejection notice names; an empty list when it names none."""
    return _bundled_reader().find(text)

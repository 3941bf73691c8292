"""Reads a pasted carrier rejection notice and finds every rejection category it names.

Wording comes first: the catalog's phrases and long codes (ACCOUNT_NUMBER_MISMATCH) are
matched anywhere, word by word, so case, punctuation, "_", "-" and spacing do not matter.
Codes come second: a short WPR code (8A, 6C) only counts right after a code-like word
("WPR 6P", "code: 8C", "statusReasonCode - 8A") or in parentheses ("(8E)"), because two
characters on their own also turn up in phone numbers, addresses and times.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.core.catalog import Catalog, load_catalog, words

_WORD = re.compile(r"[^\W_]+")
_SHORT_CODE = re.compile(r"\d[a-z]", re.IGNORECASE)
# A code-like word followed by one short code or a list of them ("WPR 8E/8C", "codes: 6M, 6N"),
# or a short code alone in parentheses.
_CODE_IN_CONTEXT = re.compile(
    r"(?:wpr|code|reason|error|reject(?:ion|ed)?|status)s?[\s:#=~\-.]*"
    r"(?P<codes>\d[a-z](?:\s*(?:[,/&;]|and|or)\s*\d[a-z])*)(?![^\W_])"
    r"|\((?P<code>\d[a-z])\)",
    re.IGNORECASE,
)


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
        for category in catalog.categories:
            for wording in category.phrases + category.codes:
                if _SHORT_CODE.fullmatch(wording):
                    self._short_codes[wording.upper()] = category.id
                else:
                    tokens = words(wording)
                    self._wordings.setdefault(tokens[0], []).append((tokens, category.id))
        for candidates in self._wordings.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    def find(self, text: str) -> list[NoticeMatch]:
        """Every category named in `text`, once each, in the order the notice names them."""
        found = self._find_wordings(text)
        for code_match in self._find_short_codes(text):
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


@functools.lru_cache(maxsize=1)
def _bundled_reader() -> NoticeReader:
    return NoticeReader(load_catalog())


def find_categories(text: str) -> list[NoticeMatch]:
    """Categories a pasted rejection notice names; an empty list when it names none."""
    return _bundled_reader().find(text)

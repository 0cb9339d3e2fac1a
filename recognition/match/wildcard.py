"""Wildcard (partial plate) entries: ``*`` = any run of characters, ``?`` = exactly one.

Only local entries for major crimes are partial (NCIC never holds them), so there are at most
a few hundred. One combined regular expression over the folded read rejects almost every read
in a single C call; the few patterns that do match are then checked one by one and scored with
a small dynamic programme that finds the fewest look-alike substitutions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recognition.match.confusion import FOLD_TABLE, fold

_NON_PATTERN = re.compile(r"[^A-Z0-9*?]")
_INF = 1 << 30


def normalise_wildcard(text: str) -> str:
    """Uppercase, keep A-Z, 0-9, ``*`` and ``?``; collapse runs of ``*``."""
    return re.sub(r"\*+", "*", _NON_PATTERN.sub("", text.upper()))


def _folded_regex(pattern: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch.translate(FOLD_TABLE)) for ch in pattern)


@dataclass(frozen=True, slots=True)
class WildcardEntry:
    """A partial-plate entry."""

    entry_id: int
    pattern: str
    state: str | None
    priority: int


def min_substitutions(pattern: str, text: str) -> int | None:
    """Fewest look-alike substitutions for ``text`` to match ``pattern``; None if it cannot.

    Literal pattern characters must equal the text character or be a look-alike of it (cost 1).
    """
    n = len(text)
    prev = [0] + [_INF] * n
    for ch in pattern:
        cur = [_INF] * (n + 1)
        if ch == "*":
            best = _INF
            for j in range(n + 1):
                best = min(best, prev[j])
                cur[j] = best
        else:
            folded = ch.translate(FOLD_TABLE)
            for j in range(1, n + 1):
                if prev[j - 1] >= _INF:
                    continue
                t = text[j - 1]
                if ch == "?" or t == ch:
                    cur[j] = prev[j - 1]
                elif t.translate(FOLD_TABLE) == folded:
                    cur[j] = prev[j - 1] + 1
        prev = cur
    return prev[n] if prev[n] < _INF else None


class WildcardSet:
    """The wildcard entries of one index (immutable)."""

    __slots__ = ("_any", "_entries", "_regexes", "count")

    def __init__(self, entries: list[WildcardEntry]) -> None:
        """Compile the patterns (folded) into one combined regex and one per entry."""
        self._entries = tuple(entries)
        self.count = len(self._entries)
        self._regexes = tuple(re.compile(_folded_regex(e.pattern)) for e in entries)
        self._any = re.compile("|".join(f"(?:{r.pattern})" for r in self._regexes)) if entries else None

    @property
    def entries(self) -> tuple[WildcardEntry, ...]:
        """The wildcard entries, in the order given."""
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def matches(self, plate: str, max_substitutions: int) -> list[tuple[WildcardEntry, int]]:
        """Entries whose pattern matches the normalised ``plate``, with their substitution counts."""
        if self._any is None:
            return []
        folded = fold(plate)
        if self._any.fullmatch(folded) is None:
            return []
        found = []
        for entry, regex in zip(self._entries, self._regexes, strict=True):
            if regex.fullmatch(folded) is None:
                continue
            subs = min_substitutions(entry.pattern, plate)
            if subs is not None and subs <= max_substitutions:
                found.append((entry, subs))
        return found

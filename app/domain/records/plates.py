"""Plate query patterns for detection browsing: wildcards, partial plates and look-alike folding.

``*`` stands for any run of characters and ``?`` for exactly one. Folding maps OCR look-alikes
to one representative (O/0/Q/D -> 0, I/1/L -> 1, B/8 -> 8, S/5 -> 5, Z/2 -> 2, G/6 -> 6), the same
table as ``recognition.match.confusion`` so that ``reads.plate_folded`` and a folded query agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import ValidationFailed

LOOKALIKE_GROUPS: tuple[str, ...] = ("0OQD", "1IL", "8B", "5S", "2Z", "6G")
FOLD_TABLE = str.maketrans({ch: group[0] for group in LOOKALIKE_GROUPS for ch in group[1:]})
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SEPARATORS = re.compile(r"[\s\-.·]")
_ALLOWED = re.compile(r"^[A-Z0-9*?]+$")
MAX_PATTERN = 16


def fold_plate(text: str) -> str:
    """Map each character to its look-alike class representative (what ``reads.plate_folded`` holds)."""
    return text.translate(FOLD_TABLE)


def normalise_plate(text: str) -> str:
    """Uppercase and drop spaces, dashes and dots (plates are stored as A-Z0-9 only)."""
    return _SEPARATORS.sub("", text.upper())


@dataclass(frozen=True, slots=True)
class PlatePattern:
    """A validated plate pattern.

    ``prefix`` is the literal text before the first wildcard (an index range can use it);
    ``exact`` is True when there is no wildcard at all.
    """

    text: str
    prefix: str
    exact: bool
    folded: bool

    @property
    def has_wildcards(self) -> bool:
        return not self.exact

    def like(self) -> str:
        """The pattern in SQL LIKE syntax (plates hold only A-Z0-9, so nothing needs escaping)."""
        return self.text.replace("*", "%").replace("?", "_")


def parse_plate_pattern(raw: str, *, partial: bool = False, lookalikes: bool = False) -> PlatePattern:
    """Validate a plate query; ``partial`` searches the text anywhere in the plate.

    Raises:
        ValidationFailed: characters other than letters, digits, ``*`` and ``?``, a pattern of only
            wildcards, or one longer than a plate.

    """
    text = normalise_plate(raw)
    if not text:
        raise ValidationFailed("Enter a plate or part of a plate (use * for any characters, ? for one).")
    if not _ALLOWED.match(text):
        bad = sorted({c for c in text if not (c.isascii() and (c.isalnum() or c in "*?"))})
        raise ValidationFailed(
            f"A plate pattern may contain only letters, digits, * and ?; remove {' '.join(bad)!s}.")
    text = re.sub(r"\*+", "*", text)
    if partial and not text.startswith("*"):
        text = "*" + text
    if partial and not text.endswith("*"):
        text = text + "*"
    literal = text.replace("*", "").replace("?", "")
    if len(literal) < 2:
        raise ValidationFailed("A plate pattern needs at least 2 letters or digits besides the wildcards.")
    if len(text.replace("*", "")) > MAX_PATTERN:
        raise ValidationFailed(f"A plate has at most {MAX_PATTERN} characters.")
    if lookalikes:
        text = fold_plate(text)
    cut = min((i for i, c in enumerate(text) if c in "*?"), default=len(text))
    return PlatePattern(text=text, prefix=text[:cut], exact=cut == len(text), folded=lookalikes)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest A-Z0-9 string greater than every string starting with ``prefix``.

    ``AB12`` -> ``AB13``, ``ABZ`` -> ``AC``; None when no bound exists (``ZZ``). Digits sort before
    letters both in ASCII and in PostgreSQL's usual collations, so the range works on both databases.
    """
    chars = list(prefix)
    while chars:
        last = chars.pop()
        i = ALPHABET.find(last)
        if 0 <= i < len(ALPHABET) - 1:
            return "".join(chars) + ALPHABET[i + 1]
    return None

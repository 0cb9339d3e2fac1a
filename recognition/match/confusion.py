"""OCR look-alike classes and the integer plate keys the index is built on.

Folding maps every character to the representative of its look-alike class (O/0/Q/D -> 0,
I/1/L -> 1, B/8 -> 8, S/5 -> 5, Z/2 -> 2, G/6 -> 6), so two plates that differ only by
look-alike substitutions fold to the same string: one lookup finds them all, and counting the
positions that really differ enforces the substitution limit.

A plate of at most 10 characters from 0-9A-Z is stored as one int64:
``int(text, 36) << 4 | len(text)`` (the length keeps leading zeros distinct).
"""

from __future__ import annotations

import re

#: The confusion table (DOMAIN.md "Matching").
LOOKALIKE_GROUPS: tuple[str, ...] = ("0OQD", "1IL", "8B", "5S", "2Z", "6G")

FOLD_TABLE = str.maketrans({ch: group[0] for group in LOOKALIKE_GROUPS for ch in group[1:]})
#: ``FOLD_TABLE`` as a 256-byte table for ASCII text: ``text.encode().translate(FOLD_BYTES)`` costs ~50 ns
#: for a plate, ``text.translate(FOLD_TABLE)`` ~500 ns (a mapping lookup per character).
FOLD_BYTES = bytes(ord(chr(i).translate(FOLD_TABLE)) for i in range(128)) + bytes(range(128, 256))

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Base-36 digit values of the fold-class representatives (what a folded string can contain).
CLASS_DIGITS: tuple[int, ...] = tuple(
    sorted({_ALPHABET.index(ch.translate(FOLD_TABLE)) for ch in _ALPHABET})
)

MAX_KEY_LENGTH = 10
_NON_PLATE = re.compile(r"[^A-Z0-9]")


def normalise(text: str) -> str:
    """Uppercase, keep only A-Z and 0-9 (the NCIC rule; same as the hot-list importer)."""
    up = text.upper()
    if up.isalnum() and up.isascii():
        return up
    return _NON_PLATE.sub("", up)


def fold(text: str) -> str:
    """Map each character to its look-alike class representative."""
    if text.isascii():
        return text.encode().translate(FOLD_BYTES).decode()
    return text.translate(FOLD_TABLE)


def folded_key(plate: str) -> int:
    """:func:`plate_key` of the :func:`fold` of a normalised plate (ASCII, 1-10 characters)."""
    return (int(plate.encode().translate(FOLD_BYTES), 36) << 4) | len(plate)


def same_class(a: str, b: str) -> bool:
    """Tell whether two characters are equal or OCR look-alikes of each other."""
    return a.translate(FOLD_TABLE) == b.translate(FOLD_TABLE)


def plate_key(text: str) -> int:
    """Integer key of a normalised plate of 1-10 characters."""
    return (int(text, 36) << 4) | len(text)


def key_to_plate(key: int) -> str:
    """Inverse of :func:`plate_key`."""
    length = key & 15
    value = key >> 4
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 36)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def substitutions(a: str, b: str) -> int:
    """Count the positions where two equal-length strings differ."""
    return sum(x != y for x, y in zip(a, b, strict=True))

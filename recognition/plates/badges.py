"""Vehicle lettering that reads like a plate: make, model and trim badges (``badges.toml``).

A vehicle carries its plate and, often beside or below it, badges that the reader reads as
confidently: "4RUNNER" and "RAV4" even have the plate's mix of letters and digits. When two texts
ride on one vehicle (the tracker) or compete in one still (:mod:`recognition.ranking`), a text that
is a known badge is the weaker candidate for the plate. It is never dropped for that alone: a vanity
plate can spell a model name, and read by itself it is still reported.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from recognition.match.confusion import normalise

#: The bundled list.
DEFAULT_TABLE = Path(__file__).with_name("badges.toml")
#: Weight of a badge's likeness against another text on the same vehicle.
BADGE_FACTOR = 0.35


@lru_cache(maxsize=4)
def badge_words(path: Path = DEFAULT_TABLE) -> frozenset[str]:
    """Every badge of the table at ``path``, normalised (upper case, 0-9A-Z only, zero as O)."""
    with path.open("rb") as fh:
        table = tomllib.load(fh)
    words = (_folded(str(word)) for group in table.values() if isinstance(group, list) for word in group)
    return frozenset(word for word in words if word)


def _folded(text: str) -> str:
    """``text`` normalised, with zero read as O.

    A North American reading is keyed with zeros ("T0Y0TA", :mod:`recognition.plates.keying`);
    the table is written with letters.
    """
    return normalise(text).replace("0", "O")


def is_badge(text: str) -> bool:
    """True when ``text`` (any spelling: "F-150", "f150") is a known make, model or trim badge."""
    word = _folded(text)
    return bool(word) and word in badge_words()


def badge_factor(text: str) -> float:
    """``BADGE_FACTOR`` for a known badge, 1 for any other text."""
    return BADGE_FACTOR if is_badge(text) else 1.0

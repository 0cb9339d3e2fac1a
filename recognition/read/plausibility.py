"""Plate-format plausibility: street scenes hold confident text that is not a plate.

Street names ("NORTH"), sticker years ("2012"), makes ("PEUGEOT") and EU country codes ("SK") are
read as confidently as plates. A reading's confidence is scaled by how plate-shaped it is, so a
plate-shaped reading ranks first everywhere (the ``read`` command, the tracker's best crop, the
console) while letters-only vanity plates still come through.
"""

from __future__ import annotations

#: confidence factor by plate-shape score (0-3)
_FACTOR = (0.4, 0.55, 0.8, 1.0)


def plate_shape_score(text: str) -> int:
    """0-3: one point each for holding a digit, holding a letter, and having 5-8 characters."""
    has_digit = any(c.isdigit() for c in text)
    has_letter = any(c.isalpha() for c in text)
    return int(has_digit) + int(has_letter) + int(5 <= len(text) <= 8)


def plausibility_factor(text: str) -> float:
    """Multiplier for a reading's confidence (1.0 for a typical plate)."""
    return _FACTOR[plate_shape_score(text)]

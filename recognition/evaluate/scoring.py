"""Scoring helpers shared by the crop and scene evaluations."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_NOT_PLATE = re.compile(r"[^0-9A-Z]")
_FOLD = str.maketrans({"O": "0", "I": "1"})


def normalise_plate(text: str | None) -> str:
    """Uppercase and keep only 0-9A-Z (the team's scoring rule)."""
    return _NOT_PLATE.sub("", (text or "").upper())


def fold_lookalikes(text: str) -> str:
    """Fold the pairs plates print alike and ground truth mixes up: O -> 0, I -> 1."""
    return text.translate(_FOLD)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (``pct`` in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * min(100.0, max(0.0, pct)) / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)

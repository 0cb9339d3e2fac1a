"""String distance and alignment used to associate and vote plate readings of different lengths."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """1 for equal texts, 0 for completely different ones (normalised edit distance)."""
    if not a and not b:
        return 1.0
    return 1.0 - levenshtein(a, b) / max(len(a), len(b))


def align_to(reference: str, text: str) -> list[int | None]:
    """Map each character of ``text`` to a position of ``reference`` (None = inserted character).

    Uses the edit-distance alignment, preferring substitutions over insert+delete pairs, so a
    reading with a missing or extra character still votes at the right positions for the rest.
    """
    n, m = len(reference), len(text)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + (reference[i - 1] != text[j - 1]),
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
            )
    mapping: list[int | None] = [None] * m
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i][j] == cost[i - 1][j - 1] + (reference[i - 1] != text[j - 1]):
            mapping[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i][j - 1] + 1:
            j -= 1  # extra character in text
        else:
            i -= 1  # character of reference missing in text
    return mapping

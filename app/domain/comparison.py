"""Picture-to-picture help for the dispatcher: the read plate against the listed plate.

A character-by-character alignment that marks OCR look-alike substitutions (O/0/Q/D, I/1/L,
B/8, S/5, Z/2, G/6: DOMAIN.md "Matching"), missing and extra characters and wildcard positions,
plus the read state and colour against the listed ones. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: The confusion table (same classes as recognition.match.confusion).
LOOKALIKE_GROUPS: tuple[str, ...] = ("0OQD", "1IL", "8B", "5S", "2Z", "6G")
_FOLD = str.maketrans({ch: group[0] for group in LOOKALIKE_GROUPS for ch in group[1:]})
_NON_PLATE = re.compile(r"[^A-Z0-9]")


def normalise_plate(text: str) -> str:
    """Uppercase and keep only A-Z and 0-9 (the NCIC rule)."""
    return _NON_PLATE.sub("", text.upper())


def fold_plate(text: str) -> str:
    """Map every look-alike to its class representative (O/0/Q/D -> 0, I/1/L -> 1, B/8 -> 8 ...)."""
    return text.upper().translate(_FOLD)


def lookalike(a: str, b: str) -> bool:
    """Tell whether two different characters are OCR look-alikes of each other."""
    return a != b and a.translate(_FOLD) == b.translate(_FOLD)


class CellKind(StrEnum):
    SAME = "same"
    LOOKALIKE = "lookalike"  # different characters of one look-alike class
    DIFFERENT = "different"
    MISSING = "missing"  # listed character absent from the read
    EXTRA = "extra"  # read character absent from the listing
    WILDCARD = "wildcard"  # covered by ? or * of a partial-plate entry


@dataclass(frozen=True, slots=True)
class CharCell:
    """One column of the comparison: the read character over the listed one."""

    read: str  # "" when missing from the read
    listed: str  # "" when extra in the read; "?"/"*" for wildcard positions
    kind: CellKind


@dataclass(frozen=True, slots=True)
class PlateComparison:
    cells: tuple[CharCell, ...]

    @property
    def identical(self) -> bool:
        return all(c.kind is CellKind.SAME for c in self.cells)

    @property
    def lookalikes(self) -> int:
        return sum(c.kind is CellKind.LOOKALIKE for c in self.cells)

    @property
    def differences(self) -> int:
        """Cells that are neither the same nor wildcard-covered (look-alikes count)."""
        return sum(c.kind not in (CellKind.SAME, CellKind.WILDCARD) for c in self.cells)

    def describe(self) -> str:
        """One line for screen readers and reports, e.g. ``7 same, 1 look-alike (O read as 0)``."""
        parts = [f"{sum(c.kind is CellKind.SAME for c in self.cells)} same"]
        swaps = [f"{c.listed} read as {c.read}" for c in self.cells if c.kind is CellKind.LOOKALIKE]
        if swaps:
            parts.append(f"{len(swaps)} look-alike ({', '.join(swaps)})")
        for kind, word in ((CellKind.DIFFERENT, "different"), (CellKind.MISSING, "missing"),
                           (CellKind.EXTRA, "extra")):
            n = sum(c.kind is kind for c in self.cells)
            if n:
                parts.append(f"{n} {word}")
        return ", ".join(parts)


_COST = {CellKind.SAME: 0.0, CellKind.WILDCARD: 0.0, CellKind.LOOKALIKE: 0.4, CellKind.DIFFERENT: 1.0}
_INDEL = 1.0


def _pair(r: str, listed: str) -> CellKind:
    if listed == "?":
        return CellKind.WILDCARD
    if r == listed:
        return CellKind.SAME
    return CellKind.LOOKALIKE if lookalike(r, listed) else CellKind.DIFFERENT


def compare_plates(read: str, listed: str) -> PlateComparison:
    """Align ``read`` with ``listed`` (which may hold ``?`` and ``*``) at the lowest cost.

    Look-alike substitutions cost less than other substitutions or missing/extra characters,
    so ``8ABC123`` against ``BABC123`` aligns position by position with one look-alike cell.
    """
    a, b = normalise_plate(read), re.sub(r"[^A-Z0-9?*]", "", listed.upper())
    n, m = len(a), len(b)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, CharCell] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            steps: list[tuple[int, int, float, CharCell]] = []
            if j < m and b[j] == "*":
                steps.append((i, j + 1, 0.0, CharCell("", "*", CellKind.WILDCARD)))  # * matching nothing
                if i < n:
                    steps.append((i + 1, j, 0.0, CharCell(a[i], "*", CellKind.WILDCARD)))  # * eats a char
            else:
                if i < n and j < m:
                    kind = _pair(a[i], b[j])
                    steps.append((i + 1, j + 1, _COST[kind], CharCell(a[i], b[j], kind)))
                if j < m:
                    steps.append((i, j + 1, _INDEL, CharCell("", b[j], CellKind.MISSING)))
            if i < n and not (j < m and b[j] == "*"):
                steps.append((i + 1, j, _INDEL, CharCell(a[i], "", CellKind.EXTRA)))
            for ni, nj, c, cell in steps:
                if here + c < cost[ni][nj]:
                    cost[ni][nj] = here + c
                    back[ni][nj] = (i, j, cell)
    cells: list[CharCell] = []
    i, j = n, m
    while (i, j) != (0, 0):
        prev = back[i][j]
        assert prev is not None
        i, j, cell = prev
        cells.append(cell)
    cells.reverse()
    # a * that matched nothing is not a column worth showing unless the whole tail is empty
    shown = [c for c in cells if not (c.kind is CellKind.WILDCARD and c.listed == "*" and c.read == "")]
    return PlateComparison(tuple(shown))


class Agreement(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"  # one side does not say


def compare_state(read_state: str | None, listed_state: str | None) -> Agreement:
    """Read state versus listed state (a top cause of false hits: DOMAIN.md)."""
    if not read_state or not listed_state:
        return Agreement.UNKNOWN
    return Agreement.MATCH if read_state.strip().upper() == listed_state.strip().upper() else Agreement.MISMATCH


def compare_colour(read_colour: str | None, listed_colour: str | None) -> Agreement:
    """Read vehicle colour (NCIC code) versus the listed one, which may be two-tone (``YEL/BLK``)."""
    if not read_colour or not listed_colour:
        return Agreement.UNKNOWN
    parts = {p.strip().upper() for p in re.split(r"[/ ,-]+", listed_colour) if p.strip()}
    return Agreement.MATCH if read_colour.strip().upper() in parts else Agreement.MISMATCH

"""Which plate of a still image comes first: plate-likeness, not text confidence alone.

A street scene holds text the reader reads as confidently as the plate: street and shop names,
make and model badges, fleet lettering. The tracker tells them apart over a vehicle pass
(:mod:`recognition.track.likeness`); a still has one sighting, so its ranking uses the part of
that evidence one image carries: how plate-like the text is (length, letters and digits) and how
plate-shaped its box is. Measured on the semi-real US scene sets (notes/reader.md, session 21):
the right plate first in 72.97 % of dev and 70.27 % of test images against 68.92 / 68.47 by
confidence alone; EU and BR scenes unchanged within one image.
"""

from __future__ import annotations

from collections.abc import Sequence

from recognition.match.confusion import normalise
from recognition.plates.badges import badge_factor
from recognition.track.likeness import shape_score, syntax_score
from recognition.types import BBox, PlateText

#: Share of the likeness that depends on the box's shape (a box of no plate shape keeps 1 - this).
#: North American plates are 2:1; EU and BR plates are wider, so the weight stays moderate.
SHAPE_WEIGHT = 0.4


def still_likeness(reading: PlateText | None, box: BBox | None) -> float:
    """0..1 for how likely ``reading`` of the region ``box`` is a plate (0 when nothing was read).

    Reader confidence times :func:`syntax_score` of the text times a box-shape factor
    (``1 - SHAPE_WEIGHT`` for a box of no plate shape, 1 for a 1.5-2.8:1 box; 1 when ``box`` is None),
    times :func:`~recognition.plates.badges.badge_factor` (a make, model or trim badge such as "RAV4"
    ranks below a plate it would otherwise outrank; alone it is still reported).
    """
    text = normalise(reading.text) if reading is not None else ""
    if not text:
        return 0.0
    shape = 1.0 if box is None else (1.0 - SHAPE_WEIGHT) + SHAPE_WEIGHT * shape_score(box)
    return max(0.0, float(reading.confidence)) * syntax_score(text) * shape * badge_factor(text)


def rank_readings(readings: Sequence[PlateText | None], boxes: Sequence[BBox | None]) -> list[tuple[int, float]]:
    """``(index, likeness)`` of the readings with text, most plate-like first (ties: earlier index first)."""
    scored = [
        (i, still_likeness(r, b))
        for i, (r, b) in enumerate(zip(readings, boxes, strict=True))
        if r is not None and normalise(r.text)
    ]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))

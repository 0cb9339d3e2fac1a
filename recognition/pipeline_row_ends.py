"""A second read of the first plate on a crop widened on one side, when its row end looks cut.

The scene detector's box sometimes stops short of a faint first or last character (notes/reader.md,
session 30); the reader then never sees it. Widening every crop reads bolts, frame text and state
graphics as characters (session 29), so only the candidate that would be reported first is read again,
and only when its reading is unsure at an end (that end character's confidence below ``end_below``) or
shorter than plates usually are (``short_len`` characters or fewer): on a crop widened on that side
(both sides one at a time for a short reading). The wider reading replaces the first only when the
still ranking (:func:`recognition.ranking.still_likeness`, box = the detection's) rates it higher and
it keeps the first reading's text inside it, so no format is forced and a re-read that reads something
else entirely is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from recognition.match.confusion import normalise
from recognition.ranking import rank_readings, still_likeness
from recognition.types import BBox, PlateText


@dataclass(frozen=True, slots=True)
class EndReread:
    """When and how far the first plate's crop is widened for a second read."""

    #: an end character below this confidence makes that end unsure
    end_below: float = 0.5
    #: a reading of at most this many characters is read again on both sides (0: never)
    short_len: int = 5
    #: how far the crop is widened on the chosen side, in box heights
    widen: float = 0.4
    #: fewest characters of a reading worth the second read
    min_len: int = 3

    def __post_init__(self) -> None:
        if not 0.0 <= self.end_below <= 1.0 or self.widen <= 0.0 or self.short_len < 0 or self.min_len < 1:
            raise ValueError("0 <= end_below <= 1, widen > 0, short_len >= 0, min_len >= 1 required")

    def sides(self, reading: PlateText) -> list[str]:
        """Sides ("left", "right") to read again for ``reading`` (empty: it needs no second read)."""
        text = normalise(reading.text)
        if len(text) < self.min_len or len(reading.char_confidences) != len(reading.text):
            return []
        conf = reading.char_confidences
        sides = [s for s, c in (("left", conf[0]), ("right", conf[-1])) if c < self.end_below]
        if not sides and len(text) <= self.short_len:
            sides = ["left", "right"]
        return sides


def widened_box(box: BBox, side: str, widen: float, shape: tuple[int, ...]) -> BBox:
    """``box`` grown by ``widen`` box heights on ``side`` (clipped to an image of ``shape``)."""
    grow = int(round(widen * box.h))
    if side == "left":
        x0 = max(0, box.x - grow)
        return BBox(x0, box.y, box.x + box.w - x0, box.h)
    x1 = min(shape[1], box.x + box.w + grow)
    return BBox(box.x, box.y, x1 - box.x, box.h)


def reread_ends(
    image: np.ndarray,
    boxes: Sequence[BBox],
    readings: list[PlateText | None],
    rules: EndReread,
    crop: Callable[[np.ndarray, BBox], np.ndarray],
    read: Callable[[list[np.ndarray]], list[PlateText | None]],
) -> tuple[list[PlateText | None], int]:
    """``readings`` with the first-ranked one replaced by a better reading of a one-side-widened crop.

    Returns the readings and the number of extra crops read (0 when nothing was unsure).
    """
    ranked = rank_readings(readings, list(boxes))
    if not ranked:
        return readings, 0
    index = ranked[0][0]
    first = readings[index]
    assert first is not None
    sides = rules.sides(first)
    if not sides:
        return readings, 0
    box = boxes[index]
    crops = [crop(image, widened_box(box, side, rules.widen, image.shape)) for side in sides]
    crops = [c for c in crops if c.size > 0]
    if not crops:
        return readings, 0
    base_text, best, best_score = normalise(first.text), first, still_likeness(first, box)
    for again in read(crops):
        if again is None:
            continue
        text = normalise(again.text)
        if len(text) <= len(base_text) or base_text not in text:
            continue
        score = still_likeness(again, box)
        if score > best_score:
            best, best_score = again, score
    out = list(readings)
    out[index] = best
    return out, len(crops)

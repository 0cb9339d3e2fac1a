"""A second read of the first plate on a crop widened on one side, when its row end looks cut.

The scene detector's box sometimes stops short of a faint first or last character (notes/reader.md,
session 30); the reader then never sees it. Widening every crop reads bolts, frame text and state
graphics as characters (session 29), so only the candidate that would be reported first is read again,
and only when its reading is unsure at an end (that end character's confidence below ``end_below``) or
shorter than plates usually are (``short_len`` characters or fewer): on a crop widened on that side
(one crop widened on both sides for a short reading, whose cut end is not known). The wider reading replaces the first only when it is
the first reading with at most ``max_added`` characters added on the widened side, each at least
``added_conf`` sure, and the still ranking (:func:`recognition.ranking.still_likeness`, box = the
box the first crop was cut from) rates it higher. So no format is forced, and a re-read that reads the row differently
(the reader's answer moves with the crop's margin, notes/reader.md session 28) or adds a character on
the other side is ignored.
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
    #: most characters a second read may add, and how sure each must be
    max_added: int = 1
    added_conf: float = 0.9

    def __post_init__(self) -> None:
        if not 0.0 <= self.end_below <= 1.0 or self.widen <= 0.0 or self.short_len < 0 or self.min_len < 1:
            raise ValueError("0 <= end_below <= 1, widen > 0, short_len >= 0, min_len >= 1 required")
        if self.max_added < 1 or not 0.0 <= self.added_conf <= 1.0:
            raise ValueError("max_added >= 1 and 0 <= added_conf <= 1 required")

    def extends(self, first: PlateText, again: PlateText, side: str) -> bool:
        """Whether ``again`` is ``first`` with up to ``max_added`` sure characters added on ``side``."""
        base, text = first.text, again.text
        added = len(text) - len(base)
        if not 1 <= added <= self.max_added or len(again.char_confidences) != len(text):
            return False
        if side == "both" and text.endswith(base) != text.startswith(base):
            side = "left" if text.endswith(base) else "right"
        if side == "left":
            ok, conf = text.endswith(base), again.char_confidences[:added]
        elif side == "right":
            ok, conf = text.startswith(base), again.char_confidences[len(base):]
        else:
            return False
        return ok and min(conf) >= self.added_conf and all(c.isalnum() for c in text[:added] + text[len(base):])

    def sides(self, reading: PlateText) -> list[str]:
        """Sides ("left", "right", or "both" for a short reading) to read again (empty: no second read)."""
        text = normalise(reading.text)
        if len(text) < self.min_len or len(reading.char_confidences) != len(reading.text):
            return []
        conf = reading.char_confidences
        sides = [s for s, c in (("left", conf[0]), ("right", conf[-1])) if c < self.end_below]
        if not sides and len(text) <= self.short_len:
            sides = ["both"]
        return sides


def widened_box(box: BBox, side: str, widen: float, shape: tuple[int, ...]) -> BBox:
    """``box`` grown by ``widen`` box heights on ``side`` ("left", "right", "both"; clipped to an image of ``shape``)."""
    grow = int(round(widen * box.h))
    x0 = max(0, box.x - grow) if side in ("left", "both") else box.x
    x1 = min(shape[1], box.x + box.w + grow) if side in ("right", "both") else box.x + box.w
    return BBox(x0, box.y, x1 - x0, box.h)


def reread_ends(
    image: np.ndarray,
    boxes: Sequence[BBox],
    readings: list[PlateText | None],
    rules: EndReread,
    crop: Callable[[np.ndarray, BBox], np.ndarray],
    read: Callable[[list[np.ndarray]], list[PlateText | None]],
) -> list[PlateText | None]:
    """``readings`` with the first-ranked one replaced by a better reading of a one-side-widened crop."""
    ranked = rank_readings(readings, list(boxes))
    if not ranked:
        return readings
    index = ranked[0][0]
    first = readings[index]
    assert first is not None
    sides = rules.sides(first)
    if not sides:
        return readings
    box = boxes[index]
    wider = [(side, crop(image, widened_box(box, side, rules.widen, image.shape))) for side in sides]
    wider = [(side, c) for side, c in wider if c.size > 0]
    if not wider:
        return readings
    best, best_score = first, still_likeness(first, box)
    for (side, _), again in zip(wider, read([c for _, c in wider]), strict=True):
        if again is None or not rules.extends(first, again, side):
            continue
        score = still_likeness(again, box)
        if score > best_score:
            best, best_score = again, score
    out = list(readings)
    out[index] = best
    return out

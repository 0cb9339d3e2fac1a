"""Suppression of repeated reads: track splits of one pass and parked vehicles."""

from __future__ import annotations

from dataclasses import dataclass

from recognition.track.align import levenshtein
from recognition.types import BBox


@dataclass(slots=True)
class _Seen:
    text: str
    box: BBox
    last_seen: float
    parked: bool = True  # the vehicle was standing when last seen (False: it was driving through)


class RepeatSuppressor:
    """Remembers emitted texts per camera and says whether a new track repeats one.

    Two rules, both on texts within one edit of each other:

    * anywhere in the frame within ``repeat_window_s`` after the last sighting (a track that split
      because the detector missed a few frames is still one pass);
    * at an overlapping place within ``parked_window_s`` after the last sighting (a parked car that
      keeps being re-detected). Each suppressed sighting refreshes the record, so a car parked for
      hours stays one read as long as it keeps being seen. This rule needs a standing vehicle on one
      side: the remembered sighting ended standing, or the new track does not move. A vehicle that
      drove through and later drives through the same place again (back round the block, a patrol
      area) is a new pass, a new time and place for a hot-listed vehicle, and is read again.
    """

    def __init__(self, repeat_window_s: float, parked_window_s: float) -> None:
        """Create an empty memory."""
        self._repeat = repeat_window_s
        self._parked = parked_window_s
        self._seen: list[_Seen] = []

    def _match(self, text: str, box: BBox, first_seen: float, moving: bool) -> _Seen | None:
        for rec in self._seen:
            if levenshtein(rec.text, text) > (1 if min(len(text), len(rec.text)) >= 4 else 0):
                continue
            gap = first_seen - rec.last_seen
            if gap <= self._repeat:
                return rec
            if gap <= self._parked and (rec.parked or not moving) and (rec.box.iou(box) > 0.2 or _close(rec.box, box)):
                return rec
        return None

    def is_repeat(self, text: str, box: BBox, first_seen: float, *, moving: bool = False) -> bool:
        """Tell whether ``text`` first seen at ``first_seen`` in ``box`` repeats a remembered read.

        ``moving``: the new track drove through (it moved while seen); False when it stood or cannot tell.
        """
        return self._match(text, box, first_seen, moving) is not None

    def remember(self, text: str, box: BBox, last_seen: float, *, moving: bool = False) -> None:
        """Record (or refresh) a sighting of ``text`` ending at ``last_seen``.

        ``moving``: the vehicle was still driving at the end of the sighting (False: standing, or cannot tell).
        """
        rec = self._match(text, box, last_seen, moving)
        if rec is not None and rec.text == text:
            if last_seen >= rec.last_seen:
                rec.parked = not moving
            rec.box, rec.last_seen = box, max(rec.last_seen, last_seen)
        else:
            self._seen.append(_Seen(text, box, last_seen, not moving))

    def expire(self, now: float) -> None:
        """Forget sightings older than both windows."""
        horizon = max(self._repeat, self._parked)
        self._seen = [r for r in self._seen if now - r.last_seen <= horizon]


def _close(a: BBox, b: BBox) -> bool:
    """Centres within one plate width of each other."""
    ax, ay = a.x + a.w / 2, a.y + a.h / 2
    bx, by = b.x + b.w / 2, b.y + b.h / 2
    return abs(ax - bx) <= max(a.w, b.w) and abs(ay - by) <= max(a.h, b.h)

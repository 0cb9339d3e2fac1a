"""Which tracks belong to one vehicle: seen together, close together, in most of their common frames.

A vehicle carries one plate and often other text (make and model badges, fleet lettering, phone
numbers). Tracks that move together on one vehicle compete: only the most plate-like is a read.
Distances are in units of the taller box's height, so the rule holds at every distance from the
camera; vehicles in neighbouring lanes are many plate heights apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from recognition.types import BBox

#: Largest vertical gap between two boxes on one vehicle, in box heights (a vehicle following
#: close behind is often nearer than that sideways, so the vertical reach is the shorter one).
REACH = 4.0
#: Largest horizontal gap: lettering beside the plate runs wide, neighbouring lanes are ~20 heights away.
REACH_X = 6.0
#: Share of the common frames in which the two boxes must be that close.
TOGETHER_SHARE = 0.6

History = Sequence[tuple[float, BBox]]


def close(a: BBox, b: BBox, reach: float = REACH, reach_x: float = REACH_X) -> bool:
    """True when the gaps between ``a`` and ``b`` are within reach (in heights of the taller box)."""
    unit = max(a.h, b.h, 1)
    gap_x = max(0, max(a.x, b.x) - min(a.x + a.w, b.x + b.w))
    gap_y = max(0, max(a.y, b.y) - min(a.y + a.h, b.y + b.h))
    return gap_x <= reach_x * unit and gap_y <= reach * unit


def _common(a: History, b: History) -> list[tuple[BBox, BBox]]:
    at_time = dict(b)
    return [(box, at_time[ts]) for ts, box in a if ts in at_time]


def same_vehicle(a: History, b: History) -> bool:
    """True when the tracks ``a`` and ``b`` (``(timestamp, box)`` per sighting) ride on one vehicle."""
    common = _common(a, b)
    if not common or len(common) < (1 if min(len(a), len(b)) <= 3 else 2):
        return False
    return sum(close(x, y) for x, y in common) >= TOGETHER_SHARE * len(common)


def rigid(a: History, b: History, *, min_common: int = 3, tolerance: float = 0.3) -> bool:
    """True when ``a`` and ``b`` keep the same offset relative to their size over their common frames.

    Two things on one vehicle keep their offset (in units of their widths) as it approaches; the
    plates of two vehicles one behind the other drift apart. Needs ``min_common`` common frames.
    """
    common = _common(a, b)
    if len(common) < min_common:
        return False
    offsets = []
    for x, y in common:
        unit = max(1.0, (x.w * y.w) ** 0.5)
        offsets.append(((y.x + y.w / 2 - x.x - x.w / 2) / unit, (y.y + y.h / 2 - x.y - x.h / 2) / unit))
    spread_x = max(o[0] for o in offsets) - min(o[0] for o in offsets)
    spread_y = max(o[1] for o in offsets) - min(o[1] for o in offsets)
    return max(spread_x, spread_y) <= tolerance


def still(history: History, min_sightings: int = 5) -> bool:
    """True for a track that has not moved (a sign or a parked vehicle) over ``min_sightings`` or more."""
    if len(history) < min_sightings:
        return False
    first, last = history[0][1], history[-1][1]
    shift = abs(last.x + last.w / 2 - first.x - first.w / 2) + abs(last.y + last.h / 2 - first.y - first.h / 2)
    return shift <= 0.5 * max(first.w, last.w, 1)


def nested(a: History, b: History, share: float = 0.7) -> bool:
    """True when, in most common frames, the smaller of the two boxes lies (``share`` of it) inside the other.

    A reader that finds only part of a plate's row in some frames ("N78" of "N788BY") starts a
    second track inside the plate's box: one object, not a second vehicle, however plate-like.
    """
    common = _common(a, b)
    if not common:
        return False
    inside = 0
    for x, y in common:
        small = min(x.w * x.h, y.w * y.h)
        ix = max(0, min(x.x + x.w, y.x + y.w) - max(x.x, y.x))
        iy = max(0, min(x.y + x.h, y.y + y.h) - max(x.y, y.y))
        inside += small > 0 and ix * iy >= share * small
    return inside > len(common) / 2


def motionless(history: History, share: float = 0.5) -> bool:
    """True when all boxes of ``history`` (two or more) overlap in one place covering ``share`` of the smallest.

    Text painted on a wall, a shop sign, a backdrop stays where it is: its boxes jitter with the
    characters found in each frame but share a common area. A plate on a vehicle moves and grows
    as the vehicle comes and goes, so its first and last boxes part.
    """
    if len(history) < 2:
        return False
    boxes = [box for _, box in history]
    left, top = max(b.x for b in boxes), max(b.y for b in boxes)
    right, bottom = min(b.x + b.w for b in boxes), min(b.y + b.h for b in boxes)
    common = max(0, right - left) * max(0, bottom - top)
    return common >= share * min(b.w * b.h for b in boxes)


def drove(history: History) -> bool:
    """True when the track moved while it was seen (two or more sightings not all in one place)."""
    return len(history) >= 2 and not motionless(history)


def driving_at_end(history: History, last: int = 4) -> bool:
    """True when the track was still moving over its ``last`` sightings (False: standing, or one sighting)."""
    return drove(history[-last:])


def height_ratio(a: History, b: History) -> float:
    """Median height of ``a``'s boxes over ``b``'s in their common frames (1 when never together).

    On one vehicle the plate's box is usually the tallest: badges and most lettering are smaller.
    """
    ratios = sorted(x.h / max(1, y.h) for x, y in _common(a, b))
    return ratios[len(ratios) // 2] if ratios else 1.0


def lower(a: History, b: History) -> bool:
    """True when ``a`` sits below ``b`` (plates ride low on a vehicle) in most common frames."""
    common = _common(a, b)
    below = sum((x.y + x.h / 2) - (y.y + y.h / 2) > 0.5 * max(x.h, y.h) for x, y in common)
    return bool(common) and below > len(common) / 2

"""Repeat sightings of one vehicle: grouping, renewed attention, and the ageing of the queue.

Plain rules (notes/hits.md "Grouping and ageing"):

- A hit is identified for grouping by :func:`group_key`: the hot-list entry it matched and the read
  plate with look-alike characters folded. A read that matches the same entry with the same folded
  plate while that hit is OPEN (new, claimed, verified) is a new *sighting* of that hit, not a new hit.
  A closed or rejected hit is never reopened: the next sighting raises a new hit.
- Every sighting still sounds (policy 002 IV.J.1: all hits are audible); how much attention it asks
  for is decided by :func:`sighting_attention`.
- An open hit whose vehicle was last seen ``stale_after`` ago or longer is *stale*
  (:func:`is_stale`). A stale hit stays in the queue (never dropped) and is counted; a stale hit that
  is not top priority sinks below the fresh ones, a stale top-priority hit keeps its place
  (:func:`queue_order`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.comparison import fold_plate, normalise_plate
from app.domain.display_dates import time_text
from app.domain.hits import HitStatus, HitSummary

#: Priorities up to this are "top" (urgent band): the same threshold the alert policy repeats on.
TOP_PRIORITY_MAX = 2
DEFAULT_STALE_AFTER = timedelta(minutes=30)


def group_key(plate_read: str, entry_id: int | None) -> str | None:
    """The plate part of the grouping key (None when the hit cannot be grouped: no entry)."""
    if entry_id is None:
        return None
    plate = normalise_plate(plate_read)
    return fold_plate(plate)[:16] if plate else None


@dataclass(frozen=True, slots=True)
class Sighting:
    """One pass of the vehicle that belongs to a hit (the first read included)."""

    read_id: int
    seen_at: datetime
    camera_name: str
    camera_location: str
    plate: str
    confidence: float
    plate_sha256: str | None  # the crop image of that read (shown and printed; viewing it is recorded)
    workstation: str = ""
    read_available: bool = True  # False once the read itself was purged (the sighting row stays)

    @property
    def where(self) -> str:
        return " - ".join(x for x in (self.camera_name, self.camera_location) if x)


class Attention(StrEnum):
    """How loudly a new sighting of an open hit asks for the dispatcher."""

    ALERT = "alert"  # chime, speech (alert-policy de-duplication applies), row and tile flash, window alert
    CUE = "cue"  # chime only; the row shows "seen again" quietly


@dataclass(frozen=True, slots=True)
class SightingAttention:
    attention: Attention
    chime: bool
    speak: bool
    flash: bool
    remind: bool  # reminders (top priorities) go on until someone claims the hit
    message: str

    @property
    def loud(self) -> bool:
        return self.attention is Attention.ALERT


def seen_again_text(camera: str, at: datetime) -> str:
    """``seen again at CAM-2 14:03`` (local clock time, like the rest of the console)."""
    return f"seen again at {camera or 'unknown camera'} {time_text(at, seconds=False)}"


def sighting_attention(hit: HitSummary, top_priority_max: int = TOP_PRIORITY_MAX) -> SightingAttention:
    """What a new sighting of the open ``hit`` asks for (``hit`` as it is after the sighting).

    Rules:

    - Unacknowledged (NEW): it is announced like a new hit (chime; speech with the alert policy's
      de-duplication; row/tile flash); top priorities go on being reminded.
    - Acknowledged (claimed or verified) and top priority: the vehicle is moving and someone is acting
      on it, so it is raised again: chime, speech, flash, window alert and "seen again at <camera> <time>";
      no reminders (the claimant has it).
    - Acknowledged and not top priority: a chime only (all hits sound) and a quiet "seen again" on the row.
    """
    text = seen_again_text(hit.camera_name, hit.last_seen_at or hit.read_captured_at)
    top = hit.priority <= top_priority_max
    if hit.status is HitStatus.NEW:
        return SightingAttention(Attention.ALERT, chime=True, speak=True, flash=True, remind=top,
                                 message=f"H-{hit.id} {text} (not yet claimed)")
    if top:
        return SightingAttention(Attention.ALERT, chime=True, speak=True, flash=True, remind=False,
                                 message=f"H-{hit.id} {hit.plate_read} {text}: tell the units")
    return SightingAttention(Attention.CUE, chime=True, speak=False, flash=False, remind=False,
                             message=f"H-{hit.id} {text}")


# ---- ageing ----------------------------------------------------------------------------------
def last_seen(hit: HitSummary) -> datetime:
    return hit.last_seen_at or hit.read_captured_at


def is_stale(hit: HitSummary, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER) -> bool:
    """Open, and the vehicle was last seen ``stale_after`` ago or longer."""
    return hit.status.open and now - last_seen(hit) >= stale_after


def queue_order(hit: HitSummary, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER,
                top_priority_max: int = TOP_PRIORITY_MAX) -> tuple[int, int, datetime, int]:
    """Fresh hits first (priority, then oldest); stale hits below them, except top priorities."""
    sinks = is_stale(hit, now, stale_after) and hit.priority > top_priority_max
    return (1 if sinks else 0, hit.priority, hit.created_at, hit.id)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    open: int = 0
    unacknowledged: int = 0
    stale: int = 0
    stale_urgent: int = 0
    urgent_waiting: int = 0  # top priority and nobody claimed it

    def stale_text(self, stale_after: timedelta) -> str:
        if not self.stale:
            return ""
        minutes = int(stale_after.total_seconds() // 60)
        urgent = f" ({self.stale_urgent} urgent)" if self.stale_urgent else ""
        return f"{self.stale} stale over {minutes} min{urgent}"


def queue_counts(hits: Iterable[HitSummary], now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER,
                 top_priority_max: int = TOP_PRIORITY_MAX) -> QueueCounts:
    """Counts of the grouped hits (one per vehicle and entry, however often it was seen)."""
    n = new = stale = stale_urgent = urgent_waiting = 0
    for hit in hits:
        if not hit.status.open:
            continue
        n += 1
        top = hit.priority <= top_priority_max
        if hit.status is HitStatus.NEW:
            new += 1
            urgent_waiting += top
        if is_stale(hit, now, stale_after):
            stale += 1
            stale_urgent += top
    return QueueCounts(n, new, stale, stale_urgent, urgent_waiting)

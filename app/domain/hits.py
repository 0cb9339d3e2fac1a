"""Reads, hits and the snapshot of the hot-list entry a hit matched (policy 002 IV.H-J).

A hit keeps a copy of the entry as it was when the hit was raised (:class:`EntrySnapshot`), so a
later list refresh never rewrites what the dispatcher saw. The queue is ordered by priority,
then age (:func:`queue_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from app.domain.comparison import Agreement
from app.domain.hotlists.categories import DEFAULT_TYPE_RULES

#: Categories only privileged users see (terrorist screening: DOMAIN.md "Hit priorities").
COVERT_CATEGORIES: frozenset[str] = frozenset(str(r.category) for r in DEFAULT_TYPE_RULES.values() if r.covert)

#: Categories for which the stolen-plate check of 002 IV.J.3 applies.
STOLEN_PLATE_CATEGORIES: frozenset[str] = frozenset({"stolen_plate"})


class MatchLike(Protocol):
    """What ingest needs from a matcher result (recognition.match.Match satisfies it)."""

    @property
    def entry_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def distance(self) -> int: ...
    @property
    def state_match(self) -> str: ...
    @property
    def priority(self) -> int: ...


class HotListMatcher(Protocol):
    """The seam to the hot-list matcher (recognition.match.Matcher satisfies it)."""

    def match(self, plate_text: str, state: str | None = None,
              alternatives: Iterable[Any] = ()) -> Sequence[MatchLike]: ...


class HitStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    VERIFIED = "verified"  # visually verified; NCIC confirmation and dispatch follow
    REJECTED = "rejected"  # visual verification failed (closed)
    CLOSED = "closed"  # disposition recorded

    @property
    def open(self) -> bool:
        return self in (HitStatus.NEW, HitStatus.CLAIMED, HitStatus.VERIFIED)


@dataclass(frozen=True, slots=True)
class EntrySnapshot:
    """The matched hot-list entry as it was when the hit was raised."""

    entry_id: int | None
    plate: str
    state: str | None
    record_type: str | None
    category: str
    priority: int
    source_name: str
    source_kind: str = ""
    nic: str | None = None
    ori: str | None = None
    case_number: str | None = None
    lic_year: str | None = None
    lic_type: str | None = None
    vehicle_year: str | None = None
    vehicle_make: str | None = None
    vehicle_model: str | None = None
    vehicle_style: str | None = None
    vehicle_colour: str | None = None
    instructions: str | None = None
    synopsis: str | None = None
    requesting_officer: str | None = None
    entry_date: date | None = None
    list_updated_at: datetime | None = None  # when its source last imported successfully
    reference_photo_sha256: str | None = None

    @property
    def covert(self) -> bool:
        return self.category in COVERT_CATEGORIES

    @property
    def vehicle(self) -> str:
        """``2019 HOND CIV BLK`` style one-liner (empty parts left out)."""
        parts = (self.vehicle_year, self.vehicle_make, self.vehicle_model, self.vehicle_style, self.vehicle_colour)
        return " ".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("entry_date", "list_updated_at"):
            if out[key] is not None:
                out[key] = out[key].isoformat()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EntrySnapshot:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("entry_date"):
            values["entry_date"] = date.fromisoformat(values["entry_date"])
        if values.get("list_updated_at"):
            values["list_updated_at"] = datetime.fromisoformat(values["list_updated_at"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class StoredRead:
    """One stored vehicle pass (a ``reads`` row) with its camera's names."""

    id: int
    read_uuid: str
    captured_at: datetime
    camera_id: int
    camera_key: str
    camera_name: str
    plate: str
    confidence: float
    state: str | None
    colour: str | None
    plate_sha256: str | None
    overview_sha256: str | None
    workstation: str
    camera_location: str = ""
    camera_direction: str = ""
    state_confidence: float = 0.0
    colour_confidence: float = 0.0
    char_confidences: tuple[float, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()
    box: tuple[int, int, int, int] | None = None
    frame_count: int = 1


@dataclass(frozen=True, slots=True)
class HitSummary:
    """One queue row: enough to alert, order and show who has it."""

    id: int
    priority: int
    category: str
    status: HitStatus
    created_at: datetime
    read_id: int
    read_captured_at: datetime
    plate_read: str
    state_read: str | None
    plate_listed: str
    state_listed: str | None
    state_match: str
    match_kind: str
    distance: int
    camera_name: str
    camera_location: str
    source_name: str
    list_age_s: int | None
    record_type: str | None
    entry_id: int | None
    workstation: str = ""
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    claimed_at: datetime | None = None
    disposition: str | None = None
    retroactive: bool = False
    #: Grouped sightings (app.domain.hit_grouping): how often the vehicle was seen for this hit, when last
    #: (``camera_name``/``camera_location`` are where it was seen last), and whether this value was
    #: produced by a new sighting of an already open hit (ingest) rather than a new hit.
    sightings: int = 1
    last_seen_at: datetime | None = None
    resighted: bool = False

    @property
    def covert(self) -> bool:
        return self.category in COVERT_CATEGORIES

    @property
    def state_agreement(self) -> Agreement:
        return Agreement(self.state_match) if self.state_match in Agreement.__members__.values() else Agreement.UNKNOWN


def queue_key(hit: HitSummary) -> tuple[int, datetime, int]:
    """Queue order: most urgent priority first, then oldest first (then id for stability)."""
    return (hit.priority, hit.created_at, hit.id)


def list_age_warning(list_age_s: int | None, max_age_hours: float = 26.0) -> str | None:
    """A warning when the list a hit came from is stale (downloaded once a day: DOMAIN.md)."""
    if list_age_s is None:
        return "The age of this hot list is unknown: confirm with NCIC before acting."
    if list_age_s > max_age_hours * 3600:
        return f"This hot list is {list_age_s / 3600:.0f} hours old: confirm with NCIC before acting."
    return None


def format_age(seconds: int | None) -> str:
    """``3 h 05 min``, ``2 d 4 h`` or ``unknown``."""
    if seconds is None:
        return "unknown"
    minutes = max(0, seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"

"""Hot-list sources, entries and local (BOLO) entry rules as the console sees them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.errors import ValidationFailed
from app.domain.hotlists.records import RecordCategory, normalise_pattern

STALE_AFTER = timedelta(hours=24)


class SourceKind(StrEnum):
    NCIC = "ncic"
    STATE = "state"
    LOCAL = "local"


class EntryStatus(StrEnum):
    ACTIVE = "active"      # imported, or local and approved
    PENDING = "pending"    # local, waiting for a supervisor
    DENIED = "denied"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class HotListSource:
    id: int
    name: str
    kind: SourceKind
    preset: str | None
    location: str | None
    daily_at: str | None
    entry_count: int
    last_import_at: datetime | None
    last_success_at: datetime | None
    last_rejected: int = 0
    enabled: bool = True

    def age(self, now: datetime) -> timedelta | None:
        return None if self.last_success_at is None else now - self.last_success_at

    def is_stale(self, now: datetime) -> bool:
        """Policy 002 IV.I.4: lists refresh at least daily; an older list is flagged on every hit."""
        if self.kind is SourceKind.LOCAL:
            return False
        age = self.age(now)
        return age is None or age > STALE_AFTER


@dataclass(frozen=True, slots=True)
class HotListEntry:
    id: int
    source_id: int
    source_name: str
    plate: str
    state: str | None
    record_type: str | None
    category: str
    priority: int
    status: EntryStatus
    nic: str | None = None
    ori: str | None = None
    vehicle_year: str | None = None
    vehicle_make: str | None = None
    vehicle_model: str | None = None
    vehicle_style: str | None = None
    vehicle_colour: str | None = None
    expires_at: datetime | None = None
    entered_by: int | None = None
    entered_by_name: str | None = None
    requesting_officer: str | None = None
    case_number: str | None = None
    synopsis: str | None = None
    instructions: str | None = None
    reference_photo_sha256: str | None = None
    decided_by: int | None = None
    decision_reason: str | None = None
    created_at: datetime | None = None
    revision: int = 1


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import did (kept as a hotlist_imports row and shown in the UI)."""

    id: int
    source_id: int
    source_name: str
    accepted: bool
    refusal: str | None
    rows_read: int
    imported: int
    skipped: int
    rejected: int
    duplicates_merged: int
    duration_s: float
    report_lines: tuple[str, ...]
    started_at: datetime
    retroactive_hits: int = 0


#: Categories for which a partial (wildcard) plate may be entered (000/001/004 433.4(c), 002 IV.G).
MAJOR_CRIME_CATEGORIES = frozenset({
    RecordCategory.AMBER_ALERT, RecordCategory.MISSING_PERSON, RecordCategory.WANTED_PERSON,
    RecordCategory.VIOLENT_PERSON, RecordCategory.FELONY_VEHICLE, RecordCategory.LOCAL_BOLO,
})


@dataclass(frozen=True, slots=True)
class LocalEntryDraft:
    """The BOLO form (policy 002 IV.I.5-6: entering member, requesting officer, case, synopsis)."""

    requesting_officer: str
    case_number: str
    synopsis: str
    category: RecordCategory
    priority: int
    plate: str
    state: str | None = None
    major_crime: bool = False
    vehicle_year: str | None = None
    vehicle_make: str | None = None
    vehicle_model: str | None = None
    vehicle_colour: str | None = None
    instructions: str | None = None
    expires_on: date | None = None
    reference_photo: bytes | None = None

    def validated(self, today: date, default_days: int, max_days: int) -> LocalEntryDraft:
        problems = []
        for label, value in (("Requesting officer", self.requesting_officer), ("Case number", self.case_number),
                             ("Synopsis of the originating call", self.synopsis)):
            if not value or not value.strip():
                problems.append(f"{label} is required (policy: every entry documents it).")
        plate = normalise_pattern(self.plate)
        wild = "*" in plate or "?" in plate
        literals = sum(c.isalnum() for c in plate)
        if literals < 2 or (not wild and len(plate) < 2):
            problems.append("Enter the plate (at least 2 characters; * and ? for unknown characters).")
        if wild and not self.major_crime:
            problems.append("Partial plates with * or ? may be entered only for major crimes (tick 'major crime').")
        if wild and literals < 3:
            problems.append("A partial plate needs at least 3 known characters.")
        if not 1 <= self.priority <= 9:
            problems.append("Priority is 1 (most urgent) to 9.")
        state = (self.state or "").strip().upper() or None
        if state and (len(state) != 2 or not state.isalpha()):
            problems.append("State is a 2-letter code.")
        expires = self.expires_on or today + timedelta(days=default_days)
        if expires <= today:
            problems.append("The expiry date must be in the future.")
        if expires > today + timedelta(days=max_days):
            problems.append(f"Local entries expire within {max_days} days at most; re-enter to extend.")
        if problems:
            raise ValidationFailed(problems)
        return replace(self, plate=plate, state=state, expires_on=expires,
                       requesting_officer=self.requesting_officer.strip(), case_number=self.case_number.strip(),
                       synopsis=self.synopsis.strip())

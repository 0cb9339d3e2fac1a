"""Hot-list sources, entries and local (BOLO) entry rules as the console sees them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.errors import ValidationFailed
from app.domain.hotlists.records import RecordCategory, normalise_pattern
from app.domain.records.search import DEFAULT_CASE_EXAMPLE, DEFAULT_CASE_PATTERN, case_number_problem
from app.domain.substance import reason_problem

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
    WITHDRAWN = "withdrawn"  # local, taken off the air for good (vehicle found, case closed, entered in error)


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
    requesting_user_id: int | None = None
    requesting_agency: str | None = None
    last_edited_by: int | None = None


@dataclass(frozen=True, slots=True)
class EntryRevision:
    """One version of a local entry: who changed what, when (``changes``: field -> (before, after))."""

    entry_id: int
    revision: int
    action: str
    changed_by: int | None
    changed_by_name: str | None
    changed_at: datetime
    changes: tuple[tuple[str, str, str], ...] = ()
    reason: str | None = None


def approval_refusal(entry: HotListEntry, approver_id: int | None, approver_names: tuple[str, ...] = (),
                     round_editors: frozenset[int] = frozenset()) -> str | None:
    """The two-person rule (002 IV.I.5): nobody approves an entry they entered, requested or edited.

    ``round_editors``: who changed the entry since its last decision (an edit followed by someone
    else's small edit is still the approver's own content).
    """
    if approver_id is not None and approver_id == entry.entered_by:
        return "You entered this entry: another supervisor must decide it."
    if approver_id is not None and approver_id == entry.requesting_user_id:
        return "You requested this entry: another supervisor must decide it."
    if approver_id is not None and approver_id == entry.last_edited_by:
        return "You made the last change to this entry: another supervisor must decide it."
    if approver_id is not None and approver_id in round_editors:
        return "You changed this entry since it was last decided: another supervisor must decide it."
    if entry.requesting_user_id is None and entry.requesting_officer:
        written = _name_tokens(entry.requesting_officer)
        for name in approver_names:  # an outside person typed with the approver's own name
            mine = _name_tokens(name)
            if mine and mine <= written:
                return "The requesting officer is recorded with your name: another supervisor must decide it."
    return None


_RANKS = frozenset({"sgt", "sergeant", "lt", "lieutenant", "cpt", "capt", "captain", "cmdr", "officer", "ofc",
                    "det", "detective", "cpl", "corporal", "dep", "deputy", "chief", "sheriff", "mr", "mrs", "ms",
                    "dr", "insp", "inspector", "maj", "major", "tpr", "trooper"})


def _name_tokens(name: str) -> frozenset[str]:
    words = "".join(c.lower() if c.isalnum() else " " for c in name).split()
    return frozenset(w for w in words if w not in _RANKS)


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
    """The BOLO form (policy 002 IV.I.5-6: entering member, requesting officer, case, synopsis).

    The requesting officer is one of the agency's users (``requesting_user_id``), or an outside
    person named in ``requesting_officer`` with their ``requesting_agency``; never a free-text
    name matched against users.
    """

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
    requesting_user_id: int | None = None
    requesting_agency: str = ""

    def validated(self, today: date, default_days: int, max_days: int, case_pattern: str = DEFAULT_CASE_PATTERN,
                  case_example: str = DEFAULT_CASE_EXAMPLE) -> LocalEntryDraft:
        problems = []
        if self.requesting_user_id is None:
            officer, agency = " ".join(self.requesting_officer.split()), " ".join(self.requesting_agency.split())
            if len(_name_tokens(officer)) < 2 or not any(c.isalpha() for c in officer):
                problems.append("Pick the requesting officer from the agency's users, or name the outside person "
                                "(first and last name) with their agency.")
            elif len(agency) < 3 or not any(c.isalpha() for c in agency):
                problems.append("Give the outside requesting officer's agency.")
        if not self.case_number or not self.case_number.strip():
            problems.append("Case number is required (policy: every entry documents it).")
        else:
            problem = case_number_problem(self.case_number, case_pattern, case_example)
            if problem:
                problems.append(problem)
        problem = reason_problem(self.synopsis, "Synopsis of the originating call", 3)
        if problem:
            problems.append(problem + (" (policy: every entry documents it)." if "required" in problem else ""))
        plate = normalise_pattern(self.plate)
        wild = "*" in plate or "?" in plate
        literals = sum(c.isalnum() for c in plate)
        if literals < 2 or (not wild and len(plate) < 2):
            problems.append("Enter the plate (at least 2 characters; * and ? for unknown characters).")
        if wild and not self.major_crime:
            problems.append("Partial plates with * or ? may be entered only for major crimes (tick 'major crime').")
        elif wild and RecordCategory(self.category) not in MAJOR_CRIME_CATEGORIES:
            problems.append("Partial plates with * or ? may be entered only in a major-crime category (Amber alert, "
                            "missing, wanted or violent person, felony vehicle, local BOLO).")
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
                       requesting_officer=" ".join(self.requesting_officer.split()),
                       requesting_agency=" ".join(self.requesting_agency.split()),
                       case_number=self.case_number.strip(), synopsis=self.synopsis.strip())

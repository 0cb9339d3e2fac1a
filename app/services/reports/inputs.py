"""Plain, frozen inputs for every printed document.

The report renderers know nothing about the database or the domain model: the services
assemble these values (labels already translated to what a clerk should read) and hand
them over. Times should be timezone-aware so the printed time carries its zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AgencyProfile:
    """The agency printed in every header, letter and memorandum."""

    name: str
    ori: str
    address_lines: tuple[str, ...]
    chief_of_police: str
    alpr_administrator: str
    policy_number: str
    phone: str = ""
    chief_title: str = "Chief of Police"
    administrator_title: str = "ALPR Administrator"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("agency name must not be empty")


@dataclass(frozen=True, slots=True)
class GeneratedBy:
    """Who produced a document and when (printed in every footer and in the PDF metadata)."""

    user: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LabeledCount:
    """One labelled number (a table row or a chart bar)."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class FileHash:
    """One file of an export with its SHA-256 (hex) and size in bytes."""

    filename: str
    sha256: str
    size_bytes: int


# --- 1. hit report -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HitReadDetails:
    """The read that raised the hit."""

    read_id: str
    plate: str
    state: str
    confidence: float
    read_at: datetime
    camera_name: str
    camera_location: str = ""
    direction: str = ""
    vehicle_colour: str = ""
    vehicle_type: str = ""
    vehicle_make: str = ""


@dataclass(frozen=True, slots=True)
class HotListEntrySnapshot:
    """The hot-list entry as it was when the hit was raised (never the current entry)."""

    plate: str
    state: str
    hit_type: str
    priority: int
    source: str
    list_date: datetime | None = None
    nic: str = ""
    ori: str = ""
    oca: str = ""
    plate_type: str = ""
    plate_year: str = ""
    vehicle_year: str = ""
    vehicle_make: str = ""
    vehicle_model: str = ""
    vehicle_colour: str = ""
    instructions: str = ""


@dataclass(frozen=True, slots=True)
class VisualVerification:
    """The dispatcher's picture-to-picture decision."""

    accepted: bool
    user: str
    at: datetime
    reason: str = ""
    note: str = ""
    override_reason: str = ""  # accepted although the panel showed the mismatches below
    mismatches: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfirmationStep:
    """One timestamped, attributed step of the NCIC confirmation log (never edited)."""

    at: datetime
    user: str
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Disposition:
    """The outcome of the hit and the notice to the entering agency."""

    outcome: str
    user: str
    at: datetime
    notes: str = ""
    agency_notified_at: datetime | None = None
    notification_method: str = ""


@dataclass(frozen=True, slots=True)
class HitSighting:
    """One pass of the vehicle for a grouped hit (the first read included)."""

    seen_at: datetime
    camera: str
    location: str
    plate: str
    confidence: float
    crop: bytes | None = None  # None: no crop stored, purged, or beyond the printed crops
    read_id: str = ""


@dataclass(frozen=True, slots=True)
class HitReportInput:
    """Everything printed on a hit report."""

    hit_id: str
    status: str
    match_kind: str
    read: HitReadDetails
    entry: HotListEntrySnapshot
    plate_crop: bytes | None = None
    overview_image: bytes | None = None
    verification: VisualVerification | None = None
    steps: tuple[ConfirmationStep, ...] = ()
    disposition: Disposition | None = None
    claimed_by: str = ""
    exceptions: tuple[str, ...] = ()  # overrides of a safeguard and steps still owed, one line each
    sightings: tuple[HitSighting, ...] = ()  # every pass of the vehicle for this hit, oldest first


# --- 2. destruction (purge) report -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PurgeCutoff:
    """The retention period applied to one data type and the resulting cutoff."""

    data_type: str
    retention_days: int
    cutoff: datetime


@dataclass(frozen=True, slots=True)
class PurgeCount:
    """What was deleted for one capture day and camera."""

    day: date
    camera: str
    reads: int
    hits: int
    images: int


@dataclass(frozen=True, slots=True)
class KeptItem:
    """An expired item the purge kept, and why (e.g. evidence hold, open hit)."""

    item_ref: str
    kind: str
    camera: str
    captured_at: datetime
    reason: str
    reference: str = ""


@dataclass(frozen=True, slots=True)
class PurgeReportInput:
    """A destruction report for one purge run."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    run_by: str
    trigger: str
    host: str
    outcome: str
    cutoffs: tuple[PurgeCutoff, ...]
    counts: tuple[PurgeCount, ...]
    kept: tuple[KeptItem, ...] = ()
    notes: str = ""


# --- 3. monthly audit memorandum ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SampledInquiry:
    """One sampled detection-browsing inquiry and the auditor's finding (None = not reviewed)."""

    inquiry_id: str
    user: str
    at: datetime
    terms: str
    reason: str
    case_number: str = ""
    on_behalf_of: str = ""
    result_count: int = 0
    compliant: bool | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class DataError:
    """A data error found during the audit and what was done about it."""

    description: str
    reference: str
    corrective_action: str
    status: str = "Open"


@dataclass(frozen=True, slots=True)
class SampleRedraw:
    """An abandoned sample draw (listed on the memo: a redraw is never silent)."""

    at: datetime
    by: str
    reason: str
    seed: int
    sample_size: int


@dataclass(frozen=True, slots=True)
class ChiefReview:
    """The chief of police's (or designee's) review of the memorandum."""

    by: str
    at: datetime | None
    remarks: str


@dataclass(frozen=True, slots=True)
class AuditMemoInput:
    """A monthly detection-browsing audit memorandum to the chief of police."""

    audit_id: str
    memo_date: date
    auditor: str
    auditor_title: str
    period_start: date
    period_end: date
    population_size: int
    seed: int
    inquiries: tuple[SampledInquiry, ...]
    data_errors: tuple[DataError, ...] = ()
    summary: str = ""
    method: str = ""
    subject: str = ""
    minimum_sample: int = 10
    chain_head: str = ""  # access record head hash when printed: a paper anchor outside the machine
    chain_rows: int = 0
    overrides: tuple[OverrideLine, ...] = ()  # hit safeguards overridden in the period (exigent dispatch ...)
    excluded_own: int = 0  # the auditor's own inquiries, left out of the population
    redraws: tuple[SampleRedraw, ...] = ()  # samples drawn and replaced, with the reason
    chief_review: ChiefReview | None = None


# --- 4. release packet -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requester:
    """The outside agency and person asking for ALPR data."""

    agency: str
    ori: str
    name: str
    title: str
    contact: str
    address_lines: tuple[str, ...] = ()
    law_enforcement: bool = True


@dataclass(frozen=True, slots=True)
class ReleaseRequest:
    """A written request for ALPR data as taken in by the records clerk."""

    request_id: str
    received_at: datetime
    entered_by: str
    requester: Requester
    case_number: str
    purpose: str
    legal_basis: str
    request_reference: str = ""
    scope_plates: tuple[str, ...] = ()
    scope_start: datetime | None = None
    scope_end: datetime | None = None
    scope_cameras: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReleaseApproval:
    """The ALPR administrator's decision on a release request."""

    approved: bool
    decided_by: str
    decided_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class ReleasedRecord:
    """One released read or hit, with an optional thumbnail (JPEG/PNG bytes)."""

    item_ref: str
    kind: str
    plate: str
    state: str
    camera: str
    at: datetime
    thumbnail: bytes | None = None


@dataclass(frozen=True, slots=True)
class ReleasePacketInput:
    """A release packet: cover letter, request, approval, data listing and manifest."""

    release_id: str
    letter_date: date
    request: ReleaseRequest
    approval: ReleaseApproval
    records: tuple[ReleasedRecord, ...]
    manifest: tuple[FileHash, ...]
    delivery_method: str = "secure electronic transfer"


# --- 5. evidence package summary ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceHold:
    """The hold that keeps the data out of the purge."""

    case_number: str
    reason: str
    placed_by: str
    placed_at: datetime
    review_date: date | None = None
    status: str = "Active"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One read or hit in an evidence package."""

    item_ref: str
    kind: str
    description: str
    captured_at: datetime
    camera: str = ""


@dataclass(frozen=True, slots=True)
class EvidencePackageInput:
    """The PDF summary placed inside an evidence package export."""

    package_id: str
    case_number: str
    exported_by: str
    exported_at: datetime
    hold: EvidenceHold
    items: tuple[EvidenceItem, ...]
    files: tuple[FileHash, ...]


# --- 6. quarterly usage report -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserSearchCount:
    """Detection-browsing inquiries of one user in the period."""

    user: str
    searches: int
    with_case_number: int
    reason_only: int
    for_other_agency: int = 0


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    """One release request handled in the period."""

    request_id: str
    agency: str
    received_at: datetime
    decision: str
    records_released: int = 0


@dataclass(frozen=True, slots=True)
class PurgeSummary:
    """One purge run in the period."""

    run_id: str
    at: datetime
    reads: int
    hits: int
    images: int
    kept: int = 0


@dataclass(frozen=True, slots=True)
class OverrideLine:
    """A hit step taken under an override of a safeguard (002 IV.I.1-2)."""

    hit_id: str
    kind: str  # "Visual mismatch accepted" / "Exigent dispatch without NCIC confirmation"
    user: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class UsageReportInput:
    """A quarterly (or any period's) usage report."""

    period_label: str
    period_start: date
    period_end: date
    reads_total: int
    reads_by_camera: tuple[LabeledCount, ...] = ()
    reads_by_month: tuple[LabeledCount, ...] = ()
    hits_by_type: tuple[LabeledCount, ...] = ()
    dispositions: tuple[LabeledCount, ...] = ()
    searches_by_user: tuple[UserSearchCount, ...] = ()
    releases: tuple[ReleaseSummary, ...] = ()
    purges: tuple[PurgeSummary, ...] = ()
    overrides: tuple[OverrideLine, ...] = ()


# --- 7. public transparency summary ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """A retention period in force for one data type."""

    data_type: str
    days: int


@dataclass(frozen=True, slots=True)
class AuditDone:
    """A completed audit as published (counts only)."""

    period: str
    completed_on: date
    inquiries_reviewed: int
    non_compliant: int


@dataclass(frozen=True, slots=True)
class TransparencyInput:
    """Public statistics: counts only, never a plate, a name of a person searched or a case."""

    period_label: str
    period_start: date
    period_end: date
    cameras: int
    reads: int
    hits: int
    hits_confirmed: int
    searches: int
    releases_approved: int
    releases_denied: int
    purge_runs: int
    retention: tuple[RetentionRule, ...]
    audits: tuple[AuditDone, ...] = ()
    hits_by_type: tuple[LabeledCount, ...] = ()
    shares_only_with_public_agencies: bool = True
    contact: str = ""
    policy_title: str = field(default="Automated License Plate Readers (ALPRs)")

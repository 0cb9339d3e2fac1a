"""Assembling what the verification panel and the hit report show about one hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.agency import AgencyProfile as AgencyRecord
from app.domain.comparison import Agreement, PlateComparison, compare_colour, compare_plates, compare_state
from app.domain.display_dates import datetime_text
from app.domain.hit_actions import HitSituation, verification_mismatches
from app.domain.hit_grouping import Sighting
from app.domain.hit_steps import LABELS, HitStep, StepKind
from app.domain.hits import EntrySnapshot, HitSummary, StoredRead, format_age, list_age_warning
from app.domain.ncic import (
    ChecklistItem,
    YqDue,
    YqRequest,
    checklist,
    effective,
    needs_yq,
    prefill_yq,
    yq_due,
)
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.reads import ReadRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.reports import inputs as ri

CATEGORY_LABELS = {
    "amber_alert": "Amber alert", "missing_person": "Missing person", "wanted_person": "Wanted person",
    "violent_person": "Violent person", "gang_terrorist": "Gang / terrorist", "stolen_vehicle": "Stolen vehicle",
    "stolen_canadian_vehicle": "Stolen vehicle (Canada)", "stolen_boat": "Stolen boat",
    "protection_order": "Protection order", "stolen_plate": "Stolen plate", "felony_vehicle": "Felony vehicle",
    "supervised_release": "Supervised release", "sex_offender": "Sex offender",
    "protective_interest": "Protective interest", "immigration_violator": "Immigration violator",
    "local_bolo": "Local BOLO", "administrative": "Administrative", "unknown": "Unknown type",
}


def category_label(category: str) -> str:
    """What a dispatcher reads for a hit category."""
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class HitDetail:
    """Everything the verification panel shows about one hit (entry as it was when raised)."""

    summary: HitSummary
    read: StoredRead
    entry: EntrySnapshot
    steps: tuple[HitStep, ...]
    plate_comparison: PlateComparison
    state_agreement: Agreement
    colour_agreement: Agreement
    checklist: tuple[ChecklistItem, ...]
    yq: YqDue
    yq_applies: bool
    yq_prefill: YqRequest | None
    list_age: str
    list_warning: str | None
    agency_ori: str
    mismatches: tuple[str, ...] = ()
    sightings: tuple[Sighting, ...] = ()  # every pass of the vehicle for this hit, oldest first
    entry_in_force: bool = True  # the matched entry still alerts now, unchanged (app.domain.hit_actions)

    @property
    def situation(self) -> HitSituation:
        """What the action rules (app.domain.hit_actions) look at."""
        s = self.summary
        return HitSituation(s.id, s.status, s.claimed_by, s.claimed_by_name, self.steps, self.entry, self.yq_applies,
                            self.mismatches, self.entry_in_force)

    @property
    def effective_steps(self) -> list[HitStep]:
        """Steps still in force (corrected ones left out; they stay in :attr:`steps`)."""
        return effective(self.steps)


def load_detail(uow: UnitOfWork, hit_id: int, now: datetime) -> HitDetail:
    """Read one hit with its read, snapshot, steps and the derived checks (no access record here)."""
    hits = HitRepository(uow.s)
    summary = hits.summary(hit_id)
    entry = hits.entry_snapshot(hit_id)
    steps = tuple(hits.steps(hit_id))
    read = ReadRepository(uow.s).get(summary.read_id, summary.read_captured_at)
    agency_ori = AgencyRepository(uow.s).get().ori or ""
    next_rno = min(3, 1 + sum(1 for s in effective(steps) if s.kind is StepKind.YQ_SENT))
    plate = compare_plates(read.plate, entry.plate)
    state = compare_state(read.state, entry.state)
    colour = compare_colour(read.colour, entry.vehicle_colour)
    mismatches = verification_mismatches(plate, state, colour, read.confidence, read.state, entry.state,
                                         read.colour, entry.vehicle_colour)
    return HitDetail(
        summary=summary, read=read, entry=entry, steps=steps, plate_comparison=plate,
        state_agreement=state, colour_agreement=colour, mismatches=mismatches,
        checklist=checklist(entry, steps, agency_ori), yq=yq_due(steps, now), yq_applies=needs_yq(entry, agency_ori),
        yq_prefill=prefill_yq(entry, next_rno), list_age=format_age(summary.list_age_s),
        list_warning=list_age_warning(summary.list_age_s), agency_ori=agency_ori,
        sightings=tuple(hits.sightings(hit_id)), entry_in_force=hits.entry_in_force(entry, now),
    )


def report_profile(agency: AgencyRecord) -> ri.AgencyProfile:
    """The printed agency header from the stored agency profile."""
    return ri.AgencyProfile(
        name=agency.display_name, ori=agency.ori, address_lines=tuple(x for x in agency.address.splitlines() if x),
        chief_of_police=agency.chief_of_police, alpr_administrator=agency.alpr_administrator,
        policy_number=agency.policy_number,
    )


def report_input(d: HitDetail, plate_crop: bytes | None, overview: bytes | None,
                 name: Callable[[str], str] = str,
                 sighting_crops: dict[int, bytes | None] | None = None) -> ri.HitReportInput:
    """The hit report's input from a hit detail (every step, corrections included, in order).

    ``name`` turns a username into the printed name ("Sam Lee, Dispatcher").
    """
    e, r = d.entry, d.read
    live = effective(d.steps)
    visual = next((s for s in reversed(live) if s.kind in (StepKind.VISUAL_ACCEPTED, StepKind.VISUAL_REJECTED)), None)
    verification = None
    if visual is not None:
        accepted = visual.kind is StepKind.VISUAL_ACCEPTED
        reason = "" if accepted else LABELS.get(visual.payload.get("reason", ""), "")
        verification = ri.VisualVerification(accepted, name(visual.username), visual.at, reason,
                                             visual.payload.get("note") or visual.payload.get("text") or "",
                                             visual.payload.get("override_reason") or "",
                                             tuple(visual.payload.get("mismatches") or ()))
    dispo = next((s for s in reversed(live) if s.kind is StepKind.DISPOSITION), None)
    notified = next((s for s in reversed(live) if s.kind is StepKind.AGENCY_NOTIFIED), None)
    disposition = None
    if dispo is not None:
        disposition = ri.Disposition(
            LABELS.get(dispo.payload.get("outcome", ""), dispo.payload.get("outcome", "")), name(dispo.username), dispo.at,
            dispo.payload.get("text", ""),
            datetime.fromisoformat(notified.payload["at"]) if notified else None,
            notified.payload.get("method", "") if notified else "",
        )
    return ri.HitReportInput(
        hit_id=f"H-{d.summary.id}", status=d.summary.status.value, match_kind=d.summary.match_kind,
        read=ri.HitReadDetails(
            read_id=r.read_uuid, plate=r.plate, state=r.state or "", confidence=r.confidence, read_at=r.captured_at,
            camera_name=r.camera_name, camera_location=r.camera_location, direction=r.camera_direction,
            vehicle_colour=r.colour or "",
        ),
        entry=ri.HotListEntrySnapshot(
            plate=e.plate, state=e.state or "", hit_type=category_label(e.category), priority=e.priority,
            source=e.source_name, list_date=e.list_updated_at, nic=e.nic or "", ori=e.ori or "",
            oca=e.case_number or "", plate_type=e.lic_type or "", plate_year=e.lic_year or "",
            vehicle_year=e.vehicle_year or "", vehicle_make=e.vehicle_make or "", vehicle_model=e.vehicle_model or "",
            vehicle_colour=e.vehicle_colour or "", instructions=e.instructions or "",
        ),
        plate_crop=plate_crop, overview_image=overview, verification=verification,
        steps=tuple(ri.ConfirmationStep(s.at, name(s.username), s.kind.value.replace("_", " ").capitalize(), s.describe())
                    for s in d.steps),
        disposition=disposition, claimed_by=name(d.summary.claimed_by_name or ""), exceptions=report_exceptions(d, name),
        sightings=tuple(ri.HitSighting(s.seen_at, s.camera_name, s.camera_location, s.plate, s.confidence,
                                       (sighting_crops or {}).get(s.read_id), str(s.read_id))
                        for s in d.sightings),
    )


def _utc(at: datetime) -> str:
    return datetime_text(at.astimezone(UTC), local=False, zone=True)


def report_exceptions(d: HitDetail, name: Callable[[str], str] = str) -> tuple[str, ...]:
    """Overrides of a safeguard on this hit, and a notification still owed (printed at the top)."""
    out: list[str] = []
    # every override ever recorded, corrected ones too: a later correction does not undo what was done
    corrected = {s.corrects_step_id for s in d.steps if s.corrects_step_id}
    for s in d.steps:
        p = s.payload
        later = " (later corrected)" if s.id in corrected else ""
        if s.kind is StepKind.VISUAL_ACCEPTED and p.get("override_reason"):
            out.append(f"Visual verification OVERRIDE by {name(s.username)} at {_utc(s.at)}{later}: accepted despite "
                       f"{'; '.join(p.get('mismatches') or [])}. Reason: {p['override_reason']}")
        if s.kind is StepKind.UNITS_DISPATCHED and p.get("exigent_reason"):
            out.append(f"EXIGENT dispatch by {name(s.username)} at {_utc(s.at)}{later} without NCIC confirmation "
                       f"that the record is outstanding. Reason: {p['exigent_reason']}")
    if d.situation.notification_due:
        out.append("The entering agency has not been notified of the arrest/recovery (002 IV.J.5).")
    return tuple(out)

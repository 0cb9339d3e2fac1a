"""The hit workflow a dispatcher walks (policy 002 IV.H-J; DOMAIN.md "The hit workflow").

API for the console (every call is synchronous: run it through ``ui.call`` on the DB executor)::

    svc = HitService(ctx, images=ReadImages(ctx, store, paths.images), documents_dir=paths.documents)

    svc.queue(actor) -> list[HitSummary]          open hits, priority then age; covert hidden unless permitted
    svc.queue_counts(actor, stale_after) -> QueueCounts   open / unacknowledged / urgent waiting / stale
    svc.summary(actor, hit_id) -> HitSummary      one queue row (e.g. after a NOTIFY from another console)
    svc.view(actor, hit_id) -> HitDetail          verification panel data; recorded as "hit.view"
    svc.image(actor, hit_id, "plate"|"overview") -> bytes   recorded as "hit.image"
    svc.sighting_image(actor, hit_id, read_id, "plate"|"overview") -> bytes   one sighting's crop; "hit.image"
    svc.claim(actor, hit_id, take_over=False, reason=None) -> HitSummary   Conflict names the claimant
    svc.claim_next(actor) -> HitSummary | None    most urgent unclaimed open hit
    svc.release(actor, hit_id)
    svc.accept(actor, hit_id, note="", override_reason="")   visual verification; a mismatch needs the override
    svc.notifications_due(actor) -> list[NotificationDue]   recoveries/arrests not yet notified, with age
    svc.reject(actor, hit_id, RejectReason.X, text="")
    svc.record(actor, hit_id, step, corrects_step_id=None) -> HitStep     any app.domain.hit_steps input:
        NcicQuery(NcicResult.OUTSTANDING), YqSent(YqPriority.URGENT, rno), YrReceived(YrAnswer.X, confirm_by),
        InstructionsRelayed(), UnitsDispatched(("2A12",)), StolenPlateCheck(SamePlateVehicle.X, "..", True),
        DispositionStep(Outcome.X, text), AgencyNotified(at, "Nlets"), Note("..")
    svc.send_yq(actor, hit_id, priority, fields=None) -> HitStep   RNO is the next one; deadline computed
    svc.yq_prefill(actor, hit_id, priority) -> YqRequest | None    fields that fit the request type
    svc.print_report(actor, hit_id) -> PrintedReport  PDF in documents/, a documents row, "hit.print" recorded

``HitDetail.yq`` (app.domain.ncic.yq_due) says what is due at the time it was loaded; call
``yq_due(detail.steps, now)`` again on a timer for the countdown. Every change notifies other
consoles (PostgreSQL NOTIFY ``alpr_hits``: kinds hit/claim/release/step) in its transaction.
Errors: PermissionDenied, Conflict (claimed by someone else, wrong order), ValidationFailed, NotFound.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.display_dates import time_text
from app.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.domain.hit_actions import NOTIFY_OUTCOMES, notification_age_s
from app.domain.hit_grouping import DEFAULT_STALE_AFTER, QueueCounts, queue_counts
from app.domain.hit_steps import (
    HitStep,
    RejectReason,
    StepInput,
    StepKind,
    VisualAccepted,
    VisualRejected,
    YqSent,
)
from app.domain.hits import COVERT_CATEGORIES, HitStatus, HitSummary
from app.domain.images import ImageKind
from app.domain.ncic import YqRequest, effective, prefill_yq
from app.domain.notifications import HitNotification
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.notifications import notify
from app.persistence.orm.records import DocumentRow
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.reads import ReadRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.hit_queries import HitDetail, load_detail, report_input, report_profile
from app.services.hit_steps import next_rno, record_step
from app.services.image_store import ReadImages
from app.services.people import Signatures
from app.services.reports import render_hit_report
from app.services.reports.inputs import GeneratedBy

logger = logging.getLogger(__name__)
P = Permission
MAX_PRINTED_CROPS = 24


def _override_of(step: HitStep) -> tuple[str, str] | None:
    """("visual"|"exigent", reason) when the step was recorded under an override."""
    if step.kind is StepKind.VISUAL_ACCEPTED and step.payload.get("override_reason"):
        return "visual", str(step.payload["override_reason"])
    if step.kind is StepKind.UNITS_DISPATCHED and step.payload.get("exigent_reason"):
        return "exigent", str(step.payload["exigent_reason"])
    return None


@dataclass(frozen=True, slots=True)
class NotificationDue:
    """A closed arrest/recovery whose entering agency has not been notified yet, and for how long."""

    hit: HitSummary
    ori: str
    outcome: str
    closed_at: datetime | None
    age_s: int


@dataclass(frozen=True, slots=True)
class PrintedReport:
    """A printed hit report registered in the documents table."""

    document_id: int
    path: Path
    sha256: str
    size_bytes: int


class HitService:
    """Queue, claim, verification and the NCIC confirmation log of hits.

    Args:
        ctx: service context.
        images: the image store holding read crops and overviews.
        documents_dir: where printed reports go (``AppPaths.documents``).

    """

    def __init__(self, ctx: ServiceContext, images: ReadImages, documents_dir: Path) -> None:
        self.ctx = ctx
        self.images = images
        self.documents_dir = documents_dir

    # ---- reading -------------------------------------------------------------------------------
    def queue(self, actor: Actor, include_closed: bool = False, limit: int = 500) -> list[HitSummary]:
        """Open hits (or recent ones of every status) most urgent first, then oldest first.

        The live queue is an alert display pushed to the communications centre; its refreshes are
        not written to the access record (opening a hit, its images, every step and print are).
        """
        audit_trail.require(self.ctx, actor, P.VIEW_CONSOLE, "hits.queue")
        hidden = frozenset() if audit_trail.granted(self.ctx, actor, P.VIEW_COVERT) else COVERT_CATEGORIES
        with self.ctx.uow() as uow:
            return HitRepository(uow.s).summaries(not include_closed, hidden, limit)

    def queue_counts(self, actor: Actor, stale_after: timedelta = DEFAULT_STALE_AFTER) -> QueueCounts:
        """Open / unacknowledged / urgent waiting / stale counts of the grouped queue (the lock screen shows them)."""
        return queue_counts(self.queue(actor, limit=100_000), self.ctx.clock.now(), stale_after)

    def summary(self, actor: Actor, hit_id: int) -> HitSummary | None:
        """One queue row; None when the actor may not see it (covert)."""
        audit_trail.require(self.ctx, actor, P.VIEW_CONSOLE, "hits.queue", object_type="hit", object_id=hit_id)
        with self.ctx.uow() as uow:
            hit = HitRepository(uow.s).summary(hit_id)
        return None if hit.covert and not audit_trail.granted(self.ctx, actor, P.VIEW_COVERT) else hit

    def view(self, actor: Actor, hit_id: int) -> HitDetail:
        """Everything the verification panel shows; the view is recorded."""
        self._require_visible(actor, hit_id, "hit.view")
        with self.ctx.uow() as uow:
            detail = load_detail(uow, hit_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "hit.view", object_type="hit", object_id=hit_id,
                               terms=detail.read.plate, detail={"read_id": detail.read.id})
        return detail

    def image(self, actor: Actor, hit_id: int, which: str = "plate") -> bytes | None:
        """The read's plate crop or overview JPEG (None when the file is missing); recorded."""
        if which not in ("plate", "overview"):
            raise ValidationFailed("Ask for the 'plate' or the 'overview' image.")
        self._require_visible(actor, hit_id, "hit.image")
        with self.ctx.uow() as uow:
            # only the read is needed, not the whole verification panel (load_detail)
            summary = HitRepository(uow.s).summary(hit_id)
            read = ReadRepository(uow.s).get(summary.read_id, summary.read_captured_at)
            audit_trail.record(uow, self.ctx, actor, "hit.image", object_type="hit", object_id=hit_id,
                               terms=read.plate, detail={"image": which, "read_id": read.id})
        sha = read.plate_sha256 if which == "plate" else read.overview_sha256
        image = self._image_or_none(read.id, which)
        if sha and image is None:
            logger.warning("image %s of hit %s is missing", sha, hit_id)
        return image

    def sighting_image(self, actor: Actor, hit_id: int, read_id: int, which: str = "plate") -> bytes | None:
        """The crop (or overview) of one sighting of a hit; recorded like every other hit image."""
        if which not in ("plate", "overview"):
            raise ValidationFailed("Ask for the 'plate' or the 'overview' image.")
        self._require_visible(actor, hit_id, "hit.image")
        with self.ctx.uow() as uow:
            sighting = next((s for s in HitRepository(uow.s).sightings(hit_id) if s.read_id == read_id), None)
            if sighting is None:
                raise NotFound(f"Read {read_id} is not a sighting of hit {hit_id}.")
            audit_trail.record(uow, self.ctx, actor, "hit.image", object_type="hit", object_id=hit_id,
                               terms=sighting.plate, detail={"image": which, "read_id": read_id, "sighting": True})
        return self._image_or_none(read_id, which) if sighting.read_available else None

    # ---- claiming ------------------------------------------------------------------------------
    def claim(self, actor: Actor, hit_id: int, take_over: bool = False, reason: str | None = None) -> HitSummary:
        """Claim a hit; Conflict names whoever holds it. ``take_over`` needs a reason and is recorded."""
        self._require_visible(actor, hit_id, "hit.claim", handle=True)
        if take_over and not (reason or "").strip():
            raise ValidationFailed("Say why you take over a hit claimed by someone else.")
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            hits = HitRepository(uow.s)
            before = hits.summary(hit_id)
            if not before.status.open:
                conflict = f"Hit {hit_id} is {before.status.value}."
            elif hits.try_claim(hit_id, actor.user_id or 0, now, take_over):
                conflict = None
                taken_from = before.claimed_by_name if take_over and before.claimed_by else None
                if before.claimed_by != actor.user_id:
                    payload = {"take_over_from": taken_from} if taken_from else {}
                    hits.add_step(hit_id, StepKind.CLAIMED, payload, actor.user_id or 0, now, reason)
                audit_trail.record(uow, self.ctx, actor, "hit.claim", object_type="hit", object_id=hit_id,
                                   terms=before.plate_read, reason=reason,
                                   detail={"take_over_from": taken_from} if taken_from else None)
                notify(uow.s, HitNotification(hit_id, "claim", self.ctx.workstation, actor.username, before.priority))
            else:
                current = hits.summary(hit_id)
                conflict = (f"Hit {hit_id} is claimed by {current.claimed_by_name}"
                            f"{f' since {time_text(current.claimed_at, seconds=False)}' if current.claimed_at else ''}.")
        if conflict:
            raise Conflict(conflict)
        with self.ctx.uow() as uow:
            return HitRepository(uow.s).summary(hit_id)

    def claim_next(self, actor: Actor) -> HitSummary | None:
        """Claim the most urgent, oldest open hit nobody holds (None when there is none)."""
        for hit in self.queue(actor):
            if hit.claimed_by is None and hit.status is HitStatus.NEW:
                try:
                    return self.claim(actor, hit.id)
                except Conflict:  # another console was faster: try the next one
                    continue
        return None

    def release(self, actor: Actor, hit_id: int) -> None:
        """Give a claimed hit back to the queue."""
        self._require_visible(actor, hit_id, "hit.release", handle=True)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            hits = HitRepository(uow.s)
            row = hits.row(hit_id, lock=True)
            mine = row.claimed_by == actor.user_id
            closed = not HitStatus(row.status).open
            if mine and not closed:  # a closed hit stays with its holder: corrections and notes need one
                hits.release(hit_id)
                hits.add_step(hit_id, StepKind.RELEASED, {}, actor.user_id or 0, now)
                audit_trail.record(uow, self.ctx, actor, "hit.release", object_type="hit", object_id=hit_id)
                notify(uow.s, HitNotification(hit_id, "release", self.ctx.workstation, actor.username, row.priority))
        if not mine:
            raise Conflict(f"You do not hold hit {hit_id}.")
        if closed:
            raise Conflict(f"Hit {hit_id} is {row.status}: a closed hit is not returned to the queue.")

    def hand_back_at_sign_out(self, actor: Actor, reason: str) -> list[int]:
        """Release every open hit ``actor`` holds as their session ends without them (lock abandoned, rights ended).

        No console alerts anyone to a claimed hit, so a hit left held by someone signed out would
        wait unseen. Giving hits back is the safe direction: it needs no permission (a revoked
        session still hands back), each release is a step and an access-record row naming the
        reason. Returns the ids released.
        """
        if actor.user_id is None:
            return []
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            hits = HitRepository(uow.s)
            ids = hits.held_open(actor.user_id)
            for hit_id in ids:
                row = hits.row(hit_id)
                hits.release(hit_id)
                hits.add_step(hit_id, StepKind.RELEASED, {"at_sign_out": reason}, actor.user_id, now)
                audit_trail.record(uow, self.ctx, actor, "hit.release", object_type="hit", object_id=hit_id,
                                   reason=f"released at sign-out ({reason})", detail={"at_sign_out": reason})
                notify(uow.s, HitNotification(hit_id, "release", self.ctx.workstation, actor.username, row.priority))
        return ids

    # ---- steps ---------------------------------------------------------------------------------
    def record(self, actor: Actor, hit_id: int, step: StepInput, corrects_step_id: int | None = None,
               note: str | None = None) -> HitStep:
        """Append one step (timestamped, attributed, never edited) and record it in the access record."""
        self._require_visible(actor, hit_id, f"hit.step.{step.kind}", handle=True)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            stored, hit = record_step(uow, actor, hit_id, step, now, corrects_step_id, note)
            audit_trail.record(uow, self.ctx, actor, f"hit.step.{stored.kind.value}", object_type="hit",
                               object_id=hit_id, terms=hit.plate_read,
                               detail={"step_id": stored.id, "corrects": corrects_step_id, **stored.payload})
            override = _override_of(stored)
            if override is not None:  # an exception to a safeguard: its own row, found by audits and reports
                audit_trail.record(uow, self.ctx, actor, f"hit.override.{override[0]}", object_type="hit",
                                   object_id=hit_id, terms=hit.plate_read, reason=override[1],
                                   detail={"step_id": stored.id, **stored.payload})
            notify(uow.s, HitNotification(hit_id, "step", self.ctx.workstation, actor.username, hit.priority))
        return stored

    def accept(self, actor: Actor, hit_id: int, note: str = "", override_reason: str = "") -> HitStep:
        """Visual verification passed: plate characters, state and vehicle match.

        When the panel shows a mismatch the acceptance needs ``override_reason`` (recorded as an override).
        """
        return self.record(actor, hit_id, VisualAccepted(note, override_reason))

    def notifications_due(self, actor: Actor) -> list[NotificationDue]:
        """Arrests and recoveries whose entering agency is not yet notified (002 IV.J.5), oldest first."""
        audit_trail.require(self.ctx, actor, P.VIEW_CONSOLE, "hits.notifications_due")
        hidden = frozenset() if audit_trail.granted(self.ctx, actor, P.VIEW_COVERT) else COVERT_CATEGORIES
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            rows = HitRepository(uow.s).closed_with_outcomes(sorted(NOTIFY_OUTCOMES), hidden)
            out = []
            for summary, closed_at in rows:
                steps = HitRepository(uow.s).steps(summary.id)
                if any(s.kind is StepKind.AGENCY_NOTIFIED for s in effective(steps)):
                    continue
                entry = HitRepository(uow.s).entry_snapshot(summary.id)
                out.append(NotificationDue(summary, entry.ori or "", summary.disposition or "", closed_at,
                                           notification_age_s(closed_at, now) or 0))
        return sorted(out, key=lambda n: -n.age_s)

    def reject(self, actor: Actor, hit_id: int, reason: RejectReason, text: str = "") -> HitStep:
        """Visual verification failed for ``reason`` (closes the hit)."""
        return self.record(actor, hit_id, VisualRejected(RejectReason(reason), text))

    def yq_prefill(self, actor: Actor, hit_id: int, priority: str = "U") -> YqRequest | None:
        """The next YQ for this hit, prefilled (None when its record type takes no YQ)."""
        self._require_visible(actor, hit_id, "hit.yq_prefill")
        with self.ctx.uow() as uow:
            hits = HitRepository(uow.s)
            entry, steps = hits.entry_snapshot(hit_id), hits.steps(hit_id)
        return prefill_yq(entry, min(3, next_rno(steps)), priority)

    def send_yq(self, actor: Actor, hit_id: int, priority: str = "U",
                fields: tuple[tuple[str, str], ...] | None = None) -> HitStep:
        """Record a YQ sent with the next RNO; ``fields`` default to the prefill."""
        with self.ctx.uow() as uow:
            rno = next_rno(HitRepository(uow.s).steps(hit_id))
        return self.record(actor, hit_id, YqSent(priority, rno, tuple(fields or ())))  # type: ignore[arg-type]

    # ---- printing ------------------------------------------------------------------------------
    def print_report(self, actor: Actor, hit_id: int) -> PrintedReport:
        """Render the hit report PDF, register it in documents and record the print."""
        self._require_visible(actor, hit_id, "hit.print", handle=True)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            detail = load_detail(uow, hit_id, now)
            profile = report_profile(AgencyRepository(uow.s).get())
            names = Signatures.load(uow.s, {actor.user_id}, {s.username for s in detail.steps}
                                    | {detail.summary.claimed_by_name or ""})
        crop = self._image_or_none(detail.read.id, "plate")
        overview = self._image_or_none(detail.read.id, "overview")
        # the crops of the latest sightings go on the report (a long history lists the rest without crops)
        crops = {s.read_id: self._image_or_none(s.read_id, "plate")
                 for s in detail.sightings[-MAX_PRINTED_CROPS:] if s.read_available and s.plate_sha256}
        self.documents_dir.mkdir(parents=True, exist_ok=True)
        path = self.documents_dir / f"hit-report-H{hit_id}-{now:%Y%m%dT%H%M%S}.pdf"
        data = report_input(detail, crop, overview, names.of, crops)
        out = render_hit_report(profile, data, GeneratedBy(names.of_actor(actor), now), path)
        with self.ctx.uow() as uow:
            doc = DocumentRow(kind="hit_report", title=f"Hit report H-{hit_id}", path=str(out.path),
                              sha256=out.sha256, created_by=actor.user_id, created_at=now,
                              related={"hit_id": hit_id, "read_id": detail.read.id})
            uow.s.add(doc)
            uow.s.flush()
            audit_trail.record(uow, self.ctx, actor, "hit.print", object_type="hit", object_id=hit_id,
                               terms=detail.read.plate, detail={"document_id": doc.id, "sha256": out.sha256,
                                                                 "sightings": [s.read_id for s in detail.sightings]})
            doc_id = doc.id
        return PrintedReport(doc_id, out.path, out.sha256, out.size_bytes)

    # ---- helpers -------------------------------------------------------------------------------
    def _image_or_none(self, read_id: int, which: str) -> bytes | None:
        return self.images.of_read(read_id, ImageKind(which))

    def _require_visible(self, actor: Actor, hit_id: int, action: str, handle: bool = False) -> None:
        audit_trail.require(self.ctx, actor, P.HANDLE_HITS if handle else P.VIEW_CONSOLE, action,
                            object_type="hit", object_id=hit_id)
        if audit_trail.granted(self.ctx, actor, P.VIEW_COVERT):
            return
        with self.ctx.uow() as uow:
            covert = HitRepository(uow.s).row(hit_id).category in COVERT_CATEGORIES
        if covert:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="hit", object_id=hit_id,
                                     detail={"missing_permission": str(P.VIEW_COVERT)})
            raise PermissionDenied(action.replace(".", " "), str(P.VIEW_COVERT))

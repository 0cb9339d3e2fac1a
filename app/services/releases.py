"""Release requests (000 433.7, 002 IV.O, 003 462.14).

Intake by a records clerk, review by the ALPR
administrator (never their own request), fulfilment as a packet PDF plus a data export, kept on file.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from datetime import datetime
from pathlib import Path

from app.domain.changes import Changes
from app.domain.errors import Conflict, DomainError, ValidationFailed
from app.domain.images import ImageKind
from app.domain.records.documents import Document, DocumentKind
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.releases import ReleaseIntake, ReleaseRequest, ReleaseStatus, check_review
from app.domain.records.search import ReadSummary, SearchCriteria
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import DocumentRepository, HitRecords
from app.persistence.repositories.records_releases import ReleaseRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.evidence_export import data_files, manifest, without_covert
from app.services.image_store import ReadImages
from app.services.people import Signatures
from app.services.records_files import document_path, load_profile, write_zip_atomically
from app.services.reports import ReportError, inputs, render_release_packet
from app.services.retention import load_settings

P = Permission
PUBLIC_ONLY_KEY = "release.public_agencies_only"
MAX_RELEASED = 5000

RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


class ReleaseService:
    """Intake, review and fulfil release requests."""

    def __init__(self, ctx: ServiceContext, images: ReadImages, documents_root: Path) -> None:
        self.ctx = ctx
        self.images = images
        self.documents_root = documents_root

    def public_agencies_only(self) -> bool:
        """Sharing restricted to public agencies: by the shared setting, or by law (California Civil Code 1798.90.55)."""
        with self.ctx.uow() as uow:
            return _public_only(uow)

    @publishes(RECORDS)
    def set_public_agencies_only(self, actor: Actor, value: bool) -> None:
        """Change the restriction (administrator; recorded). A jurisdiction whose law imposes it keeps it."""
        audit_trail.require(self.ctx, actor, P.APPROVE_RELEASE, "settings.release_public_only")
        with self.ctx.uow() as uow:
            jurisdiction = load_settings(uow)[0]
        if not value and jurisdiction.public_agencies_only:
            audit_trail.record_alone(self.ctx, actor, "settings.release_public_only", outcome="refused",
                                     detail={"value": False, "jurisdiction": jurisdiction.key})
            raise Conflict(f"{jurisdiction.label} law allows sharing ALPR data only with public agencies "
                           "(Civil Code 1798.90.55(b)); the restriction cannot be lifted.")
        with self.ctx.uow() as uow:
            SharedSettingsRepository(uow.s).put(PUBLIC_ONLY_KEY, bool(value), actor.user_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "settings.release_public_only", detail={"value": bool(value)})

    @publishes(RECORDS)
    def intake(self, actor: Actor, intake: ReleaseIntake) -> ReleaseRequest:
        """Enter a written request (records clerk)."""
        audit_trail.require(self.ctx, actor, P.INTAKE_RELEASE, "release.intake", terms=intake.agency)
        problems = intake.problems()
        if problems:
            raise ValidationFailed(problems)
        public_only = self.public_agencies_only()
        with self.ctx.uow() as uow:
            repo = ReleaseRepository(uow.s)
            rid = repo.add(intake, actor.user_id, self.ctx.clock.now())
            req = repo.get(rid, public_only)
            audit_trail.record(uow, self.ctx, actor, "release.intake", object_type="release_request", object_id=rid,
                               terms=",".join(intake.scope.plates) or None, reason=intake.purpose,
                               case_number=intake.case_number or None,
                               detail={"agency": intake.agency, "flags": list(req.flags)})
            return req

    def list(self, actor: Actor) -> list[ReleaseRequest]:
        """All requests, newest first."""
        audit_trail.require_any(self.ctx, actor, (P.INTAKE_RELEASE, P.APPROVE_RELEASE, P.PRINT_RECORDS),
                                "release.list")
        public_only = self.public_agencies_only()
        with self.ctx.uow() as uow:
            return ReleaseRepository(uow.s).list(public_only)

    @publishes(RECORDS)
    def review(self, actor: Actor, request_id: int, approve: bool, reason: str) -> ReleaseRequest:
        """Approve or deny with a reason; nobody reviews their own request (refusals recorded)."""
        action = "release.approve" if approve else "release.deny"
        audit_trail.require(self.ctx, actor, P.APPROVE_RELEASE, action, object_type="release_request",
                            object_id=request_id)
        public_only = self.public_agencies_only()
        refusal: Conflict | None = None
        with self.ctx.uow() as uow:
            repo = ReleaseRepository(uow.s)
            req = repo.get(request_id, public_only)
            try:
                check_review(req, actor.user_id, approve, reason, public_only)
            except Conflict as exc:
                refusal = exc
            else:
                repo.decide(request_id, approve, actor.user_id, self.ctx.clock.now(), reason)
                audit_trail.record(uow, self.ctx, actor, action, object_type="release_request", object_id=request_id,
                                   reason=reason.strip(), case_number=req.intake.case_number or None,
                                   detail={"agency": req.intake.agency})
        if refusal is not None:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="release_request",
                                     object_id=request_id, detail={"problem": str(refusal)})
            raise refusal
        with self.ctx.uow() as uow:
            return ReleaseRepository(uow.s).get(request_id, public_only)

    @publishes(RECORDS)
    def fulfil(self, actor: Actor, request_id: int) -> Document:
        """Build the packet PDF and the data export for an approved request; file both; recorded."""
        audit_trail.require(self.ctx, actor, P.FULFIL_RELEASE, "release.fulfil", object_type="release_request",
                            object_id=request_id)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            req = ReleaseRepository(uow.s).get(request_id)
            if req.status is not ReleaseStatus.APPROVED:
                raise Conflict(f"Release request R-{request_id} is {req.status.value}; only an approved request "
                               "is fulfilled.")
            barred = not req.intake.public_agency and _public_only(uow)
        if barred:  # approved before the restriction: the restriction binds the release itself
            audit_trail.record_alone(self.ctx, actor, "release.fulfil", outcome="refused",
                                     object_type="release_request", object_id=request_id,
                                     detail={"problem": "requester is not a public agency"})
            raise Conflict("Sharing is restricted to public agencies; this request, approved before the "
                           "restriction, cannot be fulfilled.")
        with self.ctx.uow() as uow:
            req = ReleaseRepository(uow.s).get(request_id)
            reads = _scope_reads(ReadsQuery(uow.s), req)
            hits = without_covert(HitRecords(uow.s).for_reads([r.id for r in reads]))  # never shared outside
            profile = load_profile(uow)
            names = Signatures.load(uow.s, {actor.user_id, req.entered_by, req.reviewed_by})
        files = data_files(self.images, reads, hits)
        body, hashes = manifest(files)
        data_path = document_path(self.documents_root, DocumentKind.RELEASE_DATA, f"release-R{request_id}-data",
                                  ".zip", now)

        def fill(zf: zipfile.ZipFile) -> None:
            for name, data in sorted(files.items()):
                zf.writestr(name, data)
            zf.writestr("manifest.json", body)

        data_file = write_zip_atomically(data_path, fill)
        packet = self._packet_input(req, reads, hashes, now, names)
        path = document_path(self.documents_root, DocumentKind.RELEASE_PACKET, f"release-R{request_id}", ".pdf", now)
        written = [data_file.path]
        try:
            try:
                rf = render_release_packet(profile, packet, inputs.GeneratedBy(names.of_actor(actor), now), path)
            except ReportError as exc:
                raise DomainError(str(exc)) from exc
            written.append(rf.path)
            with self.ctx.uow() as uow:
                docs = DocumentRepository(uow.s)
                data_doc = docs.add(DocumentKind.RELEASE_DATA, f"Release R-{request_id} data export",
                                    str(data_file.path), data_file.sha256, actor.user_id, now,
                                    {"release_request_id": request_id})
                doc = docs.add(DocumentKind.RELEASE_PACKET, f"Release packet R-{request_id} ({req.intake.agency})",
                               str(rf.path), rf.sha256, actor.user_id, now,
                               {"release_request_id": request_id, "data_document_id": data_doc.id})
                ReleaseRepository(uow.s).fulfil(request_id, actor.user_id, now, doc.id)
                audit_trail.record(uow, self.ctx, actor, "release.fulfil", object_type="release_request",
                                   object_id=request_id, terms=",".join(req.intake.scope.plates) or None,
                                   reason=req.intake.purpose, case_number=req.intake.case_number or None,
                                   detail={"reads": len(reads), "hits": len(hits), "packet_id": doc.id,
                                           "data_id": data_doc.id, "agency": req.intake.agency})
        except Exception as exc:  # not filed and recorded: the data export and packet must not stay
            for p in written:
                with contextlib.suppress(OSError):
                    os.unlink(p)
            audit_trail.record_alone(self.ctx, actor, "release.fulfil", outcome="failed",
                                     object_type="release_request", object_id=request_id,
                                     detail={"error": str(exc)[:300], "files_removed": len(written)})
            raise
        return doc

    def _packet_input(self, req: ReleaseRequest, reads: list[ReadSummary], hashes: tuple,
                      now, names: Signatures) -> inputs.ReleasePacketInput:  # noqa: ANN001
        i = req.intake
        request = inputs.ReleaseRequest(
            request_id=f"R-{req.id}", received_at=req.entered_at, entered_by=names.of_id(req.entered_by, req.entered_by_name),
            requester=inputs.Requester(i.agency, i.ori, i.requester_name, i.requester_title, i.requester_contact,
                                       law_enforcement=i.law_enforcement),
            case_number=i.case_number, purpose=i.purpose, legal_basis=i.legal_basis, scope_plates=i.scope.plates,
            scope_start=i.scope.start, scope_end=_scope_end(req), scope_cameras=tuple(map(str, i.scope.camera_ids)))
        approval = inputs.ReleaseApproval(True, names.of_id(req.reviewed_by, req.reviewed_by_name), req.reviewed_at or now,
                                          req.decision_reason or "")
        crops = self.images.of_reads([r.id for r in reads], ImageKind.PLATE)
        records = tuple(inputs.ReleasedRecord(f"R-{r.id}", "Read", r.plate, r.state or "", r.camera_name,
                                              r.captured_at, crops.get(r.id))
                        for r in reads)
        return inputs.ReleasePacketInput(f"R-{req.id}", now.date(), request, approval, records, hashes)


def _public_only(uow: UnitOfWork) -> bool:
    """Sharing restricted to public agencies now: the shared setting, or the jurisdiction's law."""
    return bool(SharedSettingsRepository(uow.s).get(PUBLIC_ONLY_KEY, False)) or load_settings(uow)[0].public_agencies_only


def _scope_end(req: ReleaseRequest) -> datetime | None:
    """The end of the request's time range; an open-ended one of a reviewed request ends at its review."""
    return req.intake.scope.end if req.intake.scope.end is not None else req.reviewed_at


def _scope_reads(q: ReadsQuery, req: ReleaseRequest) -> list[ReadSummary]:
    """The reads a request covers.

    An open-ended scope of a reviewed request ends when it was reviewed: the approval covers what
    existed then, never what cameras captured afterwards (003 462.14(b)).
    """
    s = req.intake.scope
    end = _scope_end(req)
    plates = [parse_plate_pattern(p) for p in s.plates] or [None]
    out: dict[int, ReadSummary] = {}
    for p in plates:
        c = SearchCriteria(plate=p, start=s.start, end=end, camera_ids=s.camera_ids)
        for r in q.iter_matching(c, MAX_RELEASED):
            out[r.id] = r
    return sorted(out.values(), key=lambda r: (r.captured_at, r.id))[:MAX_RELEASED]


def open_request_reads(uow: UnitOfWork, before: datetime) -> dict[int, tuple[str, str]]:
    """Reads captured before ``before`` that a pending or approved, not yet fulfilled, request covers.

    The purge keeps them (a request to produce records is a lawful action that suspends
    destruction: 000 433.5, 003 462.12); the scope is the one :meth:`ReleaseService.fulfil` releases.

    Returns:
        read id -> (reason, reference) for the destruction report.

    """
    out: dict[int, tuple[str, str]] = {}
    for req in ReleaseRepository(uow.s).list():
        if req.status not in (ReleaseStatus.PENDING, ReleaseStatus.APPROVED):
            continue
        state = "approved, not yet fulfilled" if req.status is ReleaseStatus.APPROVED else "awaiting review"
        for r in _scope_reads(ReadsQuery(uow.s), req):
            if r.captured_at < before:
                out.setdefault(r.id, (f"Release request ({state})", f"request R-{req.id}"))
    return out

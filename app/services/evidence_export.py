"""Evidence package export (000 433.5, 002 IV.L.3).

A ZIP with images, reads and hits (CSV + JSON), a manifest with the SHA-256 of every file and a PDF summary; written atomically and recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

from app.domain.changes import Changes
from app.domain.errors import Conflict, DomainError, ValidationFailed
from app.domain.hits import COVERT_CATEGORIES
from app.domain.images import ImageKind
from app.domain.records.documents import Document, DocumentKind
from app.domain.records.exports import HitRecord
from app.domain.records.search import ReadSummary
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import DocumentRepository, HitRecords, HoldRepository
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.csv_export import csv_bytes
from app.services.holds import not_found_by
from app.services.image_store import ReadImages
from app.services.people import Signatures
from app.services.records_files import (
    ExportWriteError,
    load_profile,
    protected_target_problem,
    sha256_bytes,
    write_zip_atomically,
)
from app.services.reports import ReportError, inputs, render_evidence_summary

P = Permission
READ_FIELDS = ("id", "captured_at", "plate", "state", "colour", "confidence", "camera_id", "camera_name",
               "plate_sha256", "overview_sha256")

RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


def reads_csv(reads: list[ReadSummary]) -> bytes:
    return csv_bytes(READ_FIELDS, ([getattr(r, f).isoformat() if f == "captured_at" else getattr(r, f)
                                    for f in READ_FIELDS] for r in reads))


HIT_FIELDS = ("hit_id", "read_id", "created_at", "status", "category", "match_kind", "priority", "source",
              "disposition", "entry_plate", "step_id", "step_at", "step_user", "step_kind", "step_note",
              "corrects_step_id")


def hits_csv(hits: list[HitRecord]) -> bytes:
    rows = []
    for h in hits:
        head = [h.id, h.read_id, h.created_at.isoformat(), h.status, h.category, h.match_kind, h.priority,
                h.source_name, h.disposition or "", h.entry_plate]
        if not h.steps:
            rows.append(head + [""] * 6)
        for s in h.steps:
            rows.append(head + [s.id, s.at.isoformat(), s.username, s.kind, s.note or "", s.corrects_step_id or ""])
    return csv_bytes(HIT_FIELDS, rows)


def without_covert(hits: list[HitRecord]) -> list[HitRecord]:
    """The hits that are not covert (terrorist screening, gang: privileged users only, NCIC rules, 000 433.4(e))."""
    return [h for h in hits if h.category not in COVERT_CATEGORIES]


def to_json(items: list) -> bytes:
    return json.dumps([asdict(i) for i in items], default=str, indent=1, ensure_ascii=False).encode()


def data_files(images: ReadImages, reads: list[ReadSummary], hits: list[HitRecord]) -> dict[str, bytes]:
    """The data part of an export: name -> bytes (images under images/, read through the store).

    Each image is checked against the SHA-256 recorded with its read before it is exported
    (:class:`ImageIntegrityError` otherwise); the manifest then hashes every exported file.
    """
    files = {"reads.csv": reads_csv(reads), "reads.json": to_json(reads), "hits.csv": hits_csv(hits),
             "hits.json": to_json(hits)}
    for kind in ImageKind:
        found = images.of_reads([r.id for r in reads], kind)
        for r in reads:
            sha = r.plate_sha256 if kind is ImageKind.PLATE else r.overview_sha256
            if r.id in found and sha:
                files[f"images/read{r.id}_{kind.value}_{sha[:12]}.jpg"] = found[r.id]
    return files


def manifest(files: dict[str, bytes]) -> tuple[bytes, tuple[inputs.FileHash, ...]]:
    hashes = tuple(inputs.FileHash(n, sha256_bytes(b), len(b)) for n, b in sorted(files.items()))
    body = json.dumps({"algorithm": "SHA-256", "files": [{"name": h.filename, "sha256": h.sha256,
                                                          "size": h.size_bytes} for h in hashes]}, indent=1)
    return body.encode(), hashes


class EvidenceExportService:
    """Build evidence packages for held data."""

    def __init__(self, ctx: ServiceContext, images: ReadImages) -> None:
        self.ctx = ctx
        self.images = images

    @publishes(RECORDS)
    def export_hold(self, actor: Actor, hold_id: int, target: Path) -> Document:
        """Write the package for ``hold_id`` to ``target`` (a .zip path) and file it.

        Raises:
            PermissionDenied: may not export (recorded).
            Conflict: the hold was released (recorded).
            ExportWriteError: the disk is full or read-only (nothing is left at ``target``).

        """
        audit_trail.require(self.ctx, actor, P.EXPORT_EVIDENCE, "evidence.export", object_type="hold",
                            object_id=hold_id)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            hold = HoldRepository(uow.s).get(hold_id)
            protected = protected_target_problem(uow, Path(target))
        if protected:
            audit_trail.record_alone(self.ctx, actor, "evidence.export", outcome="refused", object_type="hold",
                                     object_id=hold_id, case_number=hold.case_number,
                                     detail={"problem": protected, "file": str(target)})
            raise ValidationFailed(protected)
        if not hold.active:  # released: the hold no longer gives a reason to export its data as evidence
            audit_trail.record_alone(self.ctx, actor, "evidence.export", outcome="refused", object_type="hold",
                                     object_id=hold_id, case_number=hold.case_number,
                                     detail={"problem": "hold released"})
            raise Conflict(f"Hold {hold_id} was released; its data is no longer held as evidence.")
        if hold.created_by != actor.user_id:  # a colleague's hold: only what the exporter's own inquiries found
            with self.ctx.uow(read_only=True) as uow:
                unfound = not_found_by(uow.s, actor, list(hold.read_ids))
            if unfound:
                audit_trail.record_alone(self.ctx, actor, "evidence.export", outcome="refused", object_type="hold",
                                         object_id=hold_id, case_number=hold.case_number,
                                         detail={"not_found_by_inquiry": unfound[:20]})
                raise ValidationFailed(f"{len(unfound)} of the held reads are not results of your recorded "
                                       "inquiries: search for them (with the case number) before exporting "
                                       "a colleague's hold.")
        with self.ctx.uow() as uow:
            reads = ReadsQuery(uow.s).by_ids(list(hold.read_ids))
            hits = HitRecords(uow.s).for_reads([r.id for r in reads], list(hold.hit_ids))
        if not audit_trail.granted(self.ctx, actor, P.VIEW_COVERT):
            hits = without_covert(hits)
        with self.ctx.uow() as uow:
            profile = load_profile(uow)
            names = Signatures.load(uow.s, {actor.user_id, hold.created_by})  # full name and title on documents
        files = data_files(self.images, reads, hits)
        body, hashes = manifest(files)
        summary = inputs.EvidencePackageInput(
            package_id=f"EV-{hold_id}-{now:%Y%m%d%H%M%S}", case_number=hold.case_number, exported_by=names.of_actor(actor),
            exported_at=now,
            hold=inputs.EvidenceHold(hold.case_number, hold.reason, names.of_id(hold.created_by, hold.created_by_name), hold.created_at,
                                     hold.review_on, "Active" if hold.active else "Released"),
            items=tuple(inputs.EvidenceItem(f"R-{r.id}", "Read", f"{r.plate} {r.state or ''}".strip(), r.captured_at,
                                            r.camera_name) for r in reads)
            + tuple(inputs.EvidenceItem(f"H-{h.id}", "Hit", f"{h.category} on {h.entry_plate} ({h.status})",
                                        h.created_at) for h in hits),
            files=hashes)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                pdf = render_evidence_summary(profile, summary, inputs.GeneratedBy(names.of_actor(actor), now),
                                              Path(tmp) / "summary.pdf")
            except ReportError as exc:
                raise DomainError(str(exc)) from exc
            pdf_bytes = pdf.path.read_bytes()

        def fill(zf: zipfile.ZipFile) -> None:
            for name, data in sorted(files.items()):
                zf.writestr(name, data)
            zf.writestr("manifest.json", body)
            zf.writestr("summary.pdf", pdf_bytes)

        try:
            written = write_zip_atomically(Path(target), fill)
        except ExportWriteError as exc:
            audit_trail.record_alone(self.ctx, actor, "evidence.export", outcome="failed", object_type="hold",
                                     object_id=hold_id, case_number=hold.case_number, detail={"error": str(exc)})
            raise
        try:
            with self.ctx.uow() as uow:
                doc = DocumentRepository(uow.s).add(
                    DocumentKind.EVIDENCE_PACKAGE, f"Evidence package, case {hold.case_number}", str(written.path),
                    written.sha256, actor.user_id, now, {"hold_id": hold_id, "reads": len(reads), "hits": len(hits)})
                audit_trail.record(uow, self.ctx, actor, "evidence.export", object_type="hold", object_id=hold_id,
                                   case_number=hold.case_number, reason=hold.reason,
                                   terms=",".join(sorted({r.plate for r in reads}))[:500],
                                   detail={"document_id": doc.id, "sha256": written.sha256, "reads": len(reads),
                                           "hits": len(hits), "files": len(files)})
        except Exception as exc:  # written but not recorded: the package must not stay
            with contextlib.suppress(OSError):
                os.unlink(written.path)
            audit_trail.record_alone(self.ctx, actor, "evidence.export", outcome="failed", object_type="hold",
                                     object_id=hold_id, case_number=hold.case_number,
                                     detail={"error": str(exc)[:300], "file_removed": True})
            raise
        return doc


__all__ = ["EvidenceExportService", "ExportWriteError"]

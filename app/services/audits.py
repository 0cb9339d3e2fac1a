"""Detection-browsing audits (002 IV.Q, 003 462.8) and the access record browser.

A reproducible random sample (seed stored) of at least N inquiries of the prior period; the
auditor marks each compliant or not with notes and records data errors; the memorandum to the
chief of police is generated as a PDF and filed.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from app.domain.access import AccessEntry
from app.domain.errors import Conflict, DomainError, ValidationFailed
from app.domain.records.audits import DEFAULT_SAMPLE_SIZE, Audit, draw_sample, prior_period
from app.domain.records.documents import Document, DocumentKind
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.records import DocumentRepository, InquiryRepository
from app.persistence.repositories.records_audits import AuditRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.records_files import document_path, load_profile
from app.services.reports import ReportError, inputs, render_audit_memo

P = Permission
SAMPLE_KEY = "audit.sample_size"
PERIOD_KEY = "audit.period_months"


class AuditService:
    """Audits and the access-record browser."""

    def __init__(self, ctx: ServiceContext, documents_root: Path) -> None:
        self.ctx = ctx
        self.documents_root = documents_root

    def settings(self) -> tuple[int, int]:
        """(minimum sample size, period in months)."""
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            return int(repo.get(SAMPLE_KEY, DEFAULT_SAMPLE_SIZE)), int(repo.get(PERIOD_KEY, 1))  # type: ignore[arg-type]

    def change_settings(self, actor: Actor, sample_size: int, period_months: int) -> None:
        """Change sample size (>= 10 per policy 002 IV.Q.2) and period (1 = monthly, 3 = quarterly)."""
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, "settings.audit")
        if sample_size < DEFAULT_SAMPLE_SIZE or not 1 <= period_months <= 3:
            raise ValidationFailed("The sample must be at least 10 inquiries and the period 1 to 3 months.")
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            repo.put(SAMPLE_KEY, sample_size, actor.user_id, self.ctx.clock.now())
            repo.put(PERIOD_KEY, period_months, actor.user_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "settings.audit",
                               detail={"sample_size": sample_size, "period_months": period_months})

    def start(self, actor: Actor, start: datetime | None = None, end: datetime | None = None,
              seed: int | None = None) -> Audit:
        """Draw the sample of the prior period (or [start, end)) and open the audit."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.start")
        size, months = self.settings()
        if start is None or end is None:
            start, end = prior_period(self.ctx.clock.now().date(), months)
        if end <= start:
            raise ValidationFailed("The audit period ends before it starts.")
        seed = secrets.randbits(48) if seed is None else seed
        with self.ctx.uow() as uow:
            population = InquiryRepository(uow.s).ids_between(start, end)
            sample = draw_sample(population, size, seed)
            repo = AuditRepository(uow.s)
            audit_id = repo.add(start, end, seed, sample, actor.user_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "audit.start", object_type="audit", object_id=audit_id,
                               detail={"seed": seed, "population": len(population), "sample": sample,
                                       "period": [start.isoformat(), end.isoformat()]})
            return repo.get(audit_id)

    def list(self, actor: Actor) -> list[Audit]:
        """Every audit, newest first."""
        audit_trail.require(self.ctx, actor, P.VIEW_AUDITS, "audit.list")
        with self.ctx.uow() as uow:
            return AuditRepository(uow.s).list()

    def get(self, actor: Actor, audit_id: int) -> Audit:
        """One audit with its sample (the sampled inquiries are ALPR query data: recorded)."""
        audit_trail.require(self.ctx, actor, P.VIEW_AUDITS, "audit.view", object_type="audit", object_id=audit_id)
        with self.ctx.uow() as uow:
            audit = AuditRepository(uow.s).get(audit_id)
            audit_trail.record(uow, self.ctx, actor, "audit.view", object_type="audit", object_id=audit_id)
            return audit

    def mark(self, actor: Actor, item_id: int, compliant: bool, notes: str = "") -> Audit:
        """Record the finding for one sampled inquiry; a non-compliant finding needs a note."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.mark", object_type="audit_item", object_id=item_id)
        if not compliant and len(notes.strip()) < 5:
            raise ValidationFailed("Say why the inquiry is not compliant.")
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit_id = repo.mark(item_id, compliant, notes, actor.user_id, self.ctx.clock.now())
            if repo.get(audit_id).status != "open":
                raise Conflict("This audit is completed; its findings can no longer change.")
            audit_trail.record(uow, self.ctx, actor, "audit.mark", object_type="audit_item", object_id=item_id,
                               detail={"audit_id": audit_id, "compliant": compliant})
            return repo.get(audit_id)

    def complete(self, actor: Actor, audit_id: int, data_errors: str, summary: str) -> Document:
        """Close the audit (every item reviewed) and file the memorandum to the chief of police."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.complete", object_type="audit", object_id=audit_id)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit = repo.get(audit_id)
            if audit.status != "open":
                raise Conflict("This audit is already completed.")
            if audit.reviewed < len(audit.items):
                raise ValidationFailed(f"Review every sampled inquiry first ({audit.reviewed} of "
                                       f"{len(audit.items)} done).")
            repo.complete(audit_id, data_errors, summary, now)
            audit = repo.get(audit_id)
            profile = load_profile(uow)
        doc = self._memo(actor, audit, profile, now)
        with self.ctx.uow() as uow:
            AuditRepository(uow.s).set_memo(audit_id, doc.id)
            audit_trail.record(uow, self.ctx, actor, "audit.complete", object_type="audit", object_id=audit_id,
                               detail={"document_id": doc.id,
                                       "non_compliant": sum(1 for i in audit.items if i.compliant is False)})
        return doc

    def _memo(self, actor: Actor, audit: Audit, profile: inputs.AgencyProfile, now: datetime) -> Document:
        errors = tuple(inputs.DataError(line.strip(), f"Audit A-{audit.id}", "Referred for correction")
                       for line in (audit.data_errors or "").splitlines() if line.strip())
        data = inputs.AuditMemoInput(
            audit_id=f"A-{audit.id}", memo_date=now.date(), auditor=actor.username, auditor_title="Auditor",
            period_start=audit.period_start.date(), period_end=audit.period_end.date(),
            population_size=audit.population, seed=audit.seed,
            inquiries=tuple(inputs.SampledInquiry(
                f"Q-{i.inquiry_id}", i.username, i.at, i.terms, f"{i.purpose}: {i.reason}".strip(": "),
                i.case_number or "", i.on_behalf_of or "", i.result_count, i.compliant, i.notes or "")
                for i in audit.items),
            data_errors=errors, summary=audit.summary or "", minimum_sample=self.settings()[0],
            **_chain_anchor(self.ctx))
        path = document_path(self.documents_root, DocumentKind.AUDIT_MEMO, f"audit-A{audit.id}", ".pdf", now)
        try:
            rf = render_audit_memo(profile, data, inputs.GeneratedBy(actor.username, now), path)
        except ReportError as exc:
            raise DomainError(str(exc)) from exc
        with self.ctx.uow() as uow:
            return DocumentRepository(uow.s).add(DocumentKind.AUDIT_MEMO, f"Audit memorandum A-{audit.id}",
                                                 str(rf.path), rf.sha256, actor.user_id, now, {"audit_id": audit.id})

    def access_record(self, actor: Actor, limit: int = 500, user_id: int | None = None, action: str | None = None,
                      since: datetime | None = None) -> list[AccessEntry]:
        """Browse the access record (itself recorded)."""
        audit_trail.require(self.ctx, actor, P.VIEW_ACCESS_LOG, "access_log.view")
        with self.ctx.uow() as uow:
            rows = AccessLogRepository(uow.s).recent(limit, user_id, action, since)
            audit_trail.record(uow, self.ctx, actor, "access_log.view",
                               detail={"action": action, "user_id": user_id, "rows": len(rows)})
            return rows


def _chain_anchor(ctx) -> dict:  # noqa: ANN001
    """The access record's head hash and row count, printed on the memo (issue 10)."""
    head = audit_trail.chain_head(ctx)
    return {"chain_head": head.last_hash, "chain_rows": head.count}

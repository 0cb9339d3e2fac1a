"""Detection-browsing audits (002 IV.Q, 003 462.8) and the access record browser.

A random sample (cryptographic seed drawn and stored by the service, once per period) of at least
N inquiries of the prior period, the auditor's own inquiries left out; a redraw needs a reason
and is listed in the memo. The auditor marks each compliant or not with notes and records data
errors; the memorandum to the chief of police is generated as a PDF and filed; the chief's review
(who, when, remarks) is recorded. A missed period shows as overdue.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from app.domain.access import AccessEntry
from app.domain.changes import Changes
from app.domain.display_dates import date_text
from app.domain.errors import Conflict, DomainError, ValidationFailed
from app.domain.records.audits import (
    DEFAULT_SAMPLE_SIZE,
    Audit,
    draw_sample,
    missed_periods,
    prior_period,
    still_audited,
    uncovered,
)
from app.domain.records.documents import Document, DocumentKind
from app.domain.roles import Permission
from app.domain.substance import reason_problem
from app.domain.users import Actor
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.records import DocumentRepository, InquiryRepository
from app.persistence.repositories.records_audits import AuditRepository
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.people import Signatures
from app.services.records_files import document_path, load_profile
from app.services.reports import ReportError, inputs, render_audit_memo
from app.services.usage_reports import override_line

P = Permission
SAMPLE_KEY = "audit.sample_size"
PERIOD_KEY = "audit.period_months"

RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


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

    @publishes(RECORDS)
    def change_settings(self, actor: Actor, sample_size: int, period_months: int) -> None:
        """Change sample size (>= 10 per policy 002 IV.Q.2) and period (1 = monthly, 3 = quarterly); recorded with before/after."""
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, "settings.audit")
        if sample_size < DEFAULT_SAMPLE_SIZE or not 1 <= period_months <= 3:
            raise ValidationFailed("The sample must be at least 10 inquiries and the period 1 to 3 months.")
        before_size, before_months = self.settings()
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            repo.put(SAMPLE_KEY, sample_size, actor.user_id, self.ctx.clock.now())
            repo.put(PERIOD_KEY, period_months, actor.user_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "settings.audit",
                               detail={"sample_size": sample_size, "period_months": period_months,
                                       "before": {"sample_size": before_size, "period_months": before_months},
                                       "after": {"sample_size": sample_size, "period_months": period_months}})

    @publishes(RECORDS)
    def start(self, actor: Actor, start: datetime | None = None, end: datetime | None = None) -> Audit:
        """Draw the sample of the prior period (or [start, end)) once and open the audit.

        The seed comes from a cryptographic random source and is recorded; nobody chooses it. The
        auditor's own inquiries are left out of the population. A period is drawn once: a second
        draw is a :meth:`redraw` with a reason, listed in the memo.
        """
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.start")
        size, months = self.settings()
        if start is None or end is None:
            start, end = prior_period(self.ctx.clock.now().date(), months)
        if end <= start:
            raise ValidationFailed("The audit period ends before it starts.")
        seed = secrets.randbits(62)
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            existing = repo.overlapping(start, end)
            if existing and not uncovered(start, end, repo.periods_overlapping(start, end)):
                refusal = Conflict(f"The sample of this period was drawn already (audit A-{existing[0]}); "
                                   "redraw it there with a reason.")
            else:
                refusal = None
                population, own = _population(uow, start, end, actor.user_id)
                sample = draw_sample(population, size, seed)
                audit_id = repo.add(start, end, seed, sample, actor.user_id, self.ctx.clock.now(), len(population), own)
                audit_trail.record(uow, self.ctx, actor, "audit.start", object_type="audit", object_id=audit_id,
                                   detail={"seed": seed, "population": len(population), "excluded_own": own,
                                           "sample": sample, "period": [start.isoformat(), end.isoformat()]})
                audit = repo.get(audit_id)
        if refusal is not None:
            audit_trail.record_alone(self.ctx, actor, "audit.start", outcome="refused", object_type="audit",
                                     object_id=existing[0], detail={"problem": str(refusal)})
            raise refusal
        return audit

    @publishes(RECORDS)
    def redraw(self, actor: Actor, audit_id: int, reason: str) -> Audit:
        """Draw the sample again (new random seed); needs a reason; the abandoned draw is kept and in the memo."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.redraw", object_type="audit", object_id=audit_id)
        problem = reason_problem(reason, "The reason for the redraw", 4)
        if problem:
            raise ValidationFailed(problem)
        size, _months = self.settings()
        seed = secrets.randbits(62)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit = repo.get(audit_id)
            if audit.status != "open":
                raise Conflict("This audit is completed; its sample can no longer change.")
            if audit.reviewed:  # a redraw replaces the items, and would take their findings with them
                raise Conflict(f"{audit.reviewed} finding(s) are recorded on this sample; a redraw would discard "
                               "them. Complete the audit with this sample.")
            population, _own = _population(uow, audit.period_start, audit.period_end, audit.created_by, audit_id)
            sample = draw_sample(population, size, seed)
            repo.redraw(audit_id, seed, sample, {
                "at": now.isoformat(), "by": actor.username, "reason": " ".join(reason.split()),
                "seed": audit.seed, "sample": [i.inquiry_id for i in audit.items]})
            audit_trail.record(uow, self.ctx, actor, "audit.redraw", object_type="audit", object_id=audit_id,
                               reason=" ".join(reason.split()),
                               detail={"old_seed": audit.seed, "seed": seed, "sample": sample})
            return repo.get(audit_id)

    @publishes(RECORDS)
    def chief_review(self, actor: Actor, audit_id: int, remarks: str) -> Document:
        """The chief of police (or designee) records the review of a completed audit (002 IV.Q.3).

        Who, when and the remarks are kept; a reviewed copy of the memorandum is filed.
        """
        audit_trail.require(self.ctx, actor, P.MANAGE_AGENCY, "audit.chief_review", object_type="audit",
                            object_id=audit_id)
        problem = reason_problem(remarks, "The review remarks", 2)
        if problem:
            raise ValidationFailed(problem)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit = repo.get(audit_id)
            if audit.status != "completed":
                raise Conflict("Only a completed audit (memorandum filed) can be reviewed.")
            if audit.chief_reviewed_at is not None:
                raise Conflict(f"This audit was reviewed by {audit.chief_reviewed_by} on "
                               f"{date_text(audit.chief_reviewed_at)}.")
            if audit.created_by == actor.user_id or actor.user_id in repo.judges(audit_id):
                raise Conflict("The auditor cannot review their own audit (drawn or judged): the chief or "
                               "another designee must.")
            repo.chief_review(audit_id, actor.user_id, now, " ".join(remarks.split()))
            audit_trail.record(uow, self.ctx, actor, "audit.chief_review", object_type="audit", object_id=audit_id,
                               reason=" ".join(remarks.split()))
            audit = repo.get(audit_id)
            profile = load_profile(uow)
        return self._memo(actor, audit, profile, now, reviewed=True)

    def overdue(self, actor: Actor, lookback_periods: int = 12) -> list[tuple[datetime, datetime]]:
        """Closed periods with inquiries that no audit covers (each is an audit missed).

        An audit drawn but not completed (no memorandum) covers its period only until the next period ends.
        """
        audit_trail.require(self.ctx, actor, P.VIEW_AUDITS, "audit.overdue")
        _size, months = self.settings()
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            periods = [(a, b) for a, b, status, drawn in AuditRepository(uow.s).periods_with_status()
                       if still_audited(a, b, status, now, months, drawn)]
            first = InquiryRepository(uow.s).first_at()
        if first is None:
            return []
        return missed_periods(periods, self.ctx.clock.now().date(), months, lookback_periods, since=first)

    def list(self, actor: Actor) -> list[Audit]:
        """Every audit, newest first, with its sample (ALPR query data: recorded, as opening one is)."""
        audit_trail.require(self.ctx, actor, P.VIEW_AUDITS, "audit.list")
        with self.ctx.uow() as uow:
            audits = AuditRepository(uow.s).list()
            audit_trail.record(uow, self.ctx, actor, "audit.list",
                               detail={"audits": len(audits), "items": sum(len(a.items) for a in audits)})
            return audits

    def get(self, actor: Actor, audit_id: int) -> Audit:
        """One audit with its sample (the sampled inquiries are ALPR query data: recorded)."""
        audit_trail.require(self.ctx, actor, P.VIEW_AUDITS, "audit.view", object_type="audit", object_id=audit_id)
        with self.ctx.uow() as uow:
            audit = AuditRepository(uow.s).get(audit_id)
            audit_trail.record(uow, self.ctx, actor, "audit.view", object_type="audit", object_id=audit_id)
            return audit

    @publishes(RECORDS)
    def mark(self, actor: Actor, item_id: int, compliant: bool, notes: str = "") -> Audit:
        """Record the finding for one sampled inquiry; a non-compliant finding needs a note."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.mark", object_type="audit_item", object_id=item_id)
        if not compliant and len(notes.strip()) < 5:
            raise ValidationFailed("Say why the inquiry is not compliant.")
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            own = repo.inquirer_of_item(item_id) == actor.user_id
            stale = _stale(uow, repo.get(repo.audit_of_item(item_id)), self.ctx.clock.now(), marking=True)
        if stale:
            raise Conflict(stale)
        if own:  # nobody judges their own inquiry (the sample leaves out only the auditor who drew it)
            audit_trail.record_alone(self.ctx, actor, "audit.mark", outcome="refused", object_type="audit_item",
                                     object_id=item_id, detail={"problem": "own inquiry"})
            raise Conflict("This sampled inquiry is your own: another auditor must judge it.")
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit_id = repo.mark(item_id, compliant, notes, actor.user_id, self.ctx.clock.now())
            if repo.get(audit_id).status != "open":
                raise Conflict("This audit is completed; its findings can no longer change.")
            audit_trail.record(uow, self.ctx, actor, "audit.mark", object_type="audit_item", object_id=item_id,
                               detail={"audit_id": audit_id, "compliant": compliant})
            return repo.get(audit_id)

    @publishes(RECORDS)
    def complete(self, actor: Actor, audit_id: int, data_errors: str, summary: str) -> Document:
        """Close the audit (every item reviewed) and file the memorandum to the chief of police."""
        audit_trail.require(self.ctx, actor, P.RUN_AUDIT, "audit.complete", object_type="audit", object_id=audit_id)
        size, _months = self.settings()
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            repo = AuditRepository(uow.s)
            audit = repo.get(audit_id)
            if audit.status != "open":
                raise Conflict("This audit is already completed.")
            stale = _stale(uow, audit, now)
            if stale:
                raise ValidationFailed(stale)
            if audit.reviewed < len(audit.items):
                raise ValidationFailed(f"Review every sampled inquiry first ({audit.reviewed} of "
                                       f"{len(audit.items)} done).")
            available = len(_population(uow, audit.period_start, audit.period_end, audit.created_by, audit_id)[0])
            if len(audit.items) < min(size, available):
                raise ValidationFailed(f"The sample holds {len(audit.items)} inquiries; the policy requires at least "
                                       f"{min(size, available)} (the period had {available}). Redraw the sample.")
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

    def _memo(self, actor: Actor, audit: Audit, profile: inputs.AgencyProfile, now: datetime,
              reviewed: bool = False) -> Document:
        errors = tuple(inputs.DataError(line.strip(), f"Audit A-{audit.id}", "Referred for correction")
                       for line in (audit.data_errors or "").splitlines() if line.strip())
        with self.ctx.uow() as uow:  # documents name people by full name and title, not login
            names = Signatures.load(uow.s, {actor.user_id}, {i.username for i in audit.items}
                                    | {r.by for r in audit.redraws} | {audit.chief_reviewed_by or ""})
            auditor = UserRepository(uow.s).get(audit.created_by)
        data = inputs.AuditMemoInput(
            audit_id=f"A-{audit.id}", memo_date=now.date(), auditor=auditor.full_name or auditor.username,
            auditor_title=auditor.title or "Auditor",
            period_start=audit.period_start.date(), period_end=audit.period_end.date(),
            population_size=audit.population, seed=audit.seed,
            inquiries=tuple(inputs.SampledInquiry(
                f"Q-{i.inquiry_id}", names.of(i.username), i.at, i.terms, f"{i.purpose}: {i.reason}".strip(": "),
                i.case_number or "", i.on_behalf_of or "", i.result_count, i.compliant, i.notes or "")
                for i in audit.items),
            data_errors=errors, summary=audit.summary or "", minimum_sample=self.settings()[0],
            excluded_own=audit.excluded_own, overrides=self._overrides(audit),
            redraws=tuple(inputs.SampleRedraw(r.at, names.of(r.by), r.reason, r.seed, len(r.sample)) for r in audit.redraws),
            chief_review=(inputs.ChiefReview(names.of(audit.chief_reviewed_by), audit.chief_reviewed_at,
                                             audit.chief_remarks or "") if audit.chief_reviewed_at else None),
            **_chain_anchor(self.ctx))
        stem = f"audit-A{audit.id}" + ("-reviewed" if reviewed else "")
        path = document_path(self.documents_root, DocumentKind.AUDIT_MEMO, stem, ".pdf", now)
        try:
            rf = render_audit_memo(profile, data, inputs.GeneratedBy(names.of_actor(actor), now), path)
        except ReportError as exc:
            raise DomainError(str(exc)) from exc
        with self.ctx.uow() as uow:
            title = f"Audit memorandum A-{audit.id}" + (" (reviewed by the chief)" if reviewed else "")
            return DocumentRepository(uow.s).add(DocumentKind.AUDIT_MEMO, title,
                                                 str(rf.path), rf.sha256, actor.user_id, now, {"audit_id": audit.id})

    def _overrides(self, audit: Audit) -> tuple[inputs.OverrideLine, ...]:
        with self.ctx.uow() as uow:
            steps = HitRepository(uow.s).override_steps(audit.period_start, audit.period_end)
            names = Signatures.load(uow.s, usernames={s.username for s in steps})
        return tuple(override_line(s, names.of) for s in steps)

    def access_record(self, actor: Actor, limit: int = 500, user_id: int | None = None, action: str | None = None,
                      since: datetime | None = None) -> list[AccessEntry]:
        """Browse the access record (itself recorded)."""
        audit_trail.require(self.ctx, actor, P.VIEW_ACCESS_LOG, "access_log.view")
        with self.ctx.uow() as uow:
            rows = AccessLogRepository(uow.s).recent(limit, user_id, action, since)
            audit_trail.record(uow, self.ctx, actor, "access_log.view",
                               detail={"action": action, "user_id": user_id, "rows": len(rows)})
            return rows


def _stale(uow, audit: Audit, now: datetime, marking: bool = False) -> str | None:  # noqa: ANN001 - a unit of work
    """Why the sample in force cannot stand for its period: drawn before the period ended and outgrown since.

    002 IV.Q.2 selects among the inquiries conducted during the period; a sample drawn on the 2nd
    of the month holds only the first day's. Findings wait until the period is over.
    """
    if audit.drawn_at >= audit.period_end:
        return None
    if marking and now < audit.period_end:
        return ("The audit period is not over: its sample may still grow. Judge the sample once the period has "
                "ended (and redraw it then if inquiries were made after it was drawn).")
    later = InquiryRepository(uow.s).ids_between(audit.drawn_at, audit.period_end, exclude_user_id=audit.created_by)
    if later:
        return (f"{len(later)} inquiries were made in the period after the sample was drawn: redraw it (with a "
                "reason) so that every inquiry of the period can be sampled.")
    return None


def _population(uow, start: datetime, end: datetime, auditor_id: int | None,  # noqa: ANN001 - a unit of work
                audit_id: int | None = None) -> tuple[list[int], int]:
    """(inquiries an audit of [start, end) samples, the auditor's own left out), and how many own ones.

    Parts of the period an earlier audit covers are left out too: their inquiries were sampled
    there, and an audit drawn over a sliver of a month does not stand for the rest of it.
    """
    inquiries = InquiryRepository(uow.s)
    earlier = AuditRepository(uow.s).periods_overlapping(start, end, before_id=audit_id)
    population: list[int] = []
    own = 0
    for a, b in uncovered(start, end, earlier):
        ids = inquiries.ids_between(a, b, exclude_user_id=auditor_id)
        population += ids
        own += len(inquiries.ids_between(a, b)) - len(ids)
    return population, own


def _chain_anchor(ctx) -> dict:  # noqa: ANN001
    """The access record's head hash and row count, printed on the memo (issue 10)."""
    head = audit_trail.chain_head(ctx)
    return {"chain_head": head.last_hash, "chain_rows": head.count}

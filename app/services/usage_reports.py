"""Quarterly usage report (003 462.8) and the public transparency summary (003 462.10-11; no plate data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.domain.changes import Changes
from app.domain.display_dates import date_text
from app.domain.errors import DomainError
from app.domain.hit_steps import HitStep, StepKind
from app.domain.hits import COVERT_CATEGORIES
from app.domain.records.documents import Document, DocumentKind
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import (
    DocumentRepository,
    HitRecords,
    InquiryRepository,
    PurgeRunRepository,
)
from app.persistence.repositories.records_audits import AuditRepository
from app.persistence.repositories.records_releases import ReleaseRepository
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.people import Signatures
from app.services.records_files import document_path, load_profile
from app.services.reports import (
    ReportError,
    inputs,
    render_transparency_html,
    render_transparency_pdf,
    render_usage_report,
)
from app.services.retention import load_periods

P = Permission

OTHER_HITS = "Other (not itemised)"
RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


def quarter_of(day: date) -> tuple[datetime, datetime, str]:
    """The calendar quarter before the one containing ``day``: [start, end) and a label."""
    q = (day.month - 1) // 3
    y = day.year
    q -= 1
    if q < 0:
        q, y = 3, y - 1
    start = datetime(y, 3 * q + 1, 1, tzinfo=UTC)
    end = datetime(y + (q == 3), 1 if q == 3 else 3 * q + 4, 1, tzinfo=UTC)
    return start, end, f"Q{q + 1} {y}"


def _months(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    out = []
    cur = start
    while cur < end:
        nxt = datetime(cur.year + (cur.month == 12), 1 if cur.month == 12 else cur.month + 1, 1, tzinfo=UTC)
        out.append((cur, min(nxt, end)))
        cur = nxt
    return out


def fold_covert(cats: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Hit counts by category with the covert ones (terrorist screening, gang) counted under one unnamed line.

    Their existence is not disclosed to those who may not see them (000 433.4(e), NCIC rules).
    """
    out = [(c, n) for c, n in cats if c not in COVERT_CATEGORIES]
    hidden = sum(n for c, n in cats if c in COVERT_CATEGORIES)
    return out + [(OTHER_HITS, hidden)] if hidden else out


def override_line(step: HitStep, name: Callable[[str], str] = str) -> inputs.OverrideLine:
    """One override of a hit safeguard as printed on the usage report and the audit memo."""
    if step.kind is StepKind.VISUAL_ACCEPTED:
        kind, reason = "Visual mismatch accepted", step.payload.get("override_reason", "")
        reason = f"{reason} (shown: {'; '.join(step.payload.get('mismatches') or [])})"
    else:
        kind, reason = "Exigent dispatch without NCIC confirmation", step.payload.get("exigent_reason", "")
    return inputs.OverrideLine(f"H-{step.hit_id}", kind, name(step.username), step.at, reason)


class UsageReportService:
    """Usage statistics documents."""

    def __init__(self, ctx: ServiceContext, documents_root: Path) -> None:
        self.ctx = ctx
        self.documents_root = documents_root

    @publishes(RECORDS)
    def usage_report(self, actor: Actor, start: datetime | None = None, end: datetime | None = None,
                     label: str = "") -> Document:
        """The usage report of a period (default: the previous calendar quarter), filed."""
        audit_trail.require(self.ctx, actor, P.PRINT_RECORDS, "report.usage")
        now = self.ctx.clock.now()
        if start is None or end is None:
            start, end, label = quarter_of(now.date())
        label = label or f"{date_text(start, local=False)} to {date_text(end, local=False)}"
        with self.ctx.uow() as uow:
            rq = ReadsQuery(uow.s)
            cats, disp = HitRecords(uow.s).counts(start, end)
            if not audit_trail.granted(self.ctx, actor, P.VIEW_COVERT):
                cats = fold_covert(cats)
            by_user = InquiryRepository(uow.s).counts_by_user(start, end)
            override_steps = HitRepository(uow.s).override_steps(start, end)
            names = Signatures.load(uow.s, {actor.user_id}, {u for u, *_ in by_user}
                                    | {s.username for s in override_steps})
            data = inputs.UsageReportInput(
                period_label=label, period_start=start.date(), period_end=(end - timedelta(days=1)).date(),
                reads_total=rq.count_between(start, end),
                reads_by_camera=tuple(inputs.LabeledCount(n, k) for n, k in rq.count_by_camera(start, end)),
                reads_by_month=tuple(inputs.LabeledCount(f"{a:%b %Y}", rq.count_between(a, b))
                                     for a, b in _months(start, end)),
                hits_by_type=tuple(inputs.LabeledCount(c, n) for c, n in cats),
                dispositions=tuple(inputs.LabeledCount(d, n) for d, n in disp),
                searches_by_user=tuple(inputs.UserSearchCount(names.of(u), n, c, n - c, o) for u, n, c, o in by_user),
                releases=tuple(inputs.ReleaseSummary(f"R-{r.id}", r.intake.agency, r.entered_at, r.status.value.title())
                               for r in ReleaseRepository(uow.s).list(since=start, until=end)),
                purges=tuple(inputs.PurgeSummary(f"P-{p.id}", p.started_at, p.total["reads"], p.total["hits"],
                                                 p.total["images"], int((p.kept or {}).get("reads", 0)))
                             for p in PurgeRunRepository(uow.s).list(1000, start, end) if not p.refused_reason),
                overrides=tuple(override_line(s, names.of) for s in override_steps))
            profile = load_profile(uow)
        path = document_path(self.documents_root, DocumentKind.USAGE_REPORT, "usage", ".pdf", now)
        return self._file(actor, DocumentKind.USAGE_REPORT, f"Usage report {label}", path, now,
                          lambda: render_usage_report(profile, data, inputs.GeneratedBy(names.of_actor(actor), now), path))

    @publishes(RECORDS)
    def transparency(self, actor: Actor, start: datetime | None = None, end: datetime | None = None,
                     label: str = "", office: str = "Records Division") -> tuple[Document, Document]:
        """The public summary (PDF + HTML): counts only, never a plate, a person or a case."""
        audit_trail.require(self.ctx, actor, P.PRINT_RECORDS, "report.transparency")
        now = self.ctx.clock.now()
        if start is None or end is None:
            start, end = datetime(now.year - 1, 1, 1, tzinfo=UTC), datetime(now.year, 1, 1, tzinfo=UTC)
            label = label or f"Calendar year {now.year - 1}"
        label = label or f"{date_text(start, local=False)} to {date_text(end, local=False)}"
        with self.ctx.uow() as uow:
            rq = ReadsQuery(uow.s)
            hits = HitRecords(uow.s)
            cats = fold_covert(hits.counts(start, end)[0])  # a public page: covert lists are never named
            rel = ReleaseRepository(uow.s).list(since=start, until=end)
            _preset, periods = load_periods(uow)
            audits = [a for a in AuditRepository(uow.s).list() if a.completed_at and start <= a.period_start < end]
            data = inputs.TransparencyInput(
                period_label=label, period_start=start.date(), period_end=(end - timedelta(days=1)).date(), cameras=len(rq.cameras()),
                reads=rq.count_between(start, end), hits=sum(n for _, n in cats),
                hits_confirmed=hits.confirmed(start, end),
                searches=sum(n for _, n, _, _ in InquiryRepository(uow.s).counts_by_user(start, end)),
                releases_approved=sum(1 for r in rel if r.status.value in ("approved", "fulfilled")),
                releases_denied=sum(1 for r in rel if r.status.value == "denied"),
                purge_runs=len([p for p in PurgeRunRepository(uow.s).list(10000, start, end) if not p.refused_reason]),
                retention=(inputs.RetentionRule("Plate reads", periods.reads_days),
                           inputs.RetentionRule("Hit records", periods.hits_days),
                           inputs.RetentionRule("Images", periods.images_days)),
                audits=tuple(inputs.AuditDone(f"{a.period_start:%b %Y}", a.completed_at.date(), len(a.items),
                                              sum(1 for i in a.items if i.compliant is False)) for a in audits),
                hits_by_type=tuple(inputs.LabeledCount(c, n) for c, n in cats), contact=office)
            profile = load_profile(uow)
        gen = inputs.GeneratedBy(office, now)
        pdf = document_path(self.documents_root, DocumentKind.TRANSPARENCY_PDF, "transparency", ".pdf", now)
        html = pdf.with_suffix(".html")
        d1 = self._file(actor, DocumentKind.TRANSPARENCY_PDF, f"Public ALPR summary {label} (PDF)", pdf, now,
                        lambda: render_transparency_pdf(profile, data, gen, pdf))
        d2 = self._file(actor, DocumentKind.TRANSPARENCY_HTML, f"Public ALPR summary {label} (web page)", html, now,
                        lambda: render_transparency_html(profile, data, gen, html))
        return d1, d2

    def _file(self, actor: Actor, kind: str, title: str, path: Path, now: datetime, render) -> Document:  # noqa: ANN001
        try:
            rf = render()
        except ReportError as exc:
            raise DomainError(str(exc)) from exc
        with self.ctx.uow() as uow:
            doc = DocumentRepository(uow.s).add(kind, title, str(rf.path), rf.sha256, actor.user_id, now)
            audit_trail.record(uow, self.ctx, actor, f"report.{kind}", object_type="document", object_id=doc.id,
                               detail={"title": title})
            return doc

"""The daily retention purge (000 433.5, 002 IV.N.3, 003 462.12).

Deletes expired reads, hit records and images; never what an evidence hold, an open hit, a hit
still within its retention or a release request not yet fulfilled covers; refuses to run when
the clock looks wrong; writes a destruction report (PDF) kept in the documents table.

Images: the purge asks the image store to keep copies of the kept reads' images
(:meth:`ReadImages.protect`) in the same transaction that deletes the rows, then, after the
commit, lets the store drop whole hours (pack files) or days (PostgreSQL partitions). Files from
before the image store are removed only when no remaining row references them. On PostgreSQL a
whole expired day of reads is dropped as a partition when nothing in it is kept.

The app schedules :meth:`PurgeService.purge_if_due` (e.g. a QTimer every hour); the CLI runs
``python main.py admin retention purge``.
"""

from __future__ import annotations

import logging
import socket
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from app.domain.changes import Changes
from app.domain.errors import Conflict, DomainError
from app.domain.records.documents import Document, DocumentKind
from app.domain.records.retention import ClockGuard, PurgeRun, RetentionPeriods
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.errors import SQLAlchemyError
from app.persistence.repositories.read_images import ReadImageRefs
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import DocumentRepository, PurgeRunRepository
from app.persistence.repositories.records_partitions import (
    day_bounds,
    drop_day_partition,
    ensure_day_partitions,
    is_partitioned,
    list_day_partitions,
)
from app.persistence.repositories.records_purge import DayCounts, KeptRow, PurgeStore
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.image_store import ReadImages, legacy_path
from app.services.people import actor_signature
from app.services.records_files import document_path, load_profile
from app.services.releases import open_request_reads
from app.services.reports import ReportError, inputs, render_purge_report
from app.services.retention import load_periods

logger = logging.getLogger(__name__)
P = Permission
KEPT_LISTED = 1000
PARTITION_LOCK_TIMEOUT_S = 10
PARTITIONS_AHEAD_DAYS = 7


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What one purge run did."""

    run_id: int
    reads: int
    hits: int
    images: int
    files_removed: int
    kept: int
    partitions_dropped: int
    seconds: float
    document: Document | None


class PurgeService:
    """Run the purge now, or when a day has passed since the last one."""

    def __init__(self, ctx: ServiceContext, images: ReadImages, documents_root: Path,
                 guard: ClockGuard | None = None) -> None:
        self.ctx = ctx
        self.images = images
        self.documents_root = documents_root
        self.guard = guard or ClockGuard()

    def runs(self, actor: Actor, limit: int = 100) -> list[PurgeRun]:
        """Recent purge runs and refusals, newest first."""
        audit_trail.require_any(self.ctx, actor, (P.RUN_PURGE, P.MANAGE_RETENTION, P.PRINT_RECORDS), "purge.runs")
        with self.ctx.uow() as uow:
            return PurgeRunRepository(uow.s).list(limit)

    def purge_if_due(self, actor: Actor, min_interval: timedelta = timedelta(hours=20)) -> PurgeResult | None:
        """The scheduled entry point: purge unless a run happened within ``min_interval``."""
        audit_trail.require(self.ctx, actor, P.RUN_PURGE, "purge.due")
        with self.ctx.uow() as uow:
            last = PurgeRunRepository(uow.s).last_started()
        if last is not None and self.ctx.clock.now() - last < min_interval and self.ctx.clock.now() >= last:
            return None
        return self.purge(actor, trigger="schedule")

    @publishes(Changes(records=True, hits=True))
    def purge(self, actor: Actor, trigger: str = "manual", accept_clock_gap: bool = False) -> PurgeResult:
        """Delete what retention has expired.

        Raises:
            PermissionDenied: may not run the purge (recorded).
            Conflict: the clock went backwards or jumped (the refusal is recorded; nothing deleted).

        """
        audit_trail.require(self.ctx, actor, P.RUN_PURGE, "retention.purge")
        t0 = _time.monotonic()
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            last = PurgeRunRepository(uow.s).last_started()
            newest = ReadsQuery(uow.s).newest_captured_at()
            _preset, periods = load_periods(uow, now)
        problem = self.guard.problem(now, last, newest, accept_clock_gap)
        if problem:
            self._refuse(actor, trigger, now, problem)
            raise Conflict(problem)
        cut = _cutoffs(now, periods)
        image_edge = self.images.store.boundary(cut["images"])
        counts = DayCounts({})
        with self.ctx.uow() as uow:
            runs = PurgeRunRepository(uow.s)
            run_id = runs.add(started_at=now, run_by=actor.user_id, trigger=trigger,
                              cutoffs={k: v.isoformat() for k, v in cut.items()})
            store = PurgeStore(uow.s)
            store.prepare()
            phases = _Phases()
            kept_hits = store.kept_hits(cut["hits"])
            released = open_request_reads(uow, cut["reads"])
            for hid, rid in store.hits_of_reads(set(released)).items():
                kept_hits.setdefault(hid, (f"Hit covered by a {released[rid][0].lower()}", released[rid][1]))
            kept_reads = {**store.kept_reads(cut["reads"], cut["hits"], kept_hits), **released}
            store.fill_keep_table(set(kept_reads))
            protected = self.images.protect(uow, kept_reads, image_edge)
            phases.mark("keep")
            store.delete_hits(cut["hits"], set(kept_hits), counts)
            phases.mark("hits")
            legacy: set[str] = set()
            dropped = self._drop_partitions(uow, store, cut["reads"], set(kept_reads), counts, legacy)
            phases.mark("partitions")
            store.count_reads(cut["reads"], counts)
            legacy.update(store.iter_legacy_shas(cut["reads"]))
            phases.mark("scan")
            store.delete_reads(cut["reads"])
            phases.mark("delete")
            legacy.update(store.strip_images(image_edge, counts))
            legacy -= ReadImageRefs(uow.s).legacy_referenced(legacy)  # shared files still referenced stay
            # the deletion commits with its own access-record row (the closing row follows the report)
            audit_trail.record(uow, self.ctx, actor, "retention.purge.delete", object_type="purge_run",
                               object_id=run_id, detail={**counts.totals(), "trigger": trigger,
                                                         "clock_gap_accepted": accept_clock_gap,
                                                         "cutoffs": {k: v.isoformat() for k, v in cut.items()}})
            self.images.forget_unreferenced(uow)
            kept_rows = (store.describe_kept(kept_reads, KEPT_LISTED)
                         + store.describe_kept_hits(kept_hits, KEPT_LISTED))
            store.drop_keep_table()
            store.optimize()
        phases.mark("commit")
        self._partitions_ahead(now)
        removed = self._expire_images(cut["images"], legacy)
        phases.mark("images")
        totals = counts.totals()
        kept_summary = _kept_summary(kept_reads, kept_hits)
        doc = self._report(actor, run_id, trigger, now, periods, cut, counts, kept_rows, len(kept_reads)
                           + len(kept_hits))
        finished = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            PurgeRunRepository(uow.s).update(run_id, finished_at=finished, counts={**totals, "files": removed,
                                             "partitions_dropped": dropped, "images_kept_copies": protected},
                                             kept=kept_summary,
                                             report_document_id=doc.id if doc else None)
            audit_trail.record(uow, self.ctx, actor, "retention.purge", object_type="purge_run", object_id=run_id,
                               detail={**totals, "files": removed, "kept": kept_summary, "trigger": trigger,
                                       "clock_gap_accepted": accept_clock_gap,
                                       "document_id": doc.id if doc else None})
        secs = _time.monotonic() - t0
        logger.info("purge %s: %s in %.1f s (%s)", run_id, totals, secs, phases)
        return PurgeResult(run_id, totals["reads"], totals["hits"], totals["images"], removed,
                           len(kept_reads) + len(kept_hits), dropped, secs, doc)

    def _refuse(self, actor: Actor, trigger: str, now: datetime, problem: str) -> None:
        with self.ctx.uow() as uow:
            run_id = PurgeRunRepository(uow.s).add(started_at=now, finished_at=now, run_by=actor.user_id,
                                                   trigger=trigger, refused_reason=problem)
            audit_trail.record(uow, self.ctx, actor, "retention.purge", outcome="refused", object_type="purge_run",
                               object_id=run_id, detail={"reason": problem, "trigger": trigger})
        logger.warning("purge refused: %s", problem)

    def _drop_partitions(self, uow, store: PurgeStore, reads_cutoff: datetime, kept: set[int],  # noqa: ANN001
                         counts: DayCounts, legacy: set[str]) -> int:
        """Drop whole expired days (PostgreSQL); a day whose lock is not granted in time is row-deleted later."""
        if not is_partitioned(uow.s):
            return 0
        busy = store.kept_days(kept)
        dropped = 0
        for day in list_day_partitions(uow.s):
            lo, hi = day_bounds(day)
            if hi > reads_cutoff or day.isoformat() in busy:
                continue
            day_counts, day_shas = DayCounts({}), set()
            store.count_reads(hi, day_counts, start=lo)
            day_shas.update(store.iter_legacy_shas(hi, start=lo))
            try:
                with uow.s.begin_nested():
                    drop_day_partition(uow.s, day, lock_timeout_s=PARTITION_LOCK_TIMEOUT_S)
            except SQLAlchemyError as exc:  # another console holds the table: fall back to deleting rows
                logger.warning("partition of %s not dropped (%s); deleting its rows instead", day, exc.__class__.__name__)
                continue
            for (d, cam), v in day_counts.rows.items():
                counts.add(d, cam, *v)
            legacy.update(day_shas)
            dropped += 1
        return dropped

    def prepare_storage(self) -> None:
        """Day partitions of reads and images for today and the coming week (PostgreSQL; no-op on SQLite).

        Run at start-up and by housekeeping, so a fresh center's reads and images do not pile up in
        the default partitions (moving them out later copies every byte).
        """
        self._partitions_ahead(self.ctx.clock.now())

    def _partitions_ahead(self, now: datetime) -> None:
        """Keep day partitions ready for the coming week (PostgreSQL; the daily purge is the daily job)."""
        try:
            with self.ctx.uow() as uow:
                ensure_day_partitions(uow.s, now.date(), now.date() + timedelta(days=PARTITIONS_AHEAD_DAYS))
        except SQLAlchemyError as exc:  # reads then land in reads_default: slower purge, nothing lost
            logger.error("could not create reads partitions ahead: %s", exc)

    def _expire_images(self, images_cutoff: datetime, legacy: set[str]) -> int:
        """After the commit: the store drops expired hours/days; unreferenced legacy files are removed.

        A failure here leaves bytes no row points at (removed by the next run), never a row without its image.
        """
        removed = 0
        try:
            removed += self.images.store.expire(images_cutoff)
        except (OSError, SQLAlchemyError) as exc:
            logger.error("image store could not drop expired images (next run retries): %s", exc)
        for sha in legacy:
            try:
                legacy_path(self.images.legacy_root, sha).unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except OSError as exc:  # keep going: a file we cannot remove is logged, the rest still go
                logger.error("could not remove image %s: %s", sha, exc)
        return removed

    def _report(self, actor: Actor, run_id: int, trigger: str, now: datetime, periods: RetentionPeriods,
                cut: dict[str, datetime], counts: DayCounts, kept: list[KeptRow], kept_total: int) -> Document | None:
        with self.ctx.uow() as uow:
            profile = load_profile(uow)
            by = actor_signature(uow.s, actor)  # documents name people by full name and title
        finished = self.ctx.clock.now()
        notes = "" if kept_total <= len(kept) else f"{kept_total - len(kept)} further kept items are not listed."
        data = inputs.PurgeReportInput(
            run_id=f"P-{run_id}", started_at=now, finished_at=finished, run_by=by, trigger=trigger,
            host=actor.workstation or socket.gethostname(), outcome="Completed",
            cutoffs=(inputs.PurgeCutoff("Reads", periods.reads_days, cut["reads"]),
                     inputs.PurgeCutoff("Hit records", periods.hits_days, cut["hits"]),
                     inputs.PurgeCutoff("Images", periods.images_days, cut["images"])),
            counts=tuple(inputs.PurgeCount(date.fromisoformat(d), cam, v[0], v[1], v[2])
                         for (d, cam), v in sorted(counts.rows.items())),
            kept=tuple(inputs.KeptItem(f"{'R' if k.kind == 'read' else 'H'}-{k.item_id}", k.kind.title(), k.camera,
                                       k.captured_at, k.reason, k.reference) for k in kept),
            notes=notes)
        path = document_path(self.documents_root, DocumentKind.PURGE_REPORT, f"purge-{run_id}", ".pdf", now)
        try:
            rf = render_purge_report(profile, data, inputs.GeneratedBy(by, finished), path)
        except ReportError as exc:  # the purge is done; a missing report is logged and recorded
            logger.error("destruction report of purge %s not written: %s", run_id, exc)
            audit_trail.record_alone(self.ctx, actor, "retention.purge_report", outcome="failed",
                                     object_type="purge_run", object_id=run_id, detail={"error": str(exc)})
            return None
        with self.ctx.uow() as uow:
            return DocumentRepository(uow.s).add(DocumentKind.PURGE_REPORT, f"Destruction report P-{run_id}",
                                                 str(rf.path), rf.sha256, actor.user_id, finished,
                                                 {"purge_run_id": run_id})


class _Phases:
    """Wall time of each purge step, for the log."""

    def __init__(self) -> None:
        self.t = _time.monotonic()
        self.done: list[tuple[str, float]] = []

    def mark(self, name: str) -> None:
        now = _time.monotonic()
        self.done.append((name, now - self.t))
        self.t = now

    def __str__(self) -> str:
        return " ".join(f"{n}={s:.1f}s" for n, s in self.done)


def _cutoffs(now: datetime, p: RetentionPeriods) -> dict[str, datetime]:
    return {"reads": now - timedelta(days=p.reads_days), "hits": now - timedelta(days=p.hits_days),
            "images": now - timedelta(days=min(p.images_days, p.reads_days))}


def _kept_summary(kept_reads: dict[int, tuple[str, str]], kept_hits: dict[int, tuple[str, str]]) -> dict:
    by_reason: dict[str, int] = {}
    for reason, _ref in list(kept_reads.values()) + list(kept_hits.values()):
        by_reason[reason] = by_reason.get(reason, 0) + 1
    return {"reads": len(kept_reads), "hits": len(kept_hits), "by_reason": by_reason}


__all__ = ["DomainError", "PurgeResult", "PurgeService"]

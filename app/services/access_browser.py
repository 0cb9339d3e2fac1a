"""The access record browser: filtered, keyset-paged reading and recorded exports (CSV, PDF).

Only accounts holding ``VIEW_ACCESS_LOG`` (checked from the database at every call) may browse
or export. A browse records which filter was used; an export records who, when, the filter, the
reason, the format, the row count and the file's SHA-256 in the same transaction that read the rows,
and the file is only left in place when that transaction commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

from app.domain.access_query import AccessExport, AccessFilter, AccessPage, check_page_size
from app.domain.errors import ValidationFailed
from app.domain.roles import Permission
from app.domain.substance import reason_problem
from app.domain.users import Actor
from app.persistence.repositories.access_log import AccessLogQueries
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.csv_export import csv_bytes
from app.services.people import Signatures
from app.services.records_files import ExportWriteError, load_profile, protected_target_problem
from app.services.reports import inputs
from app.services.reports.access_record import COLUMNS, access_cells, render_access_record
from app.services.reports.output import ReportWriteError, write_atomically

P = Permission
FORMATS = ("csv", "pdf")
PDF_MAX_ROWS = 20_000  # a PDF of more rows is not read by anyone; CSV has no limit


class AccessRecordService:
    """Browse and export the access record (itself recorded)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        # cursors this service handed out: (user id, filter, cursor); any other cursor starts a recorded browse
        self._issued: set[tuple[int | None, str, int]] = set()
        self._lock = threading.Lock()

    def filter_choices(self, actor: Actor) -> tuple[list[str], list[str]]:
        """(account names, actions) to offer in the filter."""
        audit_trail.require(self.ctx, actor, P.VIEW_ACCESS_LOG, "access_log.view")
        with self.ctx.uow(read_only=True) as uow:
            names = sorted(u.username for u in UserRepository(uow.s).list())
            return names, AccessLogQueries(uow.s).actions()

    def page(self, actor: Actor, flt: AccessFilter, cursor: int | None = None, size: int = 200) -> AccessPage:
        """One page of the rows ``flt`` matches, newest first; pass ``next_cursor`` back for the next.

        The first page of a filter is recorded (``access_log.view`` with the filter); following
        pages of the same browse (cursors this service issued to the same user for the same filter)
        are not, so paging does not fill the record with its own rows. Any other cursor is recorded.
        """
        audit_trail.require(self.ctx, actor, P.VIEW_ACCESS_LOG, "access_log.view")
        f = flt.normalised()
        check_page_size(size)
        key = repr(sorted(f.describe().items()))
        with self._lock:
            continued = cursor is not None and (actor.user_id, key, cursor) in self._issued
        with self.ctx.uow() as uow:
            rows, nxt = AccessLogQueries(uow.s).page(f, cursor, size)
            if not continued:  # a first page, or a cursor this service never issued: a browse of its own
                audit_trail.record(uow, self.ctx, actor, "access_log.view",
                                   detail={"filter": f.describe(), "rows": len(rows), "more": nxt is not None,
                                           **({"from_cursor": cursor} if cursor is not None else {})})
        if nxt is not None:
            with self._lock:
                self._issued.add((actor.user_id, key, nxt))
        return AccessPage(tuple(rows), nxt)

    def export(self, actor: Actor, flt: AccessFilter, fmt: str, reason: str, target: Path) -> AccessExport:
        """Write every row ``flt`` matches to ``target`` (CSV or PDF), recorded with the reason.

        Raises:
            ValidationFailed: unknown format, no reason of substance, a reversed range, or a PDF of
                more than ``PDF_MAX_ROWS`` rows.
            ExportWriteError: the file could not be written (nothing is left; the failure is recorded).

        """
        audit_trail.require(self.ctx, actor, P.VIEW_ACCESS_LOG, "access_log.export")
        if fmt not in FORMATS:
            raise ValidationFailed(f"Export as one of: {', '.join(FORMATS)}.")
        problem = reason_problem(reason, "The reason for the export")
        f = flt.normalised()
        if not problem:
            with self.ctx.uow(read_only=True) as uow:
                problem = protected_target_problem(uow, Path(target))
        if problem:
            audit_trail.record_alone(self.ctx, actor, "access_log.export", outcome="refused", reason=reason,
                                     detail={"filter": f.describe(), "format": fmt, "problem": problem})
            raise ValidationFailed(problem)
        target = Path(target)
        written = None
        try:
            with self.ctx.uow() as uow:
                entries = list(AccessLogQueries(uow.s).iter_filtered(f))
                if fmt == "pdf" and len(entries) > PDF_MAX_ROWS:
                    raise ValidationFailed(f"{len(entries):,} rows are too many for a PDF (at most "
                                           f"{PDF_MAX_ROWS:,}): narrow the filter or export CSV.")
                data = self._render(uow, actor, f, fmt, reason, entries)
                audit_trail.record(uow, self.ctx, actor, "access_log.export", reason=" ".join(reason.split()),
                                   detail={"filter": f.describe(), "format": fmt, "rows": len(entries),
                                           "file": target.name, "sha256": hashlib.sha256(data).hexdigest()})
                written = write_atomically(target, data)  # the commit follows; if it fails the file goes
        except ValidationFailed:
            raise
        except Exception as exc:
            if written is not None:  # written but not recorded: it must not stay
                with contextlib.suppress(OSError):
                    os.unlink(written.path)
            audit_trail.record_alone(self.ctx, actor, "access_log.export", outcome="failed", reason=reason,
                                     detail={"filter": f.describe(), "format": fmt, "problem": str(exc)[:300]})
            if isinstance(exc, ReportWriteError):
                raise ExportWriteError(str(exc)) from exc
            raise
        return AccessExport(str(written.path), fmt, len(entries), written.sha256)

    def _render(self, uow, actor: Actor, f: AccessFilter, fmt: str, reason: str,  # noqa: ANN001
                entries: list) -> bytes:
        if fmt == "csv":
            return csv_bytes(COLUMNS, (access_cells(e) for e in entries))
        labels = {"username": "User", "action": "Action", "object_type": "Object type", "object_id": "Object id",
                  "start": "From", "end": "Before"}
        shown = [(labels[k], v) for k, v in f.describe().items()] or [("Filter", "none: the whole record")]
        who = Signatures.load(uow.s, {actor.user_id}).of_actor(actor)  # full name and title, as on every document
        gen = inputs.GeneratedBy(who, self.ctx.clock.now())
        return render_access_record(load_profile(uow), gen, shown, " ".join(reason.split()), entries)

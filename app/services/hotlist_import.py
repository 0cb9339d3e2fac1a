"""One hot-list import: read the file safely, parse it, guard it, replace the list in one transaction.

Guards (policy 002 IV.I.4: the newest list overwrites the old one, a bad file must leave the old
list in force):

- only a regular file is read (a FIFO would block forever, ``/dev/zero`` never ends), at most
  ``MAX_FILE_BYTES`` and within ``READ_TIMEOUT_S``;
- every row is validated by :func:`app.domain.hotlists.parse_hotlist` (bad rows reported with
  their line numbers, too many refuse the file);
- a list more than ``max_shrink_fraction`` smaller than the previous accepted import of the same
  source is held until an administrator confirms it (``confirm_shrink=True``);
- any database error while replacing the list becomes a refused import with its report and
  access-record row; the previous list stays (the transaction rolled back).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.hotlist_admin import ImportSummary
from app.domain.hotlists import ParseOutcome, SourceParseSettings, parse_hotlist
from app.domain.hotlists.outcome import RefusalReason
from app.domain.users import Actor
from app.persistence.errors import SQLAlchemyError
from app.persistence.repositories.hotlists import HotListRepository
from app.services import audit_trail
from app.services.bulk_gate import GATE
from app.services.context import ServiceContext

logger = logging.getLogger(__name__)

#: Largest list file read (NCIC holds ~12 million records of ~70 bytes).
MAX_FILE_BYTES = 4 * 1024**3
#: Longest time reading one file may take (a hung network share must not hold the import worker).
READ_TIMEOUT_S = 300.0
_CHUNK = 8 * 1024 * 1024


class ListFileRefused(Exception):
    """The list file cannot be imported at all (not a regular file, too large, too slow, unreadable)."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_list_file(path: Path, max_bytes: int = MAX_FILE_BYTES, timeout_s: float = READ_TIMEOUT_S,
                   monotonic: Callable[[], float] = time.monotonic) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices, folders, huge files and endless reads.

    Raises:
        ListFileRefused: with the reason for the import report.

    """
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise ListFileRefused(RefusalReason.NOT_A_FILE, f"{path.name} is {kind}; only regular files are imported")
    if st.st_size > max_bytes:
        raise ListFileRefused(RefusalReason.TOO_LARGE, f"{st.st_size:,} bytes > limit {max_bytes:,}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO swapped in after the stat cannot hang the open
    except OSError as exc:
        raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ListFileRefused(RefusalReason.NOT_A_FILE, f"{path.name} is not a regular file")
        deadline = monotonic() + timeout_s
        parts: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise ListFileRefused(RefusalReason.TOO_LARGE, f"more than {max_bytes:,} bytes")
            parts.append(chunk)
            if monotonic() > deadline:
                raise ListFileRefused(RefusalReason.TIMED_OUT, f"reading took longer than {timeout_s:.0f} s")
    except OSError as exc:
        raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class _Verdict:
    accepted: bool
    refusal: str | None
    outcome_word: str  # ok | failed | held


def shrink_refusal(previous: int | None, new: int, settings: SourceParseSettings) -> str | None:
    """Why a list that shrank too much is held (None: it did not)."""
    if not previous or settings.max_shrink_fraction >= 1.0:
        return None
    if new < previous * (1.0 - settings.max_shrink_fraction):
        return (f"{RefusalReason.SHRANK}: {new:,} entries, {1 - new / previous:.0%} fewer than the "
                f"{previous:,} of the previous import (limit {settings.max_shrink_fraction:.0%}); "
                "held until an administrator confirms the import")
    return None


def run_import(ctx: ServiceContext, actor: Actor, source_id: int, name: str, file: Path, spec, settings,  # noqa: ANN001, PLR0913
               say: Callable[[str], None], confirm_shrink: bool = False) -> tuple[ImportSummary, bool]:
    """Import ``file`` for a source; returns the summary and whether the list was replaced."""
    started = ctx.clock.now()
    t0 = time.perf_counter()
    say(f"Reading {file.name}...")
    digest = None
    try:
        data = read_list_file(file)
    except ListFileRefused as exc:
        outcome: ParseOutcome | None = None
        verdict = _Verdict(False, f"{exc.reason}: {exc.detail}", "failed")
        report = [f"REFUSED ({exc.reason}): {exc.detail}"]
        counts = None
    else:
        digest = hashlib.sha256(data).hexdigest()
        say("Checking every row...")
        outcome = parse_hotlist(data, spec, settings, as_of=started.date())
        del data
        report = outcome.report_lines()
        counts = outcome.counts
        verdict = (_Verdict(True, None, "ok") if outcome.accepted
                   else _Verdict(False, f"{outcome.refusal}: {outcome.refusal_detail}", "failed"))
    imported = 0
    if verdict.accepted and outcome is not None:
        with ctx.uow() as uow:
            previous = HotListRepository(uow.s).last_accepted_count(source_id)
        held = None if confirm_shrink else shrink_refusal(previous, len(outcome.records), settings)
        if held:
            verdict = _Verdict(False, held, "held")
            report = [f"HELD: {held}", *report[1:]]
    if verdict.accepted and outcome is not None:
        say(f"Replacing the list with {len(outcome.records):,} entries...")
        try:
            if _dialect(ctx) == "sqlite":
                imported = _replace_in_chunks(ctx, source_id, list(outcome.records), started, say)
                with ctx.uow() as uow:
                    import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts,
                                        imported, time.perf_counter() - t0, report, confirm_shrink)
            else:  # PostgreSQL: one transaction (MVCC: nobody waits on it)
                with ctx.uow() as uow:
                    repo = HotListRepository(uow.s)
                    imported = repo.replace_entries(source_id, outcome.records, started)
                    import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts,
                                        imported, time.perf_counter() - t0, report, confirm_shrink)
        except SQLAlchemyError as exc:  # the list stays as it was: the transaction rolled back
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
            logger.error("hot-list import of %s refused by the database: %s", name, detail)
            verdict = _Verdict(False, f"{RefusalReason.DATABASE_ERROR}: {detail}", "failed")
            report = [f"REFUSED ({RefusalReason.DATABASE_ERROR}): {detail}", *report[1:]]
            imported = 0
    if not verdict.accepted:
        with ctx.uow() as uow:
            import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts, 0,
                                time.perf_counter() - t0, report, confirm_shrink)
    c = counts
    summary = ImportSummary(
        import_id, source_id, name, verdict.accepted, verdict.refusal, c.data_rows if c else 0, imported,
        (c.skipped_listed + c.skipped_state + c.skipped_expired) if c else 0, c.rejected if c else 0,
        c.duplicates_merged if c else 0, time.perf_counter() - t0, tuple(report), started)
    return summary, verdict.accepted


#: Rows per transaction of a chunked (SQLite) import: the write lock is held for one chunk only.
CHUNK_ROWS = 5_000


def _dialect(ctx: ServiceContext) -> str:
    with ctx.uow() as uow:
        return uow.s.get_bind().dialect.name


def _replace_in_chunks(ctx: ServiceContext, source_id: int, records: list, now, say) -> int:  # noqa: ANN001
    """SQLite: the new list goes in as chunks of short transactions, then the old list goes out the same way.

    SQLite has one write lock; one transaction for a million rows would hold every dispatcher's
    claim for seconds. Between the chunks a crash leaves the old list plus part of the new one
    (a superset: nothing that alerted yesterday stops alerting); a database error removes the new
    part again and the old list stays. The live matcher is swapped once, after the old list is gone.
    """
    records.sort(key=lambda r: r.plate)  # the plate index then grows at its end pages
    first_new: int | None = None
    try:
        for at in range(0, len(records), CHUNK_ROWS):
            GATE.pause_for_interactive()
            with ctx.uow() as uow:
                first, _n = HotListRepository(uow.s).append_entries(source_id, records[at:at + CHUNK_ROWS], now)
            first_new = first if first_new is None else first_new
            say(f"Writing entries: {min(at + CHUNK_ROWS, len(records)):,} of {len(records):,}")
    except SQLAlchemyError:
        if first_new is not None:
            _delete_chunked(ctx, source_id, from_id=first_new)
        raise
    if first_new is not None:
        say("Removing the previous list...")
        _delete_chunked(ctx, source_id, below_id=first_new)
    else:
        _delete_chunked(ctx, source_id, below_id=None)
    with ctx.uow() as uow:
        return HotListRepository(uow.s).set_entry_count(source_id)


def _delete_chunked(ctx: ServiceContext, source_id: int, *, below_id: int | None = None,
                    from_id: int | None = None) -> None:
    while True:
        GATE.pause_for_interactive()
        with ctx.uow() as uow:
            if not HotListRepository(uow.s).delete_entries_chunk(source_id, below_id=below_id, from_id=from_id,
                                                                 limit=CHUNK_ROWS):
                return


def _record(uow, ctx: ServiceContext, actor: Actor, source_id: int, started, verdict: _Verdict, file: Path,  # noqa: ANN001, PLR0913
            digest: str | None, counts, imported: int, seconds: float, report: list[str],  # noqa: ANN001
            confirmed: bool) -> int:
    repo = HotListRepository(uow.s)
    c = counts
    skipped = (c.skipped_listed + c.skipped_state + c.skipped_expired) if c else 0
    import_id = repo.add_import(source_id, started, ctx.clock.now(), verdict.accepted, verdict.refusal, file.name,
                                digest, c.data_rows if c else 0, imported, skipped, c.duplicates_merged if c else 0,
                                seconds, report, actor.user_id)
    audit_trail.record(uow, ctx, actor, "hotlist.import", outcome=verdict.outcome_word, object_type="hotlist_source",
                       object_id=source_id,
                       detail={"import_id": import_id, "accepted": verdict.accepted, "imported": imported,
                               "rejected": c.rejected if c else 0, "file_sha256": digest,
                               "refusal": verdict.refusal, "shrink_confirmed": confirmed})
    return import_id

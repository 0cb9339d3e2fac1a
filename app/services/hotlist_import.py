"""One hot-list import: read the file safely, parse it, guard it, replace the list in one transaction.

Guards (policy 002 IV.I.4: the newest list overwrites the old one, a bad file must leave the old
list in force):

- only a regular file is read (a FIFO would block forever, ``/dev/zero`` never ends), at most
  ``MAX_FILE_BYTES`` and within ``READ_TIMEOUT_S``;
- every row is validated by :func:`app.domain.hotlists.stream.parse_hotlist_stream` (bad rows reported with
  their line numbers, too many refuse the file);
- a list more than ``max_shrink_fraction`` smaller than the previous accepted import of the same
  source is held until an administrator confirms it (``confirm_shrink=True``), which confirms only
  the held import they were shown: the source's newest import was held, and this is the same file;
- any database error while replacing the list becomes a refused import with its report and
  access-record row; the previous list stays (the transaction rolled back).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import NotFound
from app.domain.hotlist_admin import ImportSummary
from app.domain.hotlists import ParseOutcome, SourceParseSettings
from app.domain.hotlists.outcome import RefusalReason
from app.domain.users import Actor
from app.persistence.errors import SQLAlchemyError
from app.persistence.hotlist_rows import RangeSizer, StagedCopy, StageError
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.hotlists import HotListRepository
from app.persistence.write_turns import BULK_WRITES
from app.services import audit_trail
from app.services.bulk_gate import GATE
from app.services.bulk_priority import STEPS, run_below
from app.services.context import ServiceContext
from app.services.hotlist_files import MAX_FILE_BYTES, READ_TIMEOUT_S, ListFileRefused, read_list_file
from app.services.hotlist_index_prebuilt import PrebuiltIndex, load_prebuilt
from app.services.hotlist_parse_child import INLINE_BELOW_BYTES, ChildParse, Parser, parse_in_child

__all__ = ["MAX_FILE_BYTES", "READ_TIMEOUT_S", "ListFileRefused", "read_list_file", "run_import", "shrink_refusal"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class _Verdict:
    accepted: bool
    refusal: str | None
    outcome_word: str  # ok | failed | held


def _refused(reason: str, detail: str) -> tuple[_Verdict, str]:
    """A refused import: its verdict and the first line of its report."""
    return _Verdict(False, f"{reason}: {detail}", "failed"), f"REFUSED ({reason}): {detail}"


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
               say: Callable[[str], None], confirm_shrink: bool = False,
               parse: Parser | None = None, inline_below_bytes: int = INLINE_BELOW_BYTES,
               ) -> tuple[ImportSummary, bool, PrebuiltIndex | None]:
    """Import ``file`` for a source; returns the summary, whether the list was replaced, and its index.

    The file is read and parsed in a child process (:mod:`app.services.hotlist_parse_child`); this
    thread only checks the verdict and writes the records as they arrive, a chunk at a time. On
    SQLite the child also builds the new list's index columns: the third value is that index
    (:mod:`app.services.hotlist_index_prebuilt`), or None (the caller rebuilds from the database).
    """
    recover_interrupted(ctx, source_id)  # a replacement a crash cut short is finished before anything else
    started = ctx.clock.now()
    t0 = time.perf_counter()
    say(f"Reading and checking {file.name}...")
    digest = None
    parsed: ChildParse | None = None
    db_path = _sqlite_path(ctx)
    sqlite = db_path is not None
    scratch = _scratch_folder() if db_path else None
    try:
        if scratch and db_path != ":memory:" and not _parsed_inline(file, inline_below_bytes):
            _check_scratch_space(Path(scratch), file)
        # the parser children start below the console (run_below); the copy below stays on this thread
        parsed = run_below(parse_in_child, file, spec, settings, started.date(), sort=sqlite, parse=parse,
                           inline_below_bytes=inline_below_bytes, rows_for=(source_id, started, not sqlite),
                           stage=f"{scratch}/stage.db" if scratch and db_path != ":memory:" else None,
                           steps=0 if _parsed_inline(file, inline_below_bytes) else PARSE_BELOW_STEPS)
    except ListFileRefused as exc:
        outcome: ParseOutcome | None = None
        verdict, refused = _refused(exc.reason, exc.detail)
        report = [refused]
        counts = None
    else:
        digest, outcome = parsed.digest, parsed.outcome
        report = outcome.report_lines()
        counts = outcome.counts
        verdict = (_Verdict(True, None, "ok") if outcome.accepted
                   else _Verdict(False, f"{outcome.refusal}: {outcome.refusal_detail}", "failed"))
    imported = 0
    prebuilt: PrebuiltIndex | None = None
    confirmed = False
    try:
        if verdict.accepted and parsed is not None:
            with ctx.uow() as uow:
                repo = HotListRepository(uow.s)
                previous = repo.last_accepted_count(source_id)
                held_sha = repo.held_file_sha256(source_id, str(RefusalReason.SHRANK))
            held = shrink_refusal(previous, parsed.count, settings)
            # a confirmation confirms the held import its administrator was shown: the newest, same file
            confirmed = bool(held and confirm_shrink and digest is not None and held_sha == digest)
            if held and not confirmed:
                verdict = _Verdict(False, held, "held")
                report = [f"HELD: {held}", *report[1:]]
        if verdict.accepted and parsed is not None and db_path not in (None, ":memory:"):
            short = _database_space_shortage(Path(db_path), parsed.count)
            if short:
                verdict, refused = _refused(RefusalReason.DISK_SPACE, short)
                report = [refused, *report[1:]]
        if verdict.accepted and parsed is not None:
            say(f"Replacing the list with {parsed.count:,} entries...")
            try:
                if sqlite and parsed.staged:
                    imported, ranges = _replace_from_stage(ctx, source_id, db_path, parsed.stage_files(), say)
                    prebuilt = _prebuilt(Path(parsed.staged).parent, source_id, ranges) if parsed.index_ready() \
                        else None
                    with ctx.uow() as uow:
                        import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts,
                                            imported, time.perf_counter() - t0, report, confirmed)
                elif sqlite:
                    imported = _replace_in_chunks(ctx, source_id, parsed.chunks(), parsed.count, say)
                    with ctx.uow() as uow:
                        import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts,
                                            imported, time.perf_counter() - t0, report, confirmed)
                else:  # PostgreSQL: one transaction (MVCC: nobody waits on it), records streamed into COPY
                    with ctx.uow() as uow:
                        repo = HotListRepository(uow.s)
                        imported = repo.replace_with_rows(source_id, _flat(parsed.chunks()))
                        import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts,
                                            imported, time.perf_counter() - t0, report, confirmed)
            except (SQLAlchemyError, StageError) as exc:  # the list stays as it was: the transaction rolled back
                detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["?"])[0][:300]
                logger.error("hot-list import of %s refused by the database: %s", name, detail)
                verdict, refused = _refused(RefusalReason.DATABASE_ERROR, detail)
                report = [refused, *report[1:]]
                imported, prebuilt = 0, None
            except ListFileRefused as exc:  # the child died while sending the records: nothing replaced
                logger.error("hot-list import of %s: %s", name, exc.detail)
                verdict, refused = _refused(exc.reason, exc.detail)
                report = [refused, *report[1:]]
                imported, prebuilt = 0, None
    finally:
        if parsed is not None:
            parsed.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if not verdict.accepted:
        with ctx.uow() as uow:
            import_id = _record(uow, ctx, actor, source_id, started, verdict, file, digest, counts, 0,
                                time.perf_counter() - t0, report, confirmed)
    c = counts
    summary = ImportSummary(
        import_id, source_id, name, verdict.accepted, verdict.refusal, c.data_rows if c else 0, imported,
        (c.skipped_listed + c.skipped_state + c.skipped_expired) if c else 0, c.rejected if c else 0,
        c.duplicates_merged if c else 0, time.perf_counter() - t0, tuple(report), started)
    return summary, verdict.accepted, prebuilt if verdict.accepted else None


#: Database bytes a new entry takes while both lists are held (~190 in the table and its indexes, measured
#: on NCIC rows; the rest for the write-ahead log and page slack), and a floor of free space always kept.
ENTRY_BYTES = 320
SPACE_FLOOR_BYTES = 64 * 1024**2
#: Scratch bytes per byte of list file (the stage files measured ~1.0x the NCIC text) and a floor.
SCRATCH_PER_FILE_BYTE = 1.5
SCRATCH_FLOOR_BYTES = 16 * 1024**2


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _mb(n: float) -> str:
    return f"{n / 1024**2:,.0f} MB"


def _database_space_shortage(db: Path, entries: int) -> str | None:
    """Why the database's disk cannot take ``entries`` new entries beside the old list (None: it can)."""
    free = _free_bytes(db.parent)
    need = entries * ENTRY_BYTES + SPACE_FLOOR_BYTES
    if free is None or free >= need:
        return None
    return (f"the database disk ({db.parent}) has {_mb(free)} free; {entries:,} new entries need about "
            f"{_mb(need)} while the previous list is replaced. Free disk space, then import again")


def _check_scratch_space(folder: Path, file: Path) -> None:
    """Refuse before parsing when the scratch folder cannot hold the parser's stage files."""
    free = _free_bytes(folder)
    try:
        size = file.stat().st_size
    except OSError:
        return  # the reader reports it
    need = int(size * SCRATCH_PER_FILE_BYTE) + SCRATCH_FLOOR_BYTES
    if free is not None and free < need:
        raise ListFileRefused(RefusalReason.DISK_SPACE,
                              f"the scratch folder ({folder.parent}) has {_mb(free)} free; parsing "
                              f"{file.name} needs about {_mb(need)}. Free disk space, then import again")


#: Scratch folders of imports (the parser's stage files: ~1 GB for a national list), one per import.
STAGE_PREFIX = "hotlist-stage-"
_OWNER = "owner.pid"


def _scratch_folder() -> str:
    folder = tempfile.mkdtemp(prefix=STAGE_PREFIX)
    Path(folder, _OWNER).write_text(f"{os.getpid()}\n")
    return folder


def remove_stale_stages(root: Path | None = None) -> int:
    """Remove the scratch folders that imports of dead processes left (a crash skips the cleanup); returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{STAGE_PREFIX}*"):
        try:
            pid = int((folder / _OWNER).read_text().strip())
        except (OSError, ValueError):
            continue  # not ours to judge (an older version's, or being created)
        if pid == os.getpid() or _running_elsewhere(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


#: Niceness steps the parser children run below the console (:mod:`app.services.bulk_priority`); 0: level.
PARSE_BELOW_STEPS = STEPS


def _parsed_inline(file: Path, inline_below_bytes: int) -> bool:
    """A small regular file is parsed on the calling thread: its Python must not run niced (it holds the GIL)."""
    try:
        return file.is_file() and file.stat().st_size < inline_below_bytes
    except OSError:
        return False


def _prebuilt(folder: Path, source_id: int, ranges: list[tuple[int, int]]) -> PrebuiltIndex | None:
    """The index the parser child built for the copied rows; None (rebuild from the database) if unusable."""
    try:
        return load_prebuilt(folder, source_id, ranges)
    except (OSError, ValueError, KeyError, MemoryError) as exc:
        logger.warning("hot-list import: the parser's index columns are unusable (%s); rebuilt from the database",
                       exc)
        return None


#: Rows per transaction of a chunked (SQLite) import: the write lock is held for one chunk only.
CHUNK_ROWS = 2_000
#: Old entries removed per transaction (one statement inside SQLite: ~4 us a row with the indexes, so ~40 ms
#: of write lock; 2,000 a transaction spent a quarter of the removal in commits).
DELETE_ROWS = 10_000


def _sqlite_path(ctx: ServiceContext) -> str | None:
    """The SQLite database file (``:memory:`` for an in-memory one); None on PostgreSQL."""
    with ctx.uow() as uow:
        bind = uow.s.get_bind()
        if bind.dialect.name != "sqlite":
            return None
        return bind.url.database or ":memory:"


#: Staged rows per copy transaction (SQLite): C inside SQLite, ~10-30 ms of write lock each.
COPY_ROWS = 10_000
#: Longest wait between progress messages: a million rows must not become hundreds of GUI updates.
PROGRESS_EVERY_S = 0.5
_now = time.monotonic


def _every(say: Callable[[str], None], seconds: float = PROGRESS_EVERY_S) -> Callable[[str], None]:
    """``say`` at most once per ``seconds`` (the first message always): progress crosses to the GUI thread."""
    last = [float("-inf")]

    def throttled(message: str) -> None:
        now = _now()
        if now - last[0] >= seconds:
            last[0] = now
            say(message)
    return throttled


def _replace_from_stage(ctx: ServiceContext, source_id: int, db_path: str, stage: list[str],
                        say: Callable[[str], None]) -> tuple[int, list[tuple[int, int]]]:
    """SQLite: move the parser child's staged rows into the list in rowid ranges, then remove the old list.

    Same crash and error rules as :func:`_replace_in_chunks` (a superset between ranges; an error
    removes the new part again). Each range is one ``INSERT ... SELECT`` inside SQLite. Returns the
    source's entry count and the ``(first id, rows)`` of every range, in copy order.
    """
    copier = StagedCopy(db_path, stage)
    first_new: int | None = None
    ranges: list[tuple[int, int]] = []
    tick = _every(say)
    try:
        _mark_copying(ctx, source_id)
        total = copier.count
        done = 0
        sizer = RangeSizer(COPY_ROWS)
        for batch in copier.ranges(sizer):
            GATE.pause_for_interactive()
            started = _now()
            first, n = copier.copy(batch)
            sizer.took(n, (_now() - started) * 1000.0)
            ranges.append((first, n))
            first_new = first if first_new is None else first_new
            done += n
            tick(f"Writing entries: {done:,} of {total:,}")
    except (StageError, SQLAlchemyError):
        if first_new is not None:
            _delete_chunked(ctx, source_id, from_id=first_new)
        _unmark(ctx, source_id)
        raise
    finally:
        copier.close()
    _mark_replacing(ctx, source_id, first_new)
    say("Removing the previous list...")
    _delete_chunked(ctx, source_id, below_id=first_new)
    with ctx.uow() as uow:
        # the old list (every id below the first new one) is gone: the source holds exactly the copied rows
        SharedSettingsRepository(uow.s).delete(_pending_key(source_id))
        return HotListRepository(uow.s).set_entry_count(source_id, sum(n for _, n in ranges)), ranges


def _flat(chunks: Iterable[list]) -> Iterator:
    for chunk in chunks:
        yield from chunk


def _rechunk(chunks: Iterable[list], size: int) -> Iterator[list]:
    pending: list = []
    for chunk in chunks:
        pending += chunk
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


def _replace_in_chunks(ctx: ServiceContext, source_id: int, chunks: Iterable[list], total: int,
                       say: Callable[[str], None]) -> int:
    """SQLite: the new list goes in as chunks of short transactions, then the old list goes out the same way.

    SQLite has one write lock; one transaction for a million rows would hold every dispatcher's
    claim for seconds. Between the chunks a crash leaves the old list plus part of the new one
    (a superset: nothing that alerted yesterday stops alerting); a database error (or the parser
    child dying mid-way) removes the new part again and the old list stays. The records arrive
    sorted by plate (the head index then grows at its end pages). The live matcher is swapped
    once, after the old list is gone.
    """
    first_new: int | None = None
    written = 0
    tick = _every(say)
    try:
        _mark_copying(ctx, source_id)
        for part in _rechunk(chunks, CHUNK_ROWS):
            GATE.pause_for_interactive()
            with BULK_WRITES.holding(), ctx.uow() as uow:
                first, _n = HotListRepository(uow.s).append_rows(part)
            first_new = first if first_new is None else first_new
            written += len(part)
            tick(f"Writing entries: {written:,} of {total:,}")
    except (SQLAlchemyError, ListFileRefused):
        if first_new is not None:
            _delete_chunked(ctx, source_id, from_id=first_new)
        _unmark(ctx, source_id)
        raise
    _mark_replacing(ctx, source_id, first_new)
    if first_new is not None:
        say("Removing the previous list...")
    _delete_chunked(ctx, source_id, below_id=first_new)
    with ctx.uow() as uow:
        SharedSettingsRepository(uow.s).delete(_pending_key(source_id))
        return HotListRepository(uow.s).set_entry_count(source_id)


#: Settings key of a replacement in progress (SQLite's short transactions): ``{"phase": "copy", "above_id": N}``
#: while the new list is written (every entry of the source above id N is new), ``{"phase": "replace",
#: "first_new_id": M}`` while the old list (ids below M) is removed. A crash leaves the key behind.
_PENDING = "hotlist.import.pending."


def _pending_key(source_id: int) -> str:
    return f"{_PENDING}{source_id}"


def _mark_copying(ctx: ServiceContext, source_id: int) -> None:
    with ctx.uow() as uow:
        above = HotListRepository(uow.s).max_entry_id()
        SharedSettingsRepository(uow.s).put(_pending_key(source_id), {"phase": "copy", "above_id": above,
                                                                      "pid": os.getpid()}, None, ctx.clock.now())


def _mark_replacing(ctx: ServiceContext, source_id: int, first_new: int | None) -> None:
    with ctx.uow() as uow:
        SharedSettingsRepository(uow.s).put(_pending_key(source_id), {"phase": "replace", "first_new_id": first_new,
                                                                      "pid": os.getpid()}, None, ctx.clock.now())


def _unmark(ctx: ServiceContext, source_id: int) -> None:
    with ctx.uow() as uow:
        SharedSettingsRepository(uow.s).delete(_pending_key(source_id))


def recover_interrupted(ctx: ServiceContext, source_id: int | None = None) -> list[str]:
    """Finish the list replacements a crash cut short (every source, or one); returns what was done.

    A crash while the new list was written leaves the old list plus part of the new one: the new
    part is removed (the previous list stays in force, as after a refused import; the next import
    brings the new one). A crash while the old list was removed leaves the whole new list plus part
    of the old one: the removal is finished. Each recovery is an access-record row.
    """
    with ctx.uow() as uow:
        pending = SharedSettingsRepository(uow.s).with_prefix(_PENDING)
    done: list[str] = []
    for key, value in sorted(pending.items()):
        sid = int(key.removeprefix(_PENDING))
        if source_id is not None and sid != source_id:
            continue
        state = value if isinstance(value, dict) else {}
        if _running_elsewhere(state.get("pid")):  # another process (the CLI beside the console) is importing it now
            continue
        if state.get("phase") == "replace":
            _delete_chunked(ctx, sid, below_id=state.get("first_new_id"))
            what = "the new list had been written; the removal of the previous list was finished"
        else:
            _delete_chunked(ctx, sid, from_id=int(state.get("above_id") or 0) + 1)
            what = "the new list was partly written; that part was removed and the previous list stays"
        with ctx.uow() as uow:
            try:
                count = HotListRepository(uow.s).set_entry_count(sid)
            except NotFound:  # the source was deleted since (its entries went with it)
                count = 0
            SharedSettingsRepository(uow.s).delete(key)
            audit_trail.record(uow, ctx, Actor.system(ctx.workstation, "hotlist-recovery"), "hotlist.import.recovered",
                               outcome="ok", object_type="hotlist_source", object_id=sid,
                               detail={"interrupted_phase": state.get("phase"), "entries": count, "what": what})
        logger.warning("hot-list source %d: an import interrupted by a crash: %s (%d entries)", sid, what, count)
        done.append(f"Hot-list source {sid}: an import was interrupted; {what} ({count:,} entries).")
    return done


def _running_elsewhere(pid: object) -> bool:
    """Whether ``pid`` is another live process of this machine (SQLite: the database is local)."""
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, not ours to signal
        return True
    return True


def _delete_chunked(ctx: ServiceContext, source_id: int, *, below_id: int | None = None,
                    from_id: int | None = None) -> None:
    while True:
        GATE.pause_for_interactive()
        with BULK_WRITES.holding(), ctx.uow() as uow:
            if not HotListRepository(uow.s).delete_entries_chunk(source_id, below_id=below_id, from_id=from_id,
                                                                 limit=DELETE_ROWS):
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

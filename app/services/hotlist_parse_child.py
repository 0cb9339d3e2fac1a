"""Reading and parsing a hot-list file in a child process, so the console's own process never runs it.

The parse of a million-row list is seconds of CPU in C loops (decode, split, sort) that hold the
GIL: in the console's process every dispatcher action and the GUI thread would wait on it. A
spawned child reads the file (with every guard of :func:`read_list_file`), parses and validates it
and, when the list is accepted, sends the records back in small pickled chunks (sorted by plate
when asked): the parent's bulk worker only unpickles and writes one chunk at a time, and never
holds the whole list as objects unless it asks to.

Any failure of the child (an exception, a crash, a kill, no answer within ``timeout_s``) raises
:class:`ListFileRefused` with :attr:`RefusalReason.PARSE_FAILED` (or ``TIMED_OUT``): the caller turns
it into a refused import with its report and access-record row, and the previous list stays.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing as mp
import multiprocessing.connection
import multiprocessing.spawn
import os
import pickle
import struct
import sys
import tempfile
import time
import traceback
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.domain.hotlists import ParseOutcome, SourceParseSettings
from app.domain.hotlists.fastpath import RecordBlock
from app.domain.hotlists.outcome import RefusalReason
from app.domain.hotlists.parse import _refused as refused_outcome
from app.domain.hotlists.stream import StreamOutcome, StreamPart, finish_stream
from app.persistence.hotlist_rows import RowStage, drop_staged, entry_rows
from app.services import hotlist_split
from app.services.hotlist_files import ListFileRefused, read_list_file
from app.services.hotlist_index_prebuilt import IndexColumnsBuilder
from app.services.hotlist_split import parse_file_part, scan_list_file, splittable

logger = logging.getLogger(__name__)

# multiprocessing imports these lazily, at the first Process.start(): on the bulk thread at the start of
# the first import, where PySide6's import hook reads each new module's source (a 60-80 ms GUI stall in
# bench/console.py). Imported with this module instead (at start-up).
if sys.platform == "win32":
    import multiprocessing.popen_spawn_win32  # noqa: F401
else:
    import multiprocessing.popen_spawn_posix  # noqa: F401
    import multiprocessing.resource_tracker  # noqa: F401

#: Records per message from the child (unpickling one chunk takes a few ms of the parent's GIL).
CHUNK_RECORDS = 2_000
#: Longest a child may take from start to its verdict (reading has its own limit inside).
PARSE_TIMEOUT_S = 900.0
#: Longest the console waits, after copying the rows, for the child to finish writing the index columns.
INDEX_WAIT_S = 120.0
#: Files smaller than this are parsed in the caller's thread (a few ms of parsing; starting a
#: child costs more). Lists of real size (NCIC: ~70 bytes a row) always go to the child.
INLINE_BELOW_BYTES = 256 * 1024

Parser = Callable[..., ParseOutcome]
#: (source id, import time, PostgreSQL?): send database rows (:func:`entry_rows`) instead of records
RowsFor = tuple[int, datetime, bool]


@dataclass(frozen=True)
class ChildParse:
    """What the child found: the file's digest, the outcome (records not included), who parsed it.

    ``chunks()`` yields the records of an accepted list, ``count`` of them in all, chunk by chunk.
    """

    digest: str
    outcome: ParseOutcome
    count: int
    pid: int
    _conn: Any
    _proc: Any
    _deadline: float
    #: SQLite: the rows wait in this scratch database (stage tables), not in the pipe
    staged: str | None = None
    #: the stage files of the further parts of a split parse (copied after ``staged``, table by table)
    staged_parts: tuple[str, ...] = ()
    _helper: Any = None

    def chunks(self) -> Iterator[list]:
        """The records, a chunk at a time (call once; the child ends after the last one)."""
        if self.staged is not None:
            return
        if isinstance(self._conn, list):  # parsed inline
            for at in range(0, len(self._conn), CHUNK_RECORDS):
                yield self._conn[at:at + CHUNK_RECORDS]
            return
        try:
            got = 0
            while got < self.count:
                chunk = pickle.loads(_recv(self._conn, self._proc, self._deadline))
                got += len(chunk)
                yield chunk
        finally:
            self.close()

    def records(self) -> list:
        """All records at once (small lists, tests)."""
        return [r for chunk in self.chunks() for r in chunk]

    def index_ready(self, timeout_s: float = INDEX_WAIT_S) -> bool:
        """SQLite staged parse: wait until the child has written the index columns; False: none to use.

        The child sends its verdict first and writes the index while the console copies the rows.
        """
        if self.staged is None or self._proc is None:
            return False
        try:
            message = pickle.loads(_recv(self._conn, self._proc, time.monotonic() + timeout_s))
        except (ListFileRefused, OSError, EOFError) as exc:  # dead, silent, or already ended
            logger.warning("hot-list parser: no index columns (%s); the console rebuilds from the database", exc)
            return False
        finally:
            self.close()
        return message[0] == "index" and bool(message[1])

    def close(self) -> None:
        """End the child (it is done, or its records or index are no longer wanted: then at once)."""
        if self._proc is not None:
            if self.staged is not None and self._proc.is_alive():
                self._proc.kill()  # still writing index columns nobody will read (a refused or failed copy)
            _end(self._conn, self._proc)
        if self._helper is not None:
            _end(None, self._helper)

    def stage_files(self) -> list[str]:
        """Every stage file of the parse, in copy order (SQLite)."""
        return [self.staged, *self.staged_parts] if self.staged else []


def stream_parse(path: Path, spec, settings, as_of, emit) -> tuple[str, StreamOutcome]:  # noqa: ANN001
    """Read (with every guard) and parse ``path`` a block at a time; ``emit`` gets each block's records.

    Returns the file's SHA-256 and the streamed outcome. Raises :class:`ListFileRefused`.
    """
    t0 = time.perf_counter()
    scan = scan_list_file(path, (settings or SourceParseSettings()).encoding)
    if isinstance(scan.encoding, RefusalReason):
        return "", _refused_scan(scan.encoding, t0)
    part = parse_file_part(path, spec, settings, as_of, scan, 0, emit)
    return scan.digest, finish_stream([part], spec, settings, scan.encoding, t0)


def _refused_scan(reason: RefusalReason, t0: float) -> StreamOutcome:
    detail = "the file is empty" if reason is RefusalReason.EMPTY else "file ends inside a UTF-8 character"
    return StreamOutcome(refused_outcome(reason, detail, t0, "utf-8"), 0, ())


@dataclass(frozen=True)
class _PartResult:
    """What the second parser hands the first one (through a file in the scratch folder)."""

    part: StreamPart
    columns: IndexColumnsBuilder
    buckets: bytes


def _staged_parse(conn, path: Path, spec, settings, as_of, rows_for: RowsFor, stage: str,  # noqa: ANN001, PLR0913
                  helper) -> None:  # noqa: ANN001
    """SQLite: parse into the stage file(s); with ``helper`` (a pipe to a second parser) split the file in two.

    The first parser reads the whole file once (encoding, SHA-256, the split), tells the second
    one its part, parses its own, then merges both parts' outcomes (duplicates across the parts
    included) and removes the losers from each part's stage file. Sends the verdict.
    """
    t0 = time.perf_counter()
    folder = Path(stage).parent
    split_at = _split_target(path) if helper is not None and splittable(spec) else None
    try:
        scan = scan_list_file(path, (settings or SourceParseSettings()).encoding, split_at=split_at)
    except ListFileRefused as exc:
        _tell(helper, None)
        conn.send(("refused", str(exc.reason), exc.detail))
        return
    if isinstance(scan.encoding, RefusalReason):
        _tell(helper, None)
        conn.send(("outcome", "", _refused_scan(scan.encoding, t0).outcome, 0, os.getpid(), ()))
        return
    second = str(folder / "stage-1.db") if scan.split else None
    _tell(helper, (scan, second) if second else None)
    staged = RowStage(stage, rows_for[0], rows_for[1])
    columns = IndexColumnsBuilder()
    try:
        parts = [parse_file_part(path, spec, settings, as_of, scan, 0, None, block_emit=_emit_to(staged, columns))]
        other = _await_part(helper) if second else None
    except ListFileRefused as exc:
        conn.send(("refused", str(exc.reason), exc.detail))
        return
    if other is not None:
        parts.append(other.part)
    streamed = finish_stream(parts, spec, settings, scan.encoding, t0)
    count = streamed.emitted - len(streamed.dropped) if streamed.outcome.accepted else 0
    if not count:
        staged.close()
        conn.send(("outcome", scan.digest, streamed.outcome, 0, os.getpid(), ()))
        return
    first = parts[0].emitted
    cut = bisect_left(streamed.dropped, first)
    count = staged.finish(streamed.dropped[:cut])
    buckets = staged.buckets
    if other is not None:
        count += drop_staged(second, other.buckets, [d - first for d in streamed.dropped[cut:]])
        columns.extend(other.columns)
        buckets = buckets + other.buckets
    conn.send(("outcome", scan.digest, streamed.outcome, count, os.getpid(), (second,) if second else ()))
    # the console copies the staged rows now, on its core; the index columns are written meanwhile on the
    # other one (4-7 s of sorting and writing for a national list that were on the import's critical path)
    conn.send(("index", _save_index(columns, folder, buckets, streamed.dropped)))


def _emit_to(staged: RowStage, columns: IndexColumnsBuilder):  # noqa: ANN202
    def emit(block: RecordBlock) -> None:
        staged.add_block(block)
        columns.add_block(block)
    return emit


def _split_target(path: Path) -> int | None:
    try:
        return os.stat(path).st_size // 2
    except OSError:
        return None  # the scan reports it


def _tell(helper, message) -> None:  # noqa: ANN001
    if helper is None:
        return
    try:
        helper.send(message)
    except OSError:
        pass  # the second parser is gone: waiting for it says so


def _await_part(helper) -> _PartResult:  # noqa: ANN001
    """The second parser's part; its refusal or failure is this parse's (the console's deadline bounds the wait)."""
    try:
        message = helper.recv()
    except (EOFError, OSError) as exc:
        raise RuntimeError("the second parser process ended without an answer") from exc
    kind = message[0]
    if kind == "done":
        with open(message[1], "rb") as fh:
            return pickle.load(fh)
    if kind == "refused":
        raise ListFileRefused(RefusalReason(message[1]), message[2])
    raise RuntimeError(f"second parser: {message[1]}")


def _part_main(conn, path: str, spec, settings, as_of, rows_for: RowsFor) -> None:  # noqa: ANN001
    """The second parser of a split file: waits for its part, parses it into its own stage file, hands back the rest."""
    gc.disable()
    _lower_priority()
    try:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        scan, stage = job
        staged = RowStage(stage, rows_for[0], rows_for[1])
        columns = IndexColumnsBuilder()
        part = parse_file_part(Path(path), spec, settings, as_of, scan, 1, None, block_emit=_emit_to(staged, columns))
        staged.commit()
        out = Path(stage).with_suffix(".part")
        with out.open("wb") as fh:
            pickle.dump(_PartResult(part, columns, bytes(staged.buckets)), fh, pickle.HIGHEST_PROTOCOL)
        conn.send(("done", str(out)))
    except ListFileRefused as exc:
        _tell(conn, ("refused", str(exc.reason), exc.detail))
    except BaseException as exc:  # noqa: BLE001 - the first parser turns it into a refusal
        _tell(conn, ("error", traceback.format_exception_only(type(exc), exc)[-1].strip()[:500]))
    finally:
        conn.close()


class _Spool:
    """Database rows of the emitted records in a temporary file, until the verdict says what to do with them.

    The verdict needs the whole file; holding ten million rows in memory meanwhile is what made
    the parser child 7.6 GB. Rows go to disk in pickled chunks and are read back one chunk at a time.
    """

    def __init__(self, rows_for: RowsFor | None) -> None:
        self.file = tempfile.TemporaryFile(prefix="hotlist-rows-")  # noqa: SIM115 - closed by close()
        self.rows_for = rows_for
        self.count = 0

    def add(self, records: list) -> None:
        for at in range(0, len(records), CHUNK_RECORDS):
            part = records[at:at + CHUNK_RECORDS]
            blob = pickle.dumps(entry_rows(part, *self.rows_for) if self.rows_for else part, pickle.HIGHEST_PROTOCOL)
            self.file.write(struct.pack("<Q", len(blob)))
            self.file.write(blob)
            self.count += len(part)

    def chunks(self, dropped: tuple[int, ...]) -> Iterator[list]:
        """The spooled chunks in order, without the sequence numbers in ``dropped`` (duplicates merged away)."""
        self.file.flush()
        self.file.seek(0)
        drop = set(dropped)
        seq = 0
        while head := self.file.read(8):
            chunk = pickle.loads(self.file.read(struct.unpack("<Q", head)[0]))
            n = len(chunk)
            if drop:
                chunk = [row for k, row in enumerate(chunk, seq) if k not in drop]
            seq += n
            yield chunk

    def close(self) -> None:
        self.file.close()


def _child_main(conn, path: str, spec, settings, as_of, sort: bool, parse: Parser | None,  # noqa: ANN001, PLR0913
                rows_for: RowsFor | None = None, stage: str | None = None, helper=None) -> None:  # noqa: ANN001
    # a short-lived process of millions of acyclic objects: the cyclic GC would only rescan them
    # again and again while the rows are built (it stalled a 10M-row list for minutes)
    gc.disable()
    _lower_priority()
    spool = None
    try:
        if parse is None and stage and rows_for:  # SQLite: the console copies the rows from the stage file(s)
            _staged_parse(conn, Path(path), spec, settings, as_of, rows_for, stage, helper)
            return
        if parse is None:  # PostgreSQL: streamed, rows spooled to disk, memory bounded by a block
            spool = _Spool(rows_for)
            try:
                digest, streamed = stream_parse(Path(path), spec, settings, as_of, spool.add)
            except ListFileRefused as exc:
                conn.send(("refused", str(exc.reason), exc.detail))
                return
            outcome = streamed.outcome
            count = streamed.emitted - len(streamed.dropped) if outcome.accepted else 0
            conn.send(("outcome", digest, outcome, count, os.getpid(), ()))
            if count:
                for chunk in _sized(spool.chunks(streamed.dropped), CHUNK_RECORDS):
                    conn.send_bytes(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
            return
        try:  # an injected whole-file parser (tests)
            data = read_list_file(Path(path))
        except ListFileRefused as exc:
            conn.send(("refused", str(exc.reason), exc.detail))
            return
        digest = hashlib.sha256(data).hexdigest()
        outcome = parse(data, spec, settings, as_of=as_of)
        del data
        records = list(outcome.records) if outcome.accepted else []
        if sort:
            records.sort(key=lambda r: r.plate)
        outcome = replace(outcome, records=())
        conn.send(("outcome", digest, outcome, len(records), os.getpid(), ()))
        for at in range(0, len(records), CHUNK_RECORDS):
            chunk = records[at:at + CHUNK_RECORDS]
            conn.send_bytes(pickle.dumps(entry_rows(chunk, *rows_for) if rows_for else chunk, pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # noqa: BLE001 - every failure reaches the parent as a refusal
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        try:
            conn.send(("error", tb[:500]))
        except OSError:
            pass
    finally:
        if spool is not None:
            spool.close()
        if helper is not None:
            helper.close()
        conn.close()


def _save_index(columns: IndexColumnsBuilder, folder: Path, buckets: bytearray, dropped: tuple[int, ...]) -> bool:
    """The new list's index columns for the console (optional: without them it rebuilds from the database)."""
    try:
        return columns.save(folder, buckets, dropped)
    except (OSError, ValueError, MemoryError) as exc:
        (folder / "index.json").unlink(missing_ok=True)
        logger.warning("hot-list parser: index columns not saved (%s); the console rebuilds from the database", exc)
        return False


#: A floor for the parser child's POSIX niceness (0 is the console's usual one): on a busy machine the
#: console's GUI thread and dispatcher actions get the CPU first; an idle core is still all the child's.
#: The child is normally started further down already: ``hotlist_import`` starts the parse through
#: :func:`app.services.bulk_priority.run_below` (10 steps below the console, at most 19), and the child
#: inherits that; this floor only lowers a child that was started some other way.
CHILD_NICE = 10


def _lower_priority() -> None:
    try:
        os.nice(max(0, CHILD_NICE - os.nice(0)))
    except (AttributeError, OSError):  # Windows has no os.nice: the child keeps the console's priority
        pass


def _sized(chunks: Iterator[list], size: int) -> Iterator[list]:
    """Chunks of ``size`` (the last one smaller) from chunks that lost a few rows."""
    pending: list = []
    for chunk in chunks:
        pending += chunk
        if len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


def _recv(conn, proc, deadline: float) -> bytes:  # noqa: ANN001
    """The next message of the child; a dead or silent child is a refused import."""
    while not conn.poll(0.2):
        if not proc.is_alive() and not conn.poll(0):
            raise ListFileRefused(RefusalReason.PARSE_FAILED,
                                  f"the parser process ended without an answer (exit code {proc.exitcode})")
        if time.monotonic() > deadline:
            raise ListFileRefused(RefusalReason.TIMED_OUT, "parsing took too long")
    try:
        return conn.recv_bytes()
    except (EOFError, OSError) as exc:
        raise ListFileRefused(RefusalReason.PARSE_FAILED, f"the parser process stopped answering ({exc})") from exc


def _end(conn, proc) -> None:  # noqa: ANN001
    if conn is not None:
        try:
            conn.close()
        except OSError:
            pass
    if proc is None:
        return
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join(5)


def _parse_inline(path: Path, spec, settings, as_of, sort: bool, parse: Parser | None,  # noqa: ANN001
                  rows_for: RowsFor | None) -> ChildParse:
    try:
        if parse is None:
            got: list = []
            digest, streamed = stream_parse(path, spec, settings, as_of, got.extend)
            drop = set(streamed.dropped)
            outcome = streamed.outcome
            records = [r for k, r in enumerate(got) if k not in drop] if outcome.accepted else []
        else:
            data = read_list_file(path)
            digest = hashlib.sha256(data).hexdigest()
            outcome = parse(data, spec, settings, as_of=as_of)
            records = list(outcome.records) if outcome.accepted else []
    except ListFileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser bug is a refused import, as in the child
        logger.exception("hot-list parser failed on %s", path.name)
        raise ListFileRefused(RefusalReason.PARSE_FAILED, f"the parser failed: {exc.__class__.__name__}: {exc}") from exc
    if sort:
        records.sort(key=lambda r: r.plate)
    if rows_for:
        records = entry_rows(records, *rows_for)
    return ChildParse(digest, replace(outcome, records=()), len(records), os.getpid(), records, None, 0.0)


def parse_in_child(path: Path, spec, settings: SourceParseSettings | None, as_of: date | None,  # noqa: ANN001
                   sort: bool = False, parse: Parser | None = None,
                   timeout_s: float = PARSE_TIMEOUT_S, inline_below_bytes: int = 0,
                   rows_for: RowsFor | None = None, stage: str | None = None,
                   split_min_bytes: int | None = None) -> ChildParse:
    """Read, guard and parse ``path`` in a spawned child; the verdict now, the records on demand.

    ``parse=None`` (the real path) streams the file (:func:`stream_parse`): the child's memory is one
    block of records, the rows wait in a temporary file for the verdict. A whole-file ``parse``
    function (tests) gets the bytes. ``sort`` sorts the records of a whole-file parse by plate.
    A regular file smaller than ``inline_below_bytes`` is parsed here instead (same guards, same
    refusals). With ``stage`` (a path; SQLite) a streamed parse leaves the rows in that scratch
    database (:class:`RowStage`) instead of sending them; a file of ``split_min_bytes`` or more
    (default :data:`hotlist_split.SPLIT_MIN_BYTES`) is then parsed by two children, each half of it
    into its own stage file (:mod:`app.services.hotlist_split`). With ``rows_for`` the chunks hold database rows (:func:`entry_rows`), built in
    the child: the parent then only unpickles plain tuples and hands them to the driver.

    Raises:
        ListFileRefused: the file was refused while reading it, or the child failed or timed out.

    """
    try:
        small = Path(path).is_file() and os.stat(path).st_size < inline_below_bytes
    except OSError:
        small = False
    if small:
        return _parse_inline(Path(path), spec, settings, as_of, sort, parse, rows_for)
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    staging = parse is None and bool(stage) and bool(rows_for)
    helper_proc, helper_end = None, None
    if staging and splittable(spec) and _big_enough(path, split_min_bytes):
        helper_end, theirs = ctx.Pipe(duplex=True)
        helper_proc = ctx.Process(target=_part_main, args=(theirs, str(path), spec, settings, as_of, rows_for),
                                  name="hotlist-parse-2", daemon=True)
        helper_proc.start()
        theirs.close()  # the first parser holds the only other end: EOF when the second one ends
    proc = ctx.Process(target=_child_main, args=(child, str(path), spec, settings, as_of, sort, parse, rows_for,
                                                 stage if staging else None, helper_end),
                       name="hotlist-parse", daemon=True)
    proc.start()
    child.close()  # only the child writes: EOF as soon as it ends
    if helper_end is not None:
        helper_end.close()
    deadline = time.monotonic() + timeout_s
    try:
        message = pickle.loads(_recv(parent, proc, deadline))
    except BaseException:
        _end(parent, proc)
        _stop(helper_proc)
        raise
    kind = message[0]
    if kind == "outcome":
        _, digest, outcome, count, pid, parts = message
        staged = stage if staging and count else None
        result = ChildParse(digest, outcome, count, pid, parent, proc, deadline, staged,
                            tuple(parts) if staged else (), helper_proc)
        if count == 0:
            result.close()
        return result
    _end(parent, proc)
    _stop(helper_proc)
    if kind == "refused":
        raise ListFileRefused(RefusalReason(message[1]), message[2])
    logger.error("hot-list parser process failed on %s: %s", Path(path).name, message[1])
    raise ListFileRefused(RefusalReason.PARSE_FAILED, f"the parser failed: {message[1]}")


def _stop(proc) -> None:  # noqa: ANN001
    """End the second parser at once (the first one failed or was refused: its part is of no use)."""
    if proc is None:
        return
    if proc.is_alive():
        proc.kill()
    proc.join(5)


def _big_enough(path: Path, split_min_bytes: int | None) -> bool:
    limit = hotlist_split.SPLIT_MIN_BYTES if split_min_bytes is None else split_min_bytes
    try:
        return os.stat(path).st_size >= limit
    except OSError:
        return False

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
import os
import pickle
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.domain.hotlists import ParseOutcome, SourceParseSettings, parse_hotlist
from app.domain.hotlists.outcome import RefusalReason
from app.persistence.hotlist_rows import entry_rows
from app.services.hotlist_files import ListFileRefused, read_list_file

logger = logging.getLogger(__name__)

#: Records per message from the child (unpickling one chunk takes a few ms of the parent's GIL).
CHUNK_RECORDS = 2_000
#: Longest a child may take from start to its verdict (reading has its own limit inside).
PARSE_TIMEOUT_S = 900.0
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

    def chunks(self) -> Iterator[list]:
        """The records, a chunk at a time (call once; the child ends after the last one)."""
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

    def close(self) -> None:
        """End the child (it is done, or its records are no longer wanted)."""
        if self._proc is not None:
            _end(self._conn, self._proc)


def _child_main(conn, path: str, spec, settings, as_of, sort: bool, parse: Parser,  # noqa: ANN001
                rows_for: RowsFor | None = None) -> None:
    # a short-lived process of millions of acyclic objects: the cyclic GC would only rescan them
    # again and again while the rows are built (it stalled a 10M-row list for minutes)
    gc.disable()
    try:
        try:
            data = read_list_file(Path(path))
        except ListFileRefused as exc:
            conn.send(("refused", str(exc.reason), exc.detail))
            return
        digest = hashlib.sha256(data).hexdigest()
        outcome = parse(data, spec, settings, as_of=as_of)
        del data
        records = list(outcome.records) if outcome.accepted else []
        if sort:
            records.sort(key=lambda r: r.plate)  # the plate index then grows at its end pages
        outcome = replace(outcome, records=())
        conn.send(("outcome", digest, outcome, len(records), os.getpid()))
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
        conn.close()


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
    try:
        conn.close()
    except OSError:
        pass
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join(5)


def _parse_inline(path: Path, spec, settings, as_of, sort: bool, parse: Parser,  # noqa: ANN001
                  rows_for: RowsFor | None) -> ChildParse:
    data = read_list_file(path)
    try:
        outcome = parse(data, spec, settings, as_of=as_of)
    except Exception as exc:  # noqa: BLE001 - a parser bug is a refused import, as in the child
        logger.exception("hot-list parser failed on %s", path.name)
        raise ListFileRefused(RefusalReason.PARSE_FAILED, f"the parser failed: {exc.__class__.__name__}: {exc}") from exc
    records = list(outcome.records) if outcome.accepted else []
    if sort:
        records.sort(key=lambda r: r.plate)
    if rows_for:
        records = entry_rows(records, *rows_for)
    return ChildParse(hashlib.sha256(data).hexdigest(), replace(outcome, records=()), len(records), os.getpid(),
                      records, None, 0.0)


def parse_in_child(path: Path, spec, settings: SourceParseSettings | None, as_of: date | None,  # noqa: ANN001
                   sort: bool = False, parse: Parser = parse_hotlist,
                   timeout_s: float = PARSE_TIMEOUT_S, inline_below_bytes: int = 0,
                   rows_for: RowsFor | None = None) -> ChildParse:
    """Read, guard and parse ``path`` in a spawned child; the verdict now, the records on demand.

    A regular file smaller than ``inline_below_bytes`` is parsed here instead (same guards, same
    refusals). With ``rows_for`` the chunks hold database rows (:func:`entry_rows`), built in
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
    proc = ctx.Process(target=_child_main, args=(child, str(path), spec, settings, as_of, sort, parse, rows_for),
                       name="hotlist-parse", daemon=True)
    proc.start()
    child.close()  # only the child writes: EOF as soon as it ends
    deadline = time.monotonic() + timeout_s
    try:
        message = pickle.loads(_recv(parent, proc, deadline))
    except BaseException:
        _end(parent, proc)
        raise
    kind = message[0]
    if kind == "outcome":
        _, digest, outcome, count, pid = message
        result = ChildParse(digest, outcome, count, pid, parent, proc, deadline)
        if count == 0:
            result.close()
        return result
    _end(parent, proc)
    if kind == "refused":
        raise ListFileRefused(RefusalReason(message[1]), message[2])
    logger.error("hot-list parser process failed on %s: %s", Path(path).name, message[1])
    raise ListFileRefused(RefusalReason.PARSE_FAILED, f"the parser failed: {message[1]}")

"""Nothing that was read is lost: a write-ahead journal of reads on disk, replayed into the database.

1. the recognition side journals every read (:class:`recognition.runtime.journal.ReadJournal`:
   temp file, fsync, rename) before handing it on; from here nothing is lost. When the journal
   cannot be written (disk full, below the space reserve, read-only, folder gone) the read is held
   in a bounded memory buffer, the alarm is raised (banner, chime, access record) and the buffer is
   written to the journal as soon as the disk is back. Only when the buffer is exhausted is a read
   dropped, and every drop is counted and shown;
2. the ingest thread stores the newest reads first (one transaction per batch), so a live hit is
   never held behind a replay backlog; the backlog follows in chunks, oldest first;
3. a checkpoint (about once a second) fsyncs the images, makes the database durable and deletes
   the ``.done`` journals.

A crash, kill or power cut at any point leaves the journal (replayed at the next start,
idempotently by ``read_uuid``) or a durable row and durable images. ``failed/`` holds journals that
could not be stored; readable ones are replayed at every start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from app.domain.errors import DatabaseUnavailable
from app.domain.users import Actor
from app.persistence.errors import DBAPIError, OperationalError
from app.services import audit_trail
from app.services.read_store import IngestResult, ReadStore, sync_paths
from app.services.spool_folder import Spool
from app.services.spool_status import SpoolStatus
from recognition.runtime.journal import (
    GroupJournal,
    JournalUnavailable,
    read_from_json,
    read_to_json,
    reads_in,
)
from recognition.types import PlateRead

logger = logging.getLogger(__name__)

__all__ = ["DurableIngest", "JournalUnavailable", "Spool", "SpoolStatus", "is_database_down", "read_from_json",
           "read_to_json"]


def is_database_down(exc: BaseException) -> bool:
    """Tell whether an exception means "the database cannot be reached right now"."""
    if isinstance(exc, (OperationalError, DatabaseUnavailable)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def is_storage_down(exc: BaseException) -> bool:
    """The database or the image disk cannot take the read now (retry later; never set it aside)."""
    return is_database_down(exc) or (isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError))


Item = tuple[PlateRead, Path | None]


class DurableIngest:
    """Read ingest that survives crashes, kills, full or read-only disks and database outages.

    Args:
        store: the read store doing the actual ingest.
        spool: the write-ahead journal folder.
        retry_after_s: while the database (or the disk) is down, try it again at most this often.
        checkpoint_every_s: longest time between checkpoints while reads keep arriving.
        monotonic: time source (tests).
        buffer_reads: how many reads the memory buffer holds while the journal cannot be written.
        buffer_bytes: and how many bytes of images it may hold.
        replay_chunk: backlog reads stored per call after the live ones.

    Call :meth:`journal` where the read is made (or let the recognition child journal it),
    :meth:`ingest` / :meth:`submit` from one ingest thread per process, :meth:`replay` at start-up
    and when idle, :meth:`checkpoint` beside ingest (the recognition bridge does all).

    """

    def __init__(self, store: ReadStore, spool: Spool, retry_after_s: float = 2.0,
                 checkpoint_every_s: float = 1.0, monotonic: Callable[[], float] = time.monotonic,
                 buffer_reads: int = 5000, buffer_bytes: int = 256 * 1024 * 1024, replay_chunk: int = 200) -> None:
        self.store = store
        self.spool = spool
        self.retry_after_s = retry_after_s
        self.checkpoint_every_s = checkpoint_every_s
        self.buffer_reads = buffer_reads
        self.buffer_bytes = buffer_bytes
        self.replay_chunk = replay_chunk
        self._monotonic = monotonic
        self._down_since: float | None = None
        self._last_try = -1e18
        self._last_error = ""
        self._set_aside = 0
        self._unsynced: list[Path] = []
        self._done: list[Path] = []
        self._last_checkpoint = monotonic()
        self._started = False
        self._lock = threading.RLock()
        self._buffer: deque[PlateRead] = deque()
        self._buffer_size = 0
        self._buffer_lock = threading.Lock()
        self._dropped = 0
        self._journal_error = ""
        self._fault_recorded = False
        self._record_failed = False
        self._handed_over = 0
        self._fault_peak = 0
        self._pending_hint = 0
        self._group: GroupJournal | None = None
        self._group_lock = threading.Lock()
        self._left: dict[Path, int] = {}  # group files partly stored: reads of them still to store

    # -- the journal (recognition side) -----------------------------------------------------------
    def journal(self, read: PlateRead) -> Path | None:
        """Journal ``read`` now; when that fails hold it in the memory buffer (raises the alarm).

        Thread-safe; returns the journal file, or None when the read is held in memory.
        """
        return self._journal_group([read])[0]

    def journal_async(self, read: PlateRead, then: Callable[[PlateRead, Path | None], None]) -> None:
        """Journal ``read`` with group commit; ``then(read, file or None)`` once its batch is durable.

        ``then`` runs on the journal thread, only after the fsyncs of the batch holding the read
        (None: the journal could not be written and the read is held in the memory buffer).
        Blocks while the journal's queue is full (back-pressure on recognition).
        """
        with self._group_lock:
            if self._group is None:
                self._group = GroupJournal(self._journal_group)
            group = self._group
        group.submit(read, lambda r, path, _error: then(r, path))

    def close_journal(self, timeout: float = 10.0) -> None:
        """Write what waits for the group journal, then stop its thread."""
        with self._group_lock:
            group = self._group
        if group is not None:
            group.close(timeout)

    def _journal_group(self, reads: list[PlateRead]) -> list[Path | None]:
        with self._buffer_lock:
            held = bool(self._buffer)
        if not held:  # while reads are held in memory the new ones queue behind them (arrival order)
            try:
                path = self.spool.journal.put_group(reads)
            except JournalUnavailable as exc:
                self._journal_failed(exc)
            else:
                with self._buffer_lock:
                    self._handed_over += len(reads)  # on their way to the ingest thread: not a backlog
                if self._journal_error:
                    self._journal_recovered()
                return [path] * len(reads)
        for read in reads:
            self.hold(read)
        return [None] * len(reads)

    def hold(self, read: PlateRead) -> None:
        """Keep a read that could not be journalled in the bounded memory buffer (oldest dropped, counted)."""
        size = len(read.plate_jpeg) + len(read.overview_jpeg) + 512
        with self._buffer_lock:
            self._buffer.append(read)
            self._buffer_size += size
            while len(self._buffer) > self.buffer_reads or (self._buffer_size > self.buffer_bytes and len(self._buffer) > 1):
                lost = self._buffer.popleft()
                self._buffer_size -= len(lost.plate_jpeg) + len(lost.overview_jpeg) + 512
                self._dropped += 1
                logger.error("read memory buffer full: read %s (%s) lost", lost.read_id, lost.text)
            self._fault_peak = max(self._fault_peak, len(self._buffer))
        if not self._journal_error:
            self._journal_error = "journal not writable"

    def _journal_failed(self, exc: OSError) -> None:
        message = exc.strerror or str(exc)
        if not self._journal_error:
            logger.error("cannot write the read journal in %s: %s; holding reads in memory", self.spool.root, message)
        self._journal_error = message

    def flush_buffer(self) -> int:
        """Write the reads held in memory to the journal (oldest first); returns how many were written.

        While the journal still cannot be written, reads are stored straight into the database
        (images made durable first) when it is reachable, so hits still reach the console.
        """
        with self._buffer_lock:
            reads = list(self._buffer)
        if not reads:
            return 0
        try:
            paths = self.spool.put_many(reads)
        except JournalUnavailable as exc:
            self._journal_failed(exc)
            return self._store_buffer_directly(reads)
        self._drop_from_buffer(len(paths))
        self._pending_hint = 1
        logger.warning("read journal writable again: %d held read(s) journalled", len(paths))
        self._journal_recovered()
        return len(paths)

    def _store_buffer_directly(self, reads: list[PlateRead]) -> int:
        if self._down_since is not None and self._monotonic() - self._last_try < self.retry_after_s:
            return 0
        stored = 0
        for read in reads[:self.replay_chunk]:
            try:
                self.store.ingest(read, self.store.store_images(read, durable=True))
                self.store.make_durable()
            except Exception as exc:
                if not is_storage_down(exc):
                    logger.exception("held read %s cannot be stored", read.read_id)
                else:
                    self._went_down(exc)
                break
            stored += 1
        self._drop_from_buffer(stored)
        return stored

    def _drop_from_buffer(self, n: int) -> None:
        with self._buffer_lock:
            for _ in range(n):
                read = self._buffer.popleft()
                self._buffer_size -= len(read.plate_jpeg) + len(read.overview_jpeg) + 512

    def _journal_recovered(self) -> None:
        with self._buffer_lock:
            if self._buffer:
                return
        if self._journal_error:
            if not self._fault_recorded:  # the database was unwritable too: the fault is recorded now
                self._record_fault("spool.journal_fault", "failed")
            self._record_fault("spool.journal_recovered", "ok")
            self._journal_error = ""
            self._fault_recorded = False

    def _record_fault(self, action: str, outcome: str) -> None:
        """The journal fault (and its end) in the access record; tried again while the database is down."""
        try:
            audit_trail.record_alone(
                self.store.ctx, Actor.system(self.store.ctx.workstation, "read-ingest"), action, outcome=outcome,
                detail={"error": self._journal_error, "held": len(self._buffer), "held_peak": self._fault_peak,
                        "dropped": self._dropped, "folder": str(self.spool.root)})
        except Exception as exc:  # noqa: BLE001 - the database may be down too; retried next time
            (logger.debug if self._record_failed else logger.warning)(
                "cannot record the journal fault in the access record (retried): %s", exc)
            self._record_failed = True
            return
        self._record_failed = False
        self._fault_recorded = action == "spool.journal_fault"

    # -- ingest (one thread) ------------------------------------------------------------------------
    def submit(self, read: PlateRead, checkpoint: bool = True) -> list[IngestResult]:
        """Journal ``read`` and store it (before any backlog) if the database is reachable.

        With ``checkpoint`` False the caller runs :meth:`checkpoint` itself (off the hit's path).

        Returns:
            The results stored by this call, newest (this read) first, then backlog;
            empty when the database is down (the read stays spooled).

        """
        return self.ingest([(read, self.journal(read))], checkpoint)

    def ingest(self, items: Iterable[Item], checkpoint: bool = True) -> list[IngestResult]:
        """Store reads already journalled (``path``) or held in memory (``None``), live ones first.

        Live reads go in one transaction; then reads held in memory are journalled, then one chunk
        of the backlog is replayed. Nothing is stored while the database is down (retried after
        ``retry_after_s``).
        """
        with self._lock:
            live = [(r, p) for r, p in items if p is not None]
            with self._buffer_lock:
                self._handed_over = max(0, self._handed_over - len(live))
            if self._buffer:
                self.flush_buffer()
            if self._journal_error and not self._fault_recorded:
                self._record_fault("spool.journal_fault", "failed")
            if not self._may_try():
                return []
            out: list[IngestResult] = []
            if live:
                try:
                    out = self._store_many(live)
                except Exception as exc:
                    if not is_storage_down(exc):
                        raise
                    self._went_down(exc)
                    return []
            if not self._started or self._down_since is not None or self._pending_hint > 0:
                out += self._replay(limit=self.replay_chunk, skip={q for _, p in live for q in (p, p.with_suffix(".done"))})
            if checkpoint:
                self._maybe_checkpoint()
            return out

    def replay(self, force: bool = False, limit: int | None = None) -> list[IngestResult]:
        """Store spooled reads in arrival order; stop at the first database failure.

        The first replay also takes the reads a crash left stored but not yet checkpointed, and the
        readable entries of ``failed/``.
        """
        with self._lock:
            if self._buffer:
                self.flush_buffer()
            if not force and not self._may_try():
                return []
            return self._replay(limit)

    def _may_try(self) -> bool:
        if self._down_since is None:
            return True
        now = self._monotonic()
        if now - self._last_try < self.retry_after_s:
            return False
        self._last_try = now
        return True

    def _replay(self, limit: int | None = None, skip: set[Path | None] | None = None) -> list[IngestResult]:
        self._last_try = self._monotonic()
        first = not self._started
        if first:
            self.spool.restore_failed()
            for tmp in self.spool.leftover_temp_files():  # half-written by a kill: never acknowledged
                try:
                    tmp.unlink()
                except OSError:
                    pass
        paths = [p for p in self.spool.pending(include_committed=first) if not skip or p not in skip]
        more = limit is not None and len(paths) > limit
        paths = paths[:limit] if limit is not None else paths
        out: list[IngestResult] = []
        batch: list[Item] = []
        for path in paths:
            try:
                loaded = self.spool.load_all(path)
            except FileNotFoundError:  # another console on this data folder took it
                continue
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.error("spooled read %s is unreadable (%s): set aside", path.name, exc)
                self._aside(path)
                continue
            self._left.pop(path, None)  # the whole file is stored here
            self._left.pop(path.with_suffix(".json"), None)
            batch += [(read, path) for read, _ in loaded]
        try:
            out = self._store_many(batch)
        except Exception as exc:
            if is_storage_down(exc):
                self._went_down(exc)
                return out
            raise
        self._started = True
        if self._down_since is not None:
            logger.warning("database reachable again: %d spooled read(s) replayed", len(out))
        self._down_since, self._last_error = None, ""
        self._pending_hint = 1 if more else 0
        self._maybe_checkpoint(force=bool(out))
        return out

    def _store_many(self, items: list[Item]) -> list[IngestResult]:
        """One transaction for the batch; a read the database refuses (not an outage) is set aside alone."""
        if not items:
            return []
        reads = [r for r, _ in items]
        images = self.store.store_images_many(reads, durable=False, unsynced=self._unsynced)
        try:
            results = self.store.ingest_many(reads, images)
        except Exception as exc:
            if is_storage_down(exc) or len(items) == 1:
                if not is_storage_down(exc):
                    logger.exception("read %s cannot be stored: set aside", reads[0].read_id)
                    self._aside(items[0][1])
                    return []
                raise
            results = []
            for item in items:  # find the one the database refuses; store the others
                results += self._store_many([item])
            return results
        stored: dict[Path, int] = {}
        for _, path in items:
            if path is not None:
                stored[path] = stored.get(path, 0) + 1
        for path, n in stored.items():
            left = self._left.pop(path, reads_in(path.name)) - n
            if left > 0:  # a group file whose other reads are still on their way: not done yet
                self._left[path] = left
                continue
            done = self.spool.committed(path) if path.suffix == ".json" else path
            if done is not None:
                self._done.append(done)
        return results

    def checkpoint(self) -> int:
        """Make every stored read durable (images, database) and drop its journal; returns how many.

        Safe to call from another thread: ingest continues while the files are synced.
        """
        with self._lock:
            if not self._done:
                return 0
            done, unsynced, self._done, self._unsynced = self._done, self._unsynced, [], []
        try:
            sync_paths(unsynced)
            self.store.make_durable()
        except Exception as exc:  # journals stay; the next checkpoint tries again
            with self._lock:
                self._done, self._unsynced = done + self._done, unsynced + self._unsynced
            if not is_storage_down(exc):
                raise
            logger.warning("checkpoint postponed: %s", exc)
            return 0
        for path in done:
            self.spool.remove(path)
        self._last_checkpoint = self._monotonic()
        return len(done)

    def status(self) -> SpoolStatus:
        """Pending count, database and journal state, reads held and lost, for the banner."""
        space = self.spool.journal.space()
        with self._buffer_lock:
            buffered = len(self._buffer)
            handed_over = self._handed_over
        return SpoolStatus(
            max(0, self.spool.count() - handed_over), self._down_since is None, self._last_error, self._set_aside, buffered, self._dropped,
            self._journal_error, None if space is None else space.free // (1024 * 1024),
            bool(space is not None and space.low))

    def _maybe_checkpoint(self, force: bool = False) -> None:
        if force or self._monotonic() - self._last_checkpoint >= self.checkpoint_every_s or len(self._done) >= 200:
            self.checkpoint()

    def _aside(self, path: Path | None) -> None:
        if path is not None and self.spool.set_aside(path):
            self._set_aside += 1

    def _went_down(self, exc: BaseException) -> None:
        if self._down_since is None:
            logger.error("database (or image disk) unavailable, spooling reads: %s", exc)
            self._down_since = self._monotonic()
        self._pending_hint = 1
        self._last_try = self._monotonic()
        self._last_error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]

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

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import DatabaseUnavailable
from app.domain.users import Actor
from app.persistence.errors import DBAPIError, OperationalError
from app.services import audit_trail
from app.services.read_store import IngestResult, ReadStore, StoredImages, sync_paths
from recognition.runtime.journal import (
    DEFAULT_RESERVE_BYTES,
    DEFAULT_WARN_BYTES,
    GroupJournal,
    JournalUnavailable,
    ReadJournal,
    read_from_json,
    read_to_json,
    reads_in,
    temp_in_flight,
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


class Spool:
    """The journal folder: one JSON file per read, named so that name order is arrival order.

    Args:
        root: the spool folder (``AppPaths.spool``); ``failed/`` below it keeps entries that
            could not be stored.
        reserve_bytes: free space kept on its disk (the journal stops writing below it).
        warn_bytes: free space below which the banner warns.

    """

    def __init__(self, root: Path, reserve_bytes: int = DEFAULT_RESERVE_BYTES,
                 warn_bytes: int = DEFAULT_WARN_BYTES) -> None:
        self.root = Path(root)
        self.failed = self.root / "failed"
        self.journal = ReadJournal(self.root, reserve_bytes, warn_bytes)

    def put(self, read: PlateRead) -> Path:
        """Journal one read durably (images included); returns its file.

        Raises:
            JournalUnavailable: it cannot be written now (no temp file is left behind).

        """
        return self.journal.put(read)

    def put_many(self, reads: list[PlateRead]) -> list[Path]:
        """Journal several reads, all or none (see :meth:`put`)."""
        return self.journal.put_many(reads)

    def _glob(self, pattern: str) -> list[Path]:
        try:
            return [p for p in self.root.glob(pattern) if not p.name.startswith(".")]
        except OSError:
            return []

    def pending(self, include_committed: bool = False) -> list[Path]:
        """Journalled reads not yet stored, oldest first.

        With ``include_committed`` also those stored but not yet checkpointed: after a crash they
        are replayed too (idempotently).
        """
        found = self._glob("*.json")
        if include_committed:
            found += self._glob("*.done")
        return sorted(found, key=lambda p: p.stem)

    def count(self) -> int:
        """Number of journalled reads waiting for the database (a group file counts its reads)."""
        return sum(reads_in(p.name) for p in self._glob("*.json"))

    def leftover_temp_files(self) -> list[Path]:
        """Temp files a kill left half-written (never a journalled read: the rename had not happened).

        A temp file a live process is writing right now (this one, the recognition child, another
        console on the folder) is not a leftover.
        """
        if not self.root.is_dir():
            return []
        return [p for p in self.root.glob(".*.tmp") if not temp_in_flight(p)]

    @staticmethod
    def load(path: Path) -> tuple[PlateRead, StoredImages]:
        """Read back one journalled read (the first of a group file).

        Raises:
            FileNotFoundError: another console on the same data folder took it meanwhile.

        """
        return Spool.load_all(path)[0]

    @staticmethod
    def load_all(path: Path) -> list[tuple[PlateRead, StoredImages]]:
        """Read back every read of a journal file (one JSON line each; a group file holds several).

        Raises:
            FileNotFoundError: another console on the same data folder took it meanwhile.
            ValueError: the file is damaged (or holds fewer reads than its name says).

        """
        out = []
        for line in path.read_bytes().splitlines():
            if line.strip():
                data = json.loads(line)
                out.append((read_from_json(data), StoredImages(data.get("plate_sha256"), data.get("overview_sha256"))))
        if not out or len(out) != reads_in(path.name):
            raise ValueError(f"{len(out)} read(s) in {path.name}, expected {reads_in(path.name)}")
        return out

    @staticmethod
    def committed(path: Path) -> Path | None:
        """Mark a journalled read as stored (removed at the next checkpoint); None if it is gone."""
        done = path.with_suffix(".done")
        try:
            os.replace(path, done)
        except FileNotFoundError:  # another instance stored it (idempotent) and moved it on
            return None
        return done

    @staticmethod
    def remove(path: Path) -> None:
        """Forget a journalled read once it is durable in the database."""
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:  # read-only folder: the next checkpoint tries again (replay is idempotent)
            logger.warning("cannot remove stored journal %s: %s", path.name, exc)

    def set_aside(self, path: Path) -> bool:
        """Move an entry that cannot be stored (corrupt, rejected) out of the replay queue."""
        try:
            self.failed.mkdir(parents=True, exist_ok=True)
            os.replace(path, self.failed / path.name)
        except FileNotFoundError:
            return False
        return True

    def restore_failed(self) -> tuple[int, int]:
        """Put the readable entries of ``failed/`` back in the queue (they are retried at every start).

        Returns:
            ``(restored, unreadable)``; unreadable entries stay in ``failed/`` for an administrator.

        """
        restored = unreadable = 0
        if not self.failed.is_dir():
            return 0, 0
        for path in sorted(self.failed.glob("*.json")):
            try:
                self.load_all(path)
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError):
                unreadable += 1
                continue
            try:
                os.replace(path, self.root / path.name)
                restored += 1
            except OSError as exc:
                logger.warning("cannot move %s back from failed/: %s", path.name, exc)
        if restored:
            logger.warning("%d read(s) from spool/failed put back for replay", restored)
        return restored, unreadable


@dataclass(frozen=True, slots=True)
class SpoolStatus:
    """For the banner: how many reads wait for the database, what the journal can do, what was lost."""

    pending: int
    database_available: bool
    last_error: str = ""
    set_aside: int = 0
    buffered: int = 0
    dropped: int = 0
    journal_error: str = ""
    free_mb: int | None = None
    low_space: bool = False

    @property
    def alarm(self) -> bool:
        """Reads are at risk (journal unwritable) or were lost: banner, chime and access record."""
        return bool(self.journal_error) or self.dropped > 0

    @property
    def text(self) -> str:
        """Banner text; empty when all is well."""
        parts: list[str] = []
        if self.journal_error:
            parts.append(f"READS NOT SAVED TO DISK ({self.journal_error}): {self.buffered} read"
                         f"{'s' if self.buffered != 1 else ''} held in memory until the disk is back")
        if self.dropped:
            parts.append(f"{self.dropped} read{'s' if self.dropped != 1 else ''} LOST (memory buffer full)")
        if self.low_space and not self.journal_error:
            parts.append(f"Low disk space for reads: {self.free_mb} MB free")
        if not self.database_available:
            parts.append(f"Database unreachable: spooling {self.pending} read{'s' if self.pending != 1 else ''} to disk")
        elif self.pending:
            parts.append(f"Replaying {self.pending} spooled read{'s' if self.pending != 1 else ''}")
        return "; ".join(parts)


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
        with self._buffer_lock:
            held = bool(self._buffer)
        if not held:
            try:
                path = self.spool.put(read)
            except JournalUnavailable as exc:
                self._journal_failed(exc)
            else:
                with self._buffer_lock:
                    self._handed_over += 1  # on its way to the ingest thread: not a backlog
                if self._journal_error:
                    self._journal_recovered()
                return path
        self.hold(read)
        return None

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
                    self._handed_over += len(reads)
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

"""The read journal: durable JSON files of reads, written where the reads are made.

A read is journalled before anything else can lose it: the recognition side (the inference
thread, or the recognition child process) writes the file (temp file, fsync, rename, fsync of
the folder) and only then hands the read on. The app's spool (:mod:`app.services.spool`) replays
these files into the database. File names sort in arrival order.

Group commit (:class:`GroupJournal`): reads arriving while a batch is being made durable wait in
a bounded queue and go together into ONE file (one JSON line per read, ``-n<count>-`` in its name):
two fsyncs per batch instead of two per read. A read is handed on (acknowledged) only after its
batch is durable; the wait is bounded by ``max_delay_s`` plus one write.

When the file cannot be written (disk full, below the space reserve, read-only, folder gone)
:meth:`ReadJournal.put` raises :class:`JournalUnavailable` and leaves no temp file behind; the
caller keeps the read in a bounded memory buffer and retries.
"""

from __future__ import annotations

import base64
import errno
import itertools
import json
import logging
import os
import queue
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from recognition.types import Alternative, BBox, PlateRead, VehicleColour

logger = logging.getLogger(__name__)
JOURNAL_FORMAT = 1
_counter = itertools.count()
_GROUP = re.compile(r"^\d{20}-\d{6}-n(\d+)-")
_TEMP_PID = re.compile(r"\.p(\d+)-[0-9a-f]+\.tmp$")


def reads_in(name: str) -> int:
    """How many reads a journal file holds (group files say so in their name)."""
    found = _GROUP.match(name)
    return int(found.group(1)) if found else 1


def temp_in_flight(path: Path) -> bool:
    """A temp file a live process is writing now (its pid is in the name); leftovers of a kill are not."""
    found = _TEMP_PID.search(path.name)
    if not found:
        return False
    pid = int(found.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True

#: Keep this much space free on the journal's disk for the database and images (bytes).
DEFAULT_RESERVE_BYTES = 64 * 1024 * 1024
#: Warn (banner) when less than this is free (bytes).
DEFAULT_WARN_BYTES = 512 * 1024 * 1024


class JournalUnavailable(OSError):
    """The journal cannot be written now (full, below the reserve, read-only, gone)."""


def read_to_json(read: PlateRead, plate_sha256: str | None = None, overview_sha256: str | None = None) -> dict:
    """Everything of a read, its images included (base64), so the journal alone can restore it."""
    return {
        "format": JOURNAL_FORMAT, "read_id": read.read_id, "camera_id": read.camera_id, "text": read.text,
        "confidence": read.confidence, "char_confidences": list(read.char_confidences),
        "alternatives": [[a.text, a.confidence] for a in read.alternatives], "state": read.state,
        "state_confidence": read.state_confidence,
        "colour": [read.colour.code, read.colour.confidence] if read.colour else None,
        "box": read.box.as_list(), "first_seen": read.first_seen, "last_seen": read.last_seen,
        "best_ts": read.best_ts, "frame_count": read.frame_count, "capture_ts": read.capture_ts,
        "plate_sha256": plate_sha256, "overview_sha256": overview_sha256,
        "plate_jpeg": base64.b64encode(read.plate_jpeg).decode(),
        "overview_jpeg": base64.b64encode(read.overview_jpeg).decode(),
    }


def read_from_json(data: dict) -> PlateRead:
    """Inverse of :func:`read_to_json` (the read only)."""
    colour = data.get("colour")
    return PlateRead(
        read_id=data["read_id"], camera_id=data["camera_id"], text=data["text"], confidence=data["confidence"],
        char_confidences=tuple(data.get("char_confidences") or ()),
        alternatives=tuple(Alternative(t, c) for t, c in data.get("alternatives") or ()), state=data.get("state"),
        state_confidence=data.get("state_confidence", 0.0),
        colour=VehicleColour(colour[0], colour[1]) if colour else None, box=BBox(*data["box"]),
        plate_jpeg=base64.b64decode(data.get("plate_jpeg") or ""),
        overview_jpeg=base64.b64decode(data.get("overview_jpeg") or ""), first_seen=data["first_seen"],
        last_seen=data["last_seen"], best_ts=data["best_ts"], frame_count=data["frame_count"],
        capture_ts=data.get("capture_ts", 0.0),
    )


def fsync_dir(path: Path) -> None:
    """Fsync a folder (its entries); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename, fsync folder.

    On any failure the temp file is removed (a full disk must not fill up with empty temp files)
    and the error is raised.
    """
    tmp = path.with_name(f".{path.name}.p{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise
    if sync:
        fsync_dir(path.parent)


@dataclass(frozen=True, slots=True)
class DiskSpace:
    """Free space on the journal's disk against its reserve and warning level."""

    free: int
    reserve: int
    warn: int

    @property
    def low(self) -> bool:
        """Below the warning level (the banner says so before the disk is full)."""
        return self.free < self.warn

    @property
    def exhausted(self) -> bool:
        """Below the reserve: the journal stops writing (reads go to the memory buffer)."""
        return self.free < self.reserve


class ReadJournal:
    """Writes reads as journal files into one folder.

    Args:
        root: the journal (spool) folder.
        reserve_bytes: refuse to write when less than this is free on its disk.
        warn_bytes: :meth:`space` reports ``low`` below this.
        space_check_every_s: how often the free space is measured (it costs a system call).

    """

    def __init__(self, root: Path, reserve_bytes: int = DEFAULT_RESERVE_BYTES, warn_bytes: int = DEFAULT_WARN_BYTES,
                 space_check_every_s: float = 1.0) -> None:
        self.root = Path(root)
        self.reserve_bytes = reserve_bytes
        self.warn_bytes = max(warn_bytes, reserve_bytes)
        self.space_check_every_s = space_check_every_s
        self._space: DiskSpace | None = None
        self._space_at = 0.0

    def sweep_leftovers(self) -> int:
        """Remove temp files that a killed writer left half-written (never a live writer's); returns the count.

        A temp file is written before its journal file is renamed into place, so a leftover holds no read
        that was reported as journalled.
        """
        removed = 0
        for tmp in self.root.glob(".*.tmp"):
            if not temp_in_flight(tmp):
                tmp.unlink(missing_ok=True)
                removed += 1
        return removed

    def space(self, fresh: bool = False) -> DiskSpace | None:
        """Free space on the journal's disk (None when the folder cannot be reached)."""
        now = time.monotonic()
        if fresh or self._space is None or now - self._space_at >= self.space_check_every_s:
            try:
                free = shutil.disk_usage(self.root if self.root.exists() else self.root.parent).free
            except OSError:
                self._space = None
            else:
                self._space = DiskSpace(free, self.reserve_bytes, self.warn_bytes)
            self._space_at = now
        return self._space

    def name_for(self, read: PlateRead, count: int = 1) -> str:
        """Journal file name: arrival order first, the read count of a group, then the (first) read id."""
        group = f"n{count}-" if count != 1 else ""
        return f"{time.time_ns():020d}-{next(_counter) % 1_000_000:06d}-{group}{read.read_id}.json"

    def _check_space(self, fresh: bool = False) -> None:
        space = self.space(fresh)
        if space is not None and space.exhausted and not fresh:
            space = self.space(fresh=True)
        if space is not None and space.exhausted:
            raise JournalUnavailable(errno.ENOSPC, f"only {space.free // 1024} KiB free, "
                                     f"reserve is {space.reserve // 1024} KiB", str(self.root))

    def put(self, read: PlateRead, sync: bool = True) -> Path:
        """Journal one read; returns its file.

        Raises:
            JournalUnavailable: the file cannot be written now (nothing is left behind).

        """
        self._check_space()
        path = self.root / self.name_for(read)
        data = json.dumps(read_to_json(read), separators=(",", ":")).encode()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_durably(path, data, sync)
        except OSError as exc:
            self._space = None
            raise JournalUnavailable(exc.errno or errno.EIO, exc.strerror or str(exc), str(self.root)) from exc
        return path

    def put_group(self, reads: Sequence[PlateRead]) -> Path:
        """Journal several reads in ONE file (a JSON line each): one write, two fsyncs, all or nothing.

        Raises:
            JournalUnavailable: as :meth:`put` (no read of the group is journalled).

        """
        if len(reads) == 1:
            return self.put(reads[0])
        self._check_space()
        path = self.root / self.name_for(reads[0], len(reads))
        data = b"".join(json.dumps(read_to_json(r), separators=(",", ":")).encode() + b"\n" for r in reads)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_durably(path, data)
        except OSError as exc:
            self._space = None
            raise JournalUnavailable(exc.errno or errno.EIO, exc.strerror or str(exc), str(self.root)) from exc
        return path

    def put_many(self, reads: list[PlateRead]) -> list[Path]:
        """Journal several reads in one group file, all or none; the file of each read.

        Raises:
            JournalUnavailable: as :meth:`put`.

        """
        if not reads:
            return []
        path = self.put_group(reads)
        return [path] * len(reads)


#: Called once per read from the journal thread: (read, its durable file or None, the error or None).
Done = Callable[[PlateRead, "Path | None", "OSError | None"], None]


class GroupJournal:
    """Group commit for reads handed over by any number of threads.

    Args:
        write: writes one batch durably and returns each read's file (None: kept elsewhere), or
            raises :class:`JournalUnavailable` (then every read of the batch gets None).
        max_batch: most reads in one file.
        max_delay_s: how long the first read of a batch may wait for company (latency bound).
        queue_size: reads waiting for the journal thread; a full queue blocks :meth:`submit`
            (back-pressure on recognition, never an unbounded backlog in memory).

    """

    def __init__(self, write: Callable[[list[PlateRead]], Sequence[Path | None]], max_batch: int = 64,
                 max_delay_s: float = 0.002, queue_size: int = 1000, name: str = "read-journal") -> None:
        self._write = write
        self.max_batch = max_batch
        self.max_delay_s = max_delay_s
        self._queue: queue.Queue[tuple[PlateRead, Done] | None] = queue.Queue(queue_size)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._lock = threading.Lock()
        self.batches = 0
        self.reads = 0

    def submit(self, read: PlateRead, done: Done) -> None:
        """Queue ``read``; ``done`` is called (journal thread) once its batch is durable or failed."""
        with self._lock:
            if not self._started:
                self._started = True
                self._thread.start()
        self._queue.put((read, done))

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._lock:
            started, self._started = self._started, False
        if started:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = threading.Thread(target=self._run, name=self._thread.name, daemon=True)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            deadline = time.monotonic() + self.max_delay_s
            while len(batch) < self.max_batch:
                left = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._flush(batch)

    def _flush(self, batch: list[tuple[PlateRead, Done]]) -> None:
        reads = [r for r, _ in batch]
        error: OSError | None = None
        try:
            paths: Sequence[Path | None] = self._write(reads)
        except JournalUnavailable as exc:
            error, paths = exc, [None] * len(reads)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the journal thread: reads go on held
            logger.exception("read journal batch failed")
            error, paths = OSError(errno.EIO, str(exc)), [None] * len(reads)
        self.batches += 1
        self.reads += len(reads)
        for (read, done), path in zip(batch, paths, strict=True):
            try:
                done(read, path, error)
            except Exception:  # noqa: BLE001 - one receiver's bug must not cost the other reads
                logger.exception("journalled read %s not handed on", read.read_id)

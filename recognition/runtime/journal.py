"""The read journal: one durable JSON file per read, written where the read is made.

A read is journalled before anything else can lose it: the recognition side (the inference
thread, or the recognition child process) writes the file (temp file, fsync, rename, fsync of
the folder) and only then hands the read on. The app's spool (:mod:`app.services.spool`) replays
these files into the database. File names sort in arrival order.

When the file cannot be written (disk full, below the space reserve, read-only, folder gone)
:meth:`ReadJournal.put` raises :class:`JournalUnavailable` and leaves no temp file behind; the
caller keeps the read in a bounded memory buffer and retries.
"""

from __future__ import annotations

import base64
import errno
import itertools
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from recognition.types import Alternative, BBox, PlateRead, VehicleColour

JOURNAL_FORMAT = 1
_counter = itertools.count()

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
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
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

    def name_for(self, read: PlateRead) -> str:
        """Journal file name: arrival order first, then the read id (unique per read)."""
        return f"{time.time_ns():020d}-{next(_counter) % 1_000_000:06d}-{read.read_id}.json"

    def put(self, read: PlateRead, sync: bool = True) -> Path:
        """Journal one read; returns its file.

        Raises:
            JournalUnavailable: the file cannot be written now (nothing is left behind).

        """
        space = self.space()
        if space is not None and space.exhausted:
            space = self.space(fresh=True)
            if space is not None and space.exhausted:
                raise JournalUnavailable(errno.ENOSPC, f"only {space.free // 1024} KiB free, "
                                         f"reserve is {space.reserve // 1024} KiB", str(self.root))
        path = self.root / self.name_for(read)
        data = json.dumps(read_to_json(read), separators=(",", ":")).encode()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_durably(path, data, sync)
        except OSError as exc:
            self._space = None
            raise JournalUnavailable(exc.errno or errno.EIO, exc.strerror or str(exc), str(self.root)) from exc
        return path

    def put_many(self, reads: list[PlateRead]) -> list[Path]:
        """Journal several reads with one folder fsync (each file is fsynced before it is renamed).

        Raises:
            JournalUnavailable: as :meth:`put`; the reads journalled before the failure stay.

        """
        return [self.put(read) for read in reads] if len(reads) < 2 else self._put_group(reads)

    def _put_group(self, reads: list[PlateRead]) -> list[Path]:
        space = self.space(fresh=True)
        if space is not None and space.exhausted:
            raise JournalUnavailable(errno.ENOSPC, f"only {space.free // 1024} KiB free", str(self.root))
        staged: list[tuple[Path, Path]] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for read in reads:
                path = self.root / self.name_for(read)
                tmp = path.with_name(f".{path.name}.tmp")
                staged.append((tmp, path))
                with open(tmp, "wb") as f:
                    f.write(json.dumps(read_to_json(read), separators=(",", ":")).encode())
                    f.flush()
                    os.fsync(f.fileno())
            for tmp, path in staged:
                os.replace(tmp, path)
        except OSError as exc:
            for tmp, _ in staged:
                try:
                    tmp.unlink(missing_ok=True)
                except OSError:
                    pass
            self._space = None
            done = [p for _, p in staged if p.exists()]
            for p in done:  # all or nothing: the caller keeps every read of the group
                p.unlink(missing_ok=True)
            raise JournalUnavailable(exc.errno or errno.EIO, exc.strerror or str(exc), str(self.root)) from exc
        fsync_dir(self.root)
        return [p for _, p in staged]

"""Nothing that was read is lost: a write-ahead spool of reads on disk, replayed in order.

Every read is journalled before the database is touched:

1. one JSON file holding the read and its images is written to ``AppPaths.spool`` (temp, fsync,
   rename): from here nothing is lost;
2. the images go to the content-addressed image store, the read and its hits to the database;
   the journal is renamed ``.done``;
3. a checkpoint (about once a second) fsyncs those images, makes the database durable and
   deletes the ``.done`` journals.

A crash, kill or power cut at any point leaves the journal (replayed at the next start,
idempotently by ``read_uuid``) or a durable row and durable images. When the database is unreachable the files simply stay
and are replayed in arrival order when it returns; :meth:`DurableIngest.status` says
"spooling N reads" for the banner.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import DatabaseUnavailable
from app.persistence.errors import DBAPIError, OperationalError
from app.services.read_store import IngestResult, ReadStore, StoredImages, sync_paths, write_durably
from recognition.types import Alternative, BBox, PlateRead, VehicleColour

logger = logging.getLogger(__name__)

SPOOL_FORMAT = 1
_counter = itertools.count()


def is_database_down(exc: BaseException) -> bool:
    """Tell whether an exception means "the database cannot be reached right now"."""
    if isinstance(exc, (OperationalError, DatabaseUnavailable)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def read_to_json(read: PlateRead, images: StoredImages) -> dict:
    """Everything of a read, its images included (base64), so the journal alone can restore it."""
    return {
        "format": SPOOL_FORMAT, "read_id": read.read_id, "camera_id": read.camera_id, "text": read.text,
        "confidence": read.confidence, "char_confidences": list(read.char_confidences),
        "alternatives": [[a.text, a.confidence] for a in read.alternatives], "state": read.state,
        "state_confidence": read.state_confidence,
        "colour": [read.colour.code, read.colour.confidence] if read.colour else None,
        "box": read.box.as_list(), "first_seen": read.first_seen, "last_seen": read.last_seen,
        "best_ts": read.best_ts, "frame_count": read.frame_count, "capture_ts": read.capture_ts,
        "plate_sha256": images.plate_sha256, "overview_sha256": images.overview_sha256,
        "plate_jpeg": base64.b64encode(read.plate_jpeg).decode(), "overview_jpeg": base64.b64encode(read.overview_jpeg).decode(),
    }


def read_from_json(data: dict) -> tuple[PlateRead, StoredImages]:
    """Inverse of :func:`read_to_json`."""
    colour = data.get("colour")
    read = PlateRead(
        read_id=data["read_id"], camera_id=data["camera_id"], text=data["text"], confidence=data["confidence"],
        char_confidences=tuple(data.get("char_confidences") or ()),
        alternatives=tuple(Alternative(t, c) for t, c in data.get("alternatives") or ()), state=data.get("state"),
        state_confidence=data.get("state_confidence", 0.0),
        colour=VehicleColour(colour[0], colour[1]) if colour else None, box=BBox(*data["box"]),
        plate_jpeg=base64.b64decode(data.get("plate_jpeg") or ""),
        overview_jpeg=base64.b64decode(data.get("overview_jpeg") or ""), first_seen=data["first_seen"], last_seen=data["last_seen"],
        best_ts=data["best_ts"], frame_count=data["frame_count"], capture_ts=data.get("capture_ts", 0.0),
    )
    return read, StoredImages(data.get("plate_sha256"), data.get("overview_sha256"))


class Spool:
    """One JSON file per read in a folder, named so that name order is arrival order.

    Args:
        root: the spool folder (``AppPaths.spool``); ``failed/`` below it keeps unreadable entries.

    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.failed = root / "failed"

    def put(self, read: PlateRead) -> Path:
        """Journal one read durably (images included); returns its file."""
        name = f"{time.time_ns():020d}-{next(_counter) % 1_000_000:06d}-{read.read_id}.json"
        path = self.root / name
        self.root.mkdir(parents=True, exist_ok=True)
        write_durably(path, json.dumps(read_to_json(read, StoredImages(None, None)), separators=(",", ":")).encode())
        return path

    def pending(self, include_committed: bool = False) -> list[Path]:
        """Journalled reads not yet stored, oldest first.

        With ``include_committed`` also those stored but not yet checkpointed: after a crash they
        are replayed too (idempotently).
        """
        found = list(self.root.glob("*.json"))
        if include_committed:
            found += self.root.glob("*.done")
        return sorted(found, key=lambda p: p.stem)

    def count(self) -> int:
        """Number of journalled reads waiting for the database."""
        return sum(1 for _ in self.root.glob("*.json"))

    @staticmethod
    def load(path: Path) -> tuple[PlateRead, StoredImages]:
        """Read back one journalled read."""
        return read_from_json(json.loads(path.read_bytes()))

    @staticmethod
    def committed(path: Path) -> Path:
        """Mark a journalled read as stored (removed at the next checkpoint)."""
        done = path.with_suffix(".done")
        os.replace(path, done)
        return done

    @staticmethod
    def remove(path: Path) -> None:
        """Forget a journalled read once it is durable in the database."""
        path.unlink(missing_ok=True)

    def set_aside(self, path: Path) -> None:
        """Move an entry that cannot be stored (corrupt, rejected) out of the replay queue."""
        self.failed.mkdir(parents=True, exist_ok=True)
        os.replace(path, self.failed / path.name)


@dataclass(frozen=True, slots=True)
class SpoolStatus:
    """For the banner: how many reads wait for the database and why."""

    pending: int
    database_available: bool
    last_error: str = ""
    set_aside: int = 0

    @property
    def text(self) -> str:
        """Banner text; empty when all is well."""
        if self.database_available and not self.pending:
            return ""
        if not self.database_available:
            return f"Database unreachable: spooling {self.pending} read{'s' if self.pending != 1 else ''} to disk"
        return f"Replaying {self.pending} spooled read{'s' if self.pending != 1 else ''}"


class DurableIngest:
    """Read ingest that survives crashes, kills, power cuts and database outages.

    Per read, on the critical path: one durable journal file (images included), the image files
    (written, not yet fsynced) and the database transaction; then the hits can be shown. A
    :meth:`checkpoint` (at most every ``checkpoint_every_s``, and when idle) fsyncs the images
    written since the last one, makes the database durable (SQLite WAL checkpoint) and only then
    deletes the journals of the reads stored meanwhile.

    Args:
        store: the read store doing the actual ingest.
        spool: the write-ahead spool.
        retry_after_s: while the database is down, try it again at most this often.
        checkpoint_every_s: longest time between checkpoints while reads keep arriving.
        monotonic: time source (tests).

    Call :meth:`submit` from one ingest thread per process; :meth:`replay` at start-up and
    periodically, :meth:`checkpoint` when idle and at shutdown (the recognition bridge does all).

    """

    def __init__(self, store: ReadStore, spool: Spool, retry_after_s: float = 2.0,
                 checkpoint_every_s: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.spool = spool
        self.retry_after_s = retry_after_s
        self.checkpoint_every_s = checkpoint_every_s
        self._monotonic = monotonic
        self._down_since: float | None = None
        self._last_try = 0.0
        self._last_error = ""
        self._set_aside = 0
        self._unsynced: list[Path] = []
        self._done: list[Path] = []
        self._last_checkpoint = monotonic()
        self._started = False
        self._lock = threading.RLock()

    def submit(self, read: PlateRead, checkpoint: bool = True) -> list[IngestResult]:
        """Journal ``read``, then store it (after any backlog) if the database is reachable.

        With ``checkpoint`` False the caller runs :meth:`checkpoint` itself (off the hit's path).

        Returns:
            The results stored by this call, in order (the backlog first, then this read);
            empty when the database is down (the read stays spooled).

        """
        with self._lock:
            path = self.spool.put(read)
            if self._down_since is not None or not self._started or self.spool.count() > 1:
                return self.replay()
            try:
                result = self._store(read, path)
            except Exception as exc:
                if not is_database_down(exc):
                    raise
                self._went_down(exc)
                return []
            if checkpoint:
                self._maybe_checkpoint()
            return [result]

    def replay(self, force: bool = False) -> list[IngestResult]:
        """Store spooled reads in arrival order; stop at the first database failure.

        The first replay also takes the reads a crash left stored but not yet checkpointed.
        """
        with self._lock:
            now = self._monotonic()
            if self._down_since is not None and not force and now - self._last_try < self.retry_after_s:
                return []
            self._last_try = now
            out: list[IngestResult] = []
            for path in self.spool.pending(include_committed=not self._started):
                try:
                    read, _ = self.spool.load(path)
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    logger.error("spooled read %s is unreadable (%s): set aside", path.name, exc)
                    self._aside(path)
                    continue
                try:
                    out.append(self._store(read, path))
                except Exception as exc:
                    if is_database_down(exc):
                        self._went_down(exc)
                        return out
                    logger.exception("spooled read %s cannot be stored: set aside", path.name)
                    self._aside(path)
            self._started = True
            if self._down_since is not None:
                logger.warning("database reachable again: %d spooled read(s) replayed", len(out))
            self._down_since, self._last_error = None, ""
            self._maybe_checkpoint(force=bool(out))
            return out

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
            if not is_database_down(exc):
                raise
            logger.warning("checkpoint postponed: %s", exc)
            return 0
        for path in done:
            self.spool.remove(path)
        self._last_checkpoint = self._monotonic()
        return len(done)

    def status(self) -> SpoolStatus:
        """Pending count and database state for the banner."""
        return SpoolStatus(self.spool.count(), self._down_since is None, self._last_error, self._set_aside)

    def _store(self, read: PlateRead, path: Path) -> IngestResult:
        images = self.store.store_images(read, durable=False, unsynced=self._unsynced)
        result = self.store.ingest(read, images)
        self._done.append(self.spool.committed(path) if path.suffix == ".json" else path)
        return result

    def _maybe_checkpoint(self, force: bool = False) -> None:
        if force or self._monotonic() - self._last_checkpoint >= self.checkpoint_every_s or len(self._done) >= 200:
            self.checkpoint()

    def _aside(self, path: Path) -> None:
        self.spool.set_aside(path)
        self._set_aside += 1

    def _went_down(self, exc: BaseException) -> None:
        if self._down_since is None:
            logger.error("database unreachable, spooling reads: %s", exc)
            self._down_since = self._monotonic()
        self._last_try = self._monotonic()
        self._last_error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]

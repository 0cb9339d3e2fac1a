"""Nothing that was read is lost: a write-ahead spool of reads on disk, replayed in order.

Every read is journalled before the database is touched:

1. its images go to the content-addressed image store (fsynced);
2. one JSON file describing the read is written to ``AppPaths.spool`` (temp, fsync, rename);
3. the database ingest runs; only after its commit is the JSON file removed.

A crash or kill at any point leaves either the committed row or the JSON file (often both:
replay is idempotent by ``read_uuid``). When the database is unreachable the files simply stay
and are replayed in arrival order when it returns; :meth:`DurableIngest.status` says
"spooling N reads" for the banner.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from app.domain.errors import DatabaseUnavailable
from app.services.read_store import IngestResult, ReadStore, StoredImages, write_durably
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
    """Everything of a read except its image bytes (those are in the image store by hash)."""
    return {
        "format": SPOOL_FORMAT, "read_id": read.read_id, "camera_id": read.camera_id, "text": read.text,
        "confidence": read.confidence, "char_confidences": list(read.char_confidences),
        "alternatives": [[a.text, a.confidence] for a in read.alternatives], "state": read.state,
        "state_confidence": read.state_confidence,
        "colour": [read.colour.code, read.colour.confidence] if read.colour else None,
        "box": read.box.as_list(), "first_seen": read.first_seen, "last_seen": read.last_seen,
        "best_ts": read.best_ts, "frame_count": read.frame_count, "capture_ts": read.capture_ts,
        "plate_sha256": images.plate_sha256, "overview_sha256": images.overview_sha256,
    }


def read_from_json(data: dict) -> tuple[PlateRead, StoredImages]:
    """Inverse of :func:`read_to_json` (image bytes stay empty; the hashes locate them)."""
    colour = data.get("colour")
    read = PlateRead(
        read_id=data["read_id"], camera_id=data["camera_id"], text=data["text"], confidence=data["confidence"],
        char_confidences=tuple(data.get("char_confidences") or ()),
        alternatives=tuple(Alternative(t, c) for t, c in data.get("alternatives") or ()), state=data.get("state"),
        state_confidence=data.get("state_confidence", 0.0),
        colour=VehicleColour(colour[0], colour[1]) if colour else None, box=BBox(*data["box"]),
        plate_jpeg=b"", overview_jpeg=b"", first_seen=data["first_seen"], last_seen=data["last_seen"],
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

    def put(self, read: PlateRead, images: StoredImages) -> Path:
        """Journal one read durably; returns its file."""
        name = f"{time.time_ns():020d}-{next(_counter) % 1_000_000:06d}-{read.read_id}.json"
        path = self.root / name
        self.root.mkdir(parents=True, exist_ok=True)
        write_durably(path, json.dumps(read_to_json(read, images), separators=(",", ":")).encode())
        return path

    def pending(self) -> list[Path]:
        """Journalled reads not yet confirmed stored, oldest first."""
        return sorted(self.root.glob("*.json"))

    def count(self) -> int:
        """Number of journalled reads waiting."""
        return sum(1 for _ in self.root.glob("*.json"))

    @staticmethod
    def load(path: Path) -> tuple[PlateRead, StoredImages]:
        """Read back one journalled read."""
        return read_from_json(json.loads(path.read_bytes()))

    @staticmethod
    def remove(path: Path) -> None:
        """Forget a journalled read once it is committed."""
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
    """Read ingest that survives crashes and database outages.

    Args:
        store: the read store doing the actual ingest.
        spool: the write-ahead spool.
        retry_after_s: while the database is down, try it again at most this often.
        monotonic: time source (tests).

    Call :meth:`submit` from one ingest thread per process; :meth:`replay` at start-up and
    periodically (the recognition bridge does both).

    """

    def __init__(self, store: ReadStore, spool: Spool, retry_after_s: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.spool = spool
        self.retry_after_s = retry_after_s
        self._monotonic = monotonic
        self._down_since: float | None = None
        self._last_try = 0.0
        self._last_error = ""
        self._set_aside = 0
        self._lock = threading.RLock()

    def submit(self, read: PlateRead) -> list[IngestResult]:
        """Journal ``read``, then store it (after any backlog) if the database is reachable.

        Returns:
            The results stored by this call, in order (the backlog first, then this read);
            empty when the database is down (the read stays spooled).

        """
        with self._lock:
            images = self.store.store_images(read)
            path = self.spool.put(read, images)
            if self._down_since is None and len(self.spool.pending()) == 1:
                try:
                    result = self.store.ingest(read, images)
                except Exception as exc:
                    if not is_database_down(exc):
                        raise
                    self._went_down(exc)
                    return []
                self.spool.remove(path)
                return [result]
            return self.replay()

    def replay(self, force: bool = False) -> list[IngestResult]:
        """Store spooled reads in arrival order; stop at the first database failure."""
        with self._lock:
            now = self._monotonic()
            if self._down_since is not None and not force and now - self._last_try < self.retry_after_s:
                return []
            self._last_try = now
            out: list[IngestResult] = []
            for path in self.spool.pending():
                try:
                    read, images = self.spool.load(path)
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    logger.error("spooled read %s is unreadable (%s): set aside", path.name, exc)
                    self.spool.set_aside(path)
                    self._set_aside += 1
                    continue
                try:
                    out.append(self.store.ingest(read, images))
                except Exception as exc:
                    if is_database_down(exc):
                        self._went_down(exc)
                        return out
                    logger.exception("spooled read %s cannot be stored: set aside", path.name)
                    self.spool.set_aside(path)
                    self._set_aside += 1
                    continue
                self.spool.remove(path)
            if self._down_since is not None:
                logger.warning("database reachable again: %d spooled read(s) replayed", len(out))
            self._down_since, self._last_error = None, ""
            return out

    def status(self) -> SpoolStatus:
        """Pending count and database state for the banner."""
        return SpoolStatus(self.spool.count(), self._down_since is None, self._last_error, self._set_aside)

    def _went_down(self, exc: BaseException) -> None:
        if self._down_since is None:
            logger.error("database unreachable, spooling reads: %s", exc)
            self._down_since = self._monotonic()
        self._last_try = self._monotonic()
        self._last_error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]

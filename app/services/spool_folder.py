"""The spool folder: one journal file per read (or group of reads), named so that name order is arrival order.

The files are written by :class:`recognition.runtime.journal.ReadJournal`; this module reads them
back, marks them stored, sets aside the ones that cannot be stored and puts those back at start-up.
:class:`app.services.spool.DurableIngest` drives it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from app.services.read_store import StoredImages
from recognition.runtime.journal import (
    DEFAULT_RESERVE_BYTES,
    DEFAULT_WARN_BYTES,
    ReadJournal,
    read_from_json,
    reads_in,
    temp_in_flight,
)
from recognition.types import PlateRead

logger = logging.getLogger(__name__)

__all__ = ["Spool"]


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

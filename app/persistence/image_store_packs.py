"""Image store of a SQLite workstation: append-only pack files per camera and hour.

``images/packs/<YYYYMMDD>/<HH>/<camera>.pack`` (UTC hour of capture). Each image is appended as a
one-line header (``IMG <sha256> <length>``) followed by its bytes, so a pack can be checked or
rebuilt without the database; the read row keeps pack, offset (of the bytes) and length. A torn
append after a crash leaves unreferenced bytes at the end, never a row pointing at half an image
(the row is committed after the bytes). Retention removes whole hours: a day is ~2,400 unlinks for
100 cameras instead of 600,000.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.images import ImageMissing, ImageRef

logger = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_DAY = re.compile(r"^\d{8}$")
_HOUR = re.compile(r"^\d{2}$")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pack_name(camera: str, captured_at: datetime) -> str:
    """The pack (relative path) holding the images of this camera for this UTC hour."""
    at = captured_at.astimezone(UTC)
    return f"{at:%Y%m%d}/{at:%H}/{_SAFE.sub('_', camera)[:64] or 'camera'}.pack"


class PackImageStore:
    """Append-only pack files under ``root`` (``AppPaths.images / "packs"``).

    Args:
        root: the packs folder.

    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def put(self, images: Sequence[bytes], camera: str, captured_at: datetime, durable: bool = True,
            unsynced: list[Path] | None = None) -> tuple[ImageRef | None, ...]:
        name = pack_name(camera, captured_at)
        path = self.root / name
        todo = [(i, data, hashlib.sha256(data).hexdigest()) for i, data in enumerate(images) if data]
        out: list[ImageRef | None] = [None] * len(images)
        if not todo:
            return tuple(out)
        created = not path.parent.exists()
        if created:
            path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            # O_APPEND: each write lands at the end even with another process appending; the offset
            # is read back from our own file position after the write.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
            try:
                for i, data, sha in todo:
                    blob = b"IMG %s %d\n" % (sha.encode(), len(data)) + data
                    os.write(fd, blob)
                    end = os.lseek(fd, 0, os.SEEK_CUR)
                    out[i] = ImageRef(sha, name, end - len(data), len(data))
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
        if durable and created:
            for folder in (path.parent, path.parent.parent, self.root):
                _fsync_dir(folder)
        elif unsynced is not None and (not unsynced or unsynced[-1] != path):
            unsynced.append(path)
        return tuple(out)

    def put_many(self, batch: Sequence[tuple[Sequence[bytes], str, datetime]], durable: bool = True,
                 unsynced: list[Path] | None = None) -> list[tuple[ImageRef | None, ...]]:
        """Several reads' images (appends are cheap: one :meth:`put` each)."""
        return [self.put(images, camera, at, durable, unsynced) for images, camera, at in batch]

    def get(self, ref: ImageRef) -> bytes:
        try:
            with open(self.root / str(ref.pack), "rb") as f:
                f.seek(ref.offset)
                data = f.read(ref.length)
        except OSError as exc:
            raise ImageMissing(f"The image pack {ref.pack} is missing.") from exc
        if len(data) != ref.length:
            raise ImageMissing(f"The image pack {ref.pack} is shorter than recorded.")
        return data

    def boundary(self, cutoff: datetime) -> datetime:
        at = cutoff.astimezone(UTC)
        return at.replace(minute=0, second=0, microsecond=0)

    def expire(self, cutoff: datetime) -> int:
        """Unlink every pack of an hour before ``boundary(cutoff)``; whole days go as one folder."""
        edge = self.boundary(cutoff)
        removed = 0
        if not self.root.is_dir():
            return 0
        for day_dir in sorted(p for p in self.root.iterdir() if p.is_dir() and _DAY.match(p.name)):
            day = datetime.strptime(day_dir.name, "%Y%m%d").replace(tzinfo=UTC)
            if day >= edge:
                break
            if day + timedelta(days=1) <= edge:
                removed += sum(1 for _ in day_dir.glob("*/*.pack"))
                shutil.rmtree(day_dir, onerror=_log_error)
                continue
            for hour_dir in sorted(p for p in day_dir.iterdir() if p.is_dir() and _HOUR.match(p.name)):
                if day + timedelta(hours=int(hour_dir.name) + 1) <= edge:
                    removed += sum(1 for _ in hour_dir.glob("*.pack"))
                    shutil.rmtree(hour_dir, onerror=_log_error)
        return removed


def _log_error(func, path, exc_info) -> None:  # noqa: ANN001
    logger.error("could not remove image pack %s: %s", path, exc_info[1])

"""Move image files written before the image store into it (each workstation moves its own).

Before the store, images were files named by their SHA-256 (``images/<sha[:2]>/<sha>.jpg``) in
each workstation's data folder, so other consoles could not show them. Migration 0004 adds the
location columns; this data move then runs at every start-up until the folder is empty:

1. rows still pointing at a hash-named file are taken in batches; each file found here is checked
   against its SHA-256 and appended to the store (pack or image table);
2. the batch's packs are made durable, then the rows are pointed at the store in one transaction;
3. after the pass, files no remaining row references any more are deleted (a file shared by two
   reads stays until both have moved; a file failing its hash check stays and is reported).

A kill at any point is harmless: a row is either still legacy (its file still there) or moved
(its bytes durable in the store); the next start resumes.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from app.domain.images import ImageRef
from app.persistence.repositories.read_images import LegacyRow, ReadImageRefs
from app.services.context import ServiceContext
from app.services.image_store import ReadImages, legacy_path
from app.services.read_store import sync_paths

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True, slots=True)
class ImageMigrationResult:
    """What one pass moved and removed."""

    reads_moved: int
    images_moved: int
    files_removed: int
    not_here: int
    corrupt: int


def legacy_files(root: Path) -> list[Path]:
    """Hash-named image files under ``root`` (the pre-store layout)."""
    if not root.is_dir():
        return []
    return [p for d in root.iterdir() if d.is_dir() and len(d.name) == 2 for p in d.glob("*.jpg")]


class ImageFileMigration:
    """Move this workstation's hash-named image files into the image store.

    Args:
        ctx: units of work.
        images: the store and the legacy folder.

    """

    def __init__(self, ctx: ServiceContext, images: ReadImages) -> None:
        self.ctx = ctx
        self.images = images

    def needed(self) -> bool:
        """Whether this workstation still has hash-named files (cheap: no database query)."""
        return bool(legacy_files(self.images.legacy_root))

    def run(self) -> ImageMigrationResult:
        """One complete pass (resumable); a no-op when the folder holds no legacy files."""
        if not self.needed():
            return ImageMigrationResult(0, 0, 0, 0, 0)
        moved_reads = moved_images = not_here = corrupt = 0
        candidates: set[str] = set()
        after = 0
        while True:
            with self.ctx.uow() as uow:
                batch = ReadImageRefs(uow.s).legacy_rows(after, BATCH)
            if not batch:
                break
            after = batch[-1].read_id
            updates: list[tuple[int, ImageRef | None, ImageRef | None]] = []
            unsynced: list[Path] = []
            for row in batch:
                datas = [self._file(sha) for sha in (row.plate_sha256, row.overview_sha256)]
                if all(d is None for d in datas):
                    not_here += 1
                    continue
                if any(d is False for d in datas):
                    corrupt += 1
                    continue
                plate, overview = self.images.store.put([d or b"" for d in datas], row.camera_key,
                                                        row.captured_at, durable=False, unsynced=unsynced)
                updates.append((row.read_id, plate, overview))
                candidates.update(s for s in (row.plate_sha256, row.overview_sha256) if s)
                moved_images += sum(1 for d in datas if d)
            sync_paths(unsynced)  # the bytes are durable before any row points at them
            with self.ctx.uow() as uow:
                refs = ReadImageRefs(uow.s)
                for read_id, plate, overview in updates:
                    refs.set_refs(read_id, plate, overview)
            moved_reads += len(updates)
        removed = self._remove_unreferenced(candidates)
        logger.info("image migration: %d reads (%d images) moved into the store, %d files removed, %d rows "
                    "without files here, %d failing their hash", moved_reads, moved_images, removed, not_here, corrupt)
        return ImageMigrationResult(moved_reads, moved_images, removed, not_here, corrupt)

    def _file(self, sha: str | None) -> bytes | None | bool:
        """The file's bytes; None when absent or no image; False when it fails its hash."""
        if not sha:
            return None
        try:
            data = legacy_path(self.images.legacy_root, sha).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != sha:
            logger.error("image file %s fails its hash check: left in place", sha)
            return False
        return data

    def _remove_unreferenced(self, candidates: set[str]) -> int:
        on_disk = {p.stem: p for p in legacy_files(self.images.legacy_root)}
        with self.ctx.uow() as uow:
            still = ReadImageRefs(uow.s).legacy_referenced(set(on_disk))
        removed = 0
        for sha, path in on_disk.items():
            # moved files, and files no row references at all (their reads were purged)
            if sha in still:
                continue
            try:
                path.unlink()
                removed += 1
            except OSError as exc:
                logger.error("could not remove migrated image %s: %s", sha, exc)
        return removed


__all__ = ["ImageFileMigration", "ImageMigrationResult", "LegacyRow"]

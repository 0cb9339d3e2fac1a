"""One image store, two backends, and what the services read images through.

:class:`ImageStore` is the seam: on a SQLite workstation append-only pack files per camera and
hour under the data folder (:class:`app.persistence.image_store_packs.PackImageStore`); on a
PostgreSQL center the bytes in a day-partitioned table beside the reads, so every console and
node sees them (:class:`app.persistence.image_store_pg.PgImageStore`). The read row keeps the
SHA-256, pack, offset and length of each image.

:class:`ReadImages` is what services use: it finds a read's image, checks its SHA-256, and keeps
copies of images that must outlive their pack or partition (evidence holds, open hits, release
requests): the purge asks it to :meth:`ReadImages.protect` those before the store drops whole
hours or days. Rows older than the store point at a file named by the hash; those are read and,
when purged, removed only once no remaining row references the file.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.domain.images import KEPT_PACK, ImageIntegrityError, ImageKind, ImageMissing, ImageRef
from app.persistence.image_stores import engine_of, open_image_store
from app.persistence.repositories.read_images import KeptImages, ReadImageRefs
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import ServiceContext

logger = logging.getLogger(__name__)


class ImageStore(Protocol):
    """Where image bytes are written by ingest and dropped by retention, a whole hour or day at a time."""

    def put(self, images: Sequence[bytes], camera: str, captured_at: datetime, durable: bool = True,
            unsynced: list[Path] | None = None) -> tuple[ImageRef | None, ...]:
        """Store the images of one read (None for empty bytes); all land in the same pack.

        With ``durable`` False the caller makes them durable later (files appended to ``unsynced``
        are fsynced by the spool checkpoint; a database commit follows in the read's transaction).
        """
        ...

    def put_many(self, batch: Sequence[tuple[Sequence[bytes], str, datetime]], durable: bool = True,
                 unsynced: list[Path] | None = None) -> list[tuple[ImageRef | None, ...]]:
        """:meth:`put` for several reads ``(images, camera, captured_at)`` at once (one round trip)."""
        ...

    def get(self, ref: ImageRef) -> bytes:
        """The bytes at ``ref`` (not checked here; :class:`ReadImages` checks the hash).

        Raises:
            ImageMissing: the pack or row is gone.

        """
        ...

    def boundary(self, cutoff: datetime) -> datetime:
        """Images captured before the returned time are removed by ``expire(cutoff)`` (<= ``cutoff``)."""
        ...

    def expire(self, cutoff: datetime) -> int:
        """Remove every pack / partition / row of images captured before ``boundary(cutoff)``.

        Returns:
            How many units (pack files, partitions) were removed.

        """
        ...


def legacy_path(root: Path, sha256: str) -> Path:
    """Where an image stored before the image store lives (``images/<sha[:2]>/<sha>.jpg``)."""
    return root / sha256[:2] / f"{sha256}.jpg"


def check(ref: ImageRef, data: bytes) -> bytes:
    """``data`` if it hashes to the recorded SHA-256.

    Raises:
        ImageIntegrityError: it does not.

    """
    found = hashlib.sha256(data).hexdigest()
    if found != ref.sha256:
        raise ImageIntegrityError(ref, found)
    return data


class ReadImages:
    """Read a read's images through the store (hash checked), and keep those retention must not drop.

    Args:
        ctx: units of work and clock.
        store: the backend (packs or PostgreSQL).
        legacy_root: the images folder holding files written before the store (``AppPaths.images``).

    """

    def __init__(self, ctx: ServiceContext, store: ImageStore, legacy_root: Path) -> None:
        self.ctx = ctx
        self.store = store
        self.legacy_root = legacy_root

    @classmethod
    def open(cls, ctx: ServiceContext, images_root: Path) -> ReadImages:
        """The store for ``ctx``'s database (packs under ``images_root`` on SQLite, the image table on PostgreSQL)."""
        return cls(ctx, open_image_store(engine_of(ctx.uow), images_root), images_root)

    def get(self, ref: ImageRef, uow: UnitOfWork | None = None) -> bytes:
        """The checked bytes of one image.

        Raises:
            ImageMissing: gone.
            ImageIntegrityError: the bytes do not match the recorded SHA-256.

        """
        return check(ref, self._raw(ref, uow))

    def _raw(self, ref: ImageRef, uow: UnitOfWork | None) -> bytes:
        if ref.kept:
            if uow is None:
                with self.ctx.uow() as own:
                    data = KeptImages(own.s).get(ref.offset)
            else:
                data = KeptImages(uow.s).get(ref.offset)
            if data is None:
                raise ImageMissing(f"The kept copy of image {ref.sha256[:12]} is missing.")
            return data
        if ref.legacy:
            try:
                return legacy_path(self.legacy_root, ref.sha256).read_bytes()
            except OSError as exc:
                raise ImageMissing(f"Image {ref.sha256[:12]} is not on this workstation.") from exc
        return self.store.get(ref)

    def of_read(self, read_id: int, kind: ImageKind = ImageKind.PLATE) -> bytes | None:
        """One image of a read; None when it has none or it is gone (an integrity failure raises)."""
        return self.of_reads([read_id], kind).get(read_id)

    def of_reads(self, read_ids: Iterable[int], kind: ImageKind = ImageKind.PLATE) -> dict[int, bytes]:
        """Images of many reads (those that have one and can be read); an integrity failure raises."""
        with self.ctx.uow() as uow:
            refs = ReadImageRefs(uow.s).refs(list(read_ids))
            out: dict[int, bytes] = {}
            for rid, pair in refs.items():
                ref = pair[0] if kind is ImageKind.PLATE else pair[1]
                if ref is None:
                    continue
                try:
                    out[rid] = self.get(ref, uow)
                except ImageMissing as exc:
                    logger.warning("image of read %s unavailable: %s", rid, exc)
            return out

    def protect(self, uow: UnitOfWork, read_ids: Iterable[int], before: datetime) -> int:
        """Copy the images of these reads captured before ``before`` to the kept area (inside ``uow``).

        The rows then point at the copies, so dropping their pack or partition loses nothing.
        Idempotent: reads already kept are skipped. Returns how many images were copied.
        """
        refs = ReadImageRefs(uow.s)
        kept = KeptImages(uow.s)
        copied = 0
        for rid, pair in refs.to_protect(list(read_ids), before).items():
            try:
                # raw bytes: an image failing its hash is kept as it is (and still fails when read)
                datas = [self._raw(ref, uow) if ref is not None else None for ref in pair]
            except ImageMissing as exc:
                # the row keeps its references (both images share one location column): a legacy
                # file may sit on another console and moves at its next start; a lost pack stays
                # visible as a missing image rather than as no image
                logger.error("images of kept read %s cannot be copied: %s", rid, exc)
                continue
            new: list[ImageRef | None] = []
            for kind, ref, data in zip(ImageKind, pair, datas, strict=True):
                if ref is None or data is None:
                    new.append(None)
                    continue
                kept_id = kept.add(rid, kind.value, ref.sha256, data, self.ctx.clock.now())
                new.append(ImageRef(ref.sha256, KEPT_PACK, kept_id, len(data)))
                copied += 1
            refs.set_refs(rid, new[0], new[1])
        return copied

    def forget_unreferenced(self, uow: UnitOfWork) -> int:
        """Delete kept copies no row points at any more (their read was purged or its hold ended)."""
        return KeptImages(uow.s).delete_unreferenced()

"""Image store of a PostgreSQL center: image bytes in ``read_images``, partitioned by UTC day.

Every console and node sees every image; retention drops a day's partition (``read_images_pYYYYMMDD``,
created with the reads partitions; rows of a day without one land in ``read_images_default``).
The read row keeps the day (``image_pack``), the image row id (offset) and the length.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.domain.images import ImageMissing, ImageRef
from app.persistence.repositories.records_partitions import drop_image_partition, list_image_partitions

logger = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 10
_INSERT_WITH_ID = text("INSERT INTO read_images (day, id, captured_at, camera, sha256, data) "
                       "VALUES (:day, :id, :at, :camera, :sha, :data)")
_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence('read_images', 'id')) FROM generate_series(1, :n)")


class PgImageStore:
    """Images as rows of the day-partitioned ``read_images`` table.

    Args:
        engine: the center's PostgreSQL engine.

    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, images: Sequence[bytes], camera: str, captured_at: datetime, durable: bool = True,
            unsynced: list[Path] | None = None) -> tuple[ImageRef | None, ...]:
        """One read's images in one transaction (see :meth:`put_many`)."""
        return self.put_many([(images, camera, captured_at)], durable, unsynced)[0]

    def put_many(self, batch: Sequence[tuple[Sequence[bytes], str, datetime]], durable: bool = True,
                 unsynced: list[Path] | None = None) -> list[tuple[ImageRef | None, ...]]:
        """Several reads' images in one transaction: ids drawn in one query, rows sent as one batch."""
        rows: list[dict] = []
        out: list[list[ImageRef | None]] = []
        for images, camera, captured_at in batch:
            at = captured_at.astimezone(UTC)
            refs: list[ImageRef | None] = [None] * len(images)
            for i, data in enumerate(images):
                if data:
                    rows.append({"day": at.date(), "at": at, "camera": camera[:64],
                                 "sha": hashlib.sha256(data).hexdigest(), "data": data, "slot": (len(out), i)})
            out.append(refs)
        if rows:
            with self.engine.begin() as c:
                if not durable:
                    # the reads' own (synchronous) commit follows and flushes this one's WAL with it
                    c.execute(text("SET LOCAL synchronous_commit = off"))
                ids = c.execute(_NEXT_IDS, {"n": len(rows)}).scalars().all()
                for row, rid in zip(rows, ids, strict=True):
                    row["id"] = int(rid)
                    k, i = row.pop("slot")
                    out[k][i] = ImageRef(row["sha"], row["day"].isoformat(), int(rid), len(row["data"]))
                c.execute(_INSERT_WITH_ID, rows)  # executemany: pipelined by psycopg
        return [tuple(refs) for refs in out]

    def get(self, ref: ImageRef) -> bytes:
        try:
            day = date.fromisoformat(str(ref.pack))
        except ValueError as exc:
            raise ImageMissing(f"Image {ref.sha256[:12]} has no valid location ({ref.pack}).") from exc
        with self.engine.connect() as c:
            data = c.execute(text("SELECT data FROM read_images WHERE day = :day AND id = :id"),
                             {"day": day, "id": ref.offset}).scalar()
        if data is None:
            raise ImageMissing(f"Image {ref.sha256[:12]} of {day} is no longer stored.")
        return bytes(data)

    def boundary(self, cutoff: datetime) -> datetime:
        return cutoff

    def expire(self, cutoff: datetime) -> int:
        """Drop the partitions of whole days before ``cutoff``, then delete the rows of the part-day.

        Returns:
            Partitions dropped plus rows deleted.

        """
        cutoff = cutoff.astimezone(UTC)
        dropped = 0
        with self.engine.connect() as c:
            days = list_image_partitions(c)
        for day in days:
            if datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC) > cutoff:
                break
            try:
                with self.engine.begin() as c:
                    drop_image_partition(c, day, lock_timeout_s=LOCK_TIMEOUT_S)
                dropped += 1
            except SQLAlchemyError as exc:  # busy: its rows go by the delete below instead
                logger.warning("image partition of %s not dropped (%s); deleting its rows", day,
                               exc.__class__.__name__)
        with self.engine.begin() as c:
            gone = c.execute(text("DELETE FROM read_images WHERE day <= :day AND captured_at < :cut"),
                             {"day": cutoff.date(), "cut": cutoff}).rowcount
        logger.info("image store: %d day partitions dropped, %d rows deleted before %s", dropped, gone, cutoff)
        return dropped + int(gone or 0)

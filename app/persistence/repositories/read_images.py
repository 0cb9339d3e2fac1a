"""Image locations in the read rows, and the kept copies of images retention must not drop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.images import KEPT_PACK, ImageRef
from app.persistence.orm.cameras import CameraRow, KeptImageRow, ReadRow
from app.persistence.orm.hits import HitRow

R = ReadRow.__table__.c
K = KeptImageRow.__table__.c
_CHUNK = 500
RefPair = tuple[ImageRef | None, ImageRef | None]
_COLS = (R.id, R.plate_sha256, R.overview_sha256, R.image_pack, R.plate_offset, R.plate_length,
         R.overview_offset, R.overview_length)


def _pair(row) -> RefPair:  # noqa: ANN001
    _id, psha, osha, pack, po, pl, oo, ol = row
    return (ImageRef(psha, pack, po or 0, pl or 0) if psha else None,
            ImageRef(osha, pack, oo or 0, ol or 0) if osha else None)


def ref_columns(plate: ImageRef | None, overview: ImageRef | None) -> dict[str, object]:
    """The read-row values for a read's two images (both share one pack)."""
    pack = (plate or overview).pack if (plate or overview) else None
    return {"plate_sha256": plate.sha256 if plate else None, "overview_sha256": overview.sha256 if overview else None,
            "image_pack": pack, "plate_offset": plate.offset if plate and pack else None,
            "plate_length": plate.length if plate and pack else None,
            "overview_offset": overview.offset if overview and pack else None,
            "overview_length": overview.length if overview and pack else None}


@dataclass(frozen=True, slots=True)
class LegacyRow:
    """A read whose images are still hash-named files."""

    read_id: int
    camera_key: str
    captured_at: datetime
    plate_sha256: str | None
    overview_sha256: str | None


class ReadImageRefs:
    """Reads' image references."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def refs(self, read_ids: list[int]) -> dict[int, RefPair]:
        """(plate, overview) references of these reads; reads without images are absent."""
        out: dict[int, RefPair] = {}
        for i in range(0, len(read_ids), _CHUNK):
            q = select(*_COLS).where(R.id.in_(read_ids[i:i + _CHUNK]))
            for row in self.s.execute(q):
                pair = _pair(row)
                if pair != (None, None):
                    out[row[0]] = pair
        return out

    def to_protect(self, read_ids: list[int], before: datetime) -> dict[int, RefPair]:
        """References of these reads captured before ``before`` that are not kept copies yet."""
        out: dict[int, RefPair] = {}
        for i in range(0, len(read_ids), _CHUNK):
            q = select(*_COLS).where(R.id.in_(read_ids[i:i + _CHUNK]), R.captured_at < before,
                                     or_(R.image_pack.is_(None), R.image_pack != KEPT_PACK),
                                     or_(R.plate_sha256.is_not(None), R.overview_sha256.is_not(None)))
            out.update({row[0]: _pair(row) for row in self.s.execute(q)})
        return out

    def set_refs(self, read_id: int, plate: ImageRef | None, overview: ImageRef | None) -> None:
        self.s.execute(update(ReadRow).where(R.id == read_id).values(**ref_columns(plate, overview)))

    def legacy_rows(self, after_id: int, limit: int) -> list[LegacyRow]:
        """Reads after ``after_id`` (id order) whose images are hash-named files."""
        q = (select(R.id, CameraRow.key, R.captured_at, R.plate_sha256, R.overview_sha256)
             .join(CameraRow, CameraRow.id == R.camera_id)
             .where(R.id > after_id, R.image_pack.is_(None),
                    or_(R.plate_sha256.is_not(None), R.overview_sha256.is_not(None)))
             .order_by(R.id).limit(limit))
        return [LegacyRow(i, k, as_utc(at), a, b) for i, k, at, a, b in self.s.execute(q)]

    def legacy_referenced(self, shas: set[str]) -> set[str]:
        """Which of these hashes a remaining row still references as a legacy file (pack NULL)."""
        found: set[str] = set()
        if not shas:
            return found
        q = select(R.plate_sha256, R.overview_sha256).where(
            R.image_pack.is_(None), or_(R.plate_sha256.is_not(None), R.overview_sha256.is_not(None)))
        for a, b in self.s.execute(q.execution_options(yield_per=20000)):
            if a in shas:
                found.add(a)
            if b in shas:
                found.add(b)
        return found


def read_ids_of_hits(session: Session, hit_ids: list[int]) -> list[int]:
    """The reads of these hits."""
    out: list[int] = []
    for i in range(0, len(hit_ids), _CHUNK):
        out += session.scalars(select(HitRow.read_id).where(HitRow.id.in_(hit_ids[i:i + _CHUNK])))
    return out


def hits_that_exist(session: Session, hit_ids: list[int]) -> list[int]:
    """Those of ``hit_ids`` that are stored hits."""
    out: list[int] = []
    for i in range(0, len(hit_ids), _CHUNK):
        out += session.scalars(select(HitRow.id).where(HitRow.id.in_(hit_ids[i:i + _CHUNK])))
    return out


class KeptImages:
    """Kept copies (a table on both databases: there are few, and they must survive any pack or partition)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, kept_id: int) -> bytes | None:
        return self.s.scalar(select(K.data).where(K.id == kept_id))

    def add(self, read_id: int, kind: str, sha256: str, data: bytes, now: datetime) -> int:
        row = KeptImageRow(read_id=read_id, kind=kind, sha256=sha256, data=data, kept_at=now)
        self.s.add(row)
        self.s.flush()
        return row.id

    def delete_unreferenced(self) -> int:
        """Drop copies whose read is gone or no longer points at them."""
        used = exists().where(and_(R.id == K.read_id, R.image_pack == KEPT_PACK,
                                   or_(R.plate_offset == K.id, R.overview_offset == K.id)))
        return int(self.s.execute(delete(KeptImageRow).where(~used)).rowcount or 0)

"""Stored reads (vehicle passes). Rows are added once and never changed by ingest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.hits import StoredRead
from app.persistence.orm.cameras import CameraRow, ReadRow


def to_stored_read(r: ReadRow, cam: CameraRow) -> StoredRead:
    alts = tuple((str(a[0]), float(a[1])) for a in (r.alternatives or []))
    return StoredRead(
        id=r.id, read_uuid=r.read_uuid, captured_at=as_utc(r.captured_at), camera_id=r.camera_id,
        camera_key=cam.key, camera_name=cam.name, plate=r.plate, confidence=r.confidence, state=r.state,
        colour=r.colour, plate_sha256=r.plate_sha256, overview_sha256=r.overview_sha256, workstation=r.workstation,
        camera_location=cam.location or "", camera_direction=cam.direction or "",
        state_confidence=r.state_confidence, colour_confidence=r.colour_confidence,
        char_confidences=tuple(r.char_confidences or ()), alternatives=alts,
        box=tuple(r.box) if r.box else None, frame_count=r.frame_count,  # type: ignore[arg-type]
    )


class ReadRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def id_by_uuid(self, read_uuid: str) -> tuple[int, datetime] | None:
        """The (id, captured_at) of the read with this uuid, if stored."""
        row = self.s.execute(
            select(ReadRow.id, ReadRow.captured_at).where(ReadRow.read_uuid == read_uuid).limit(1)
        ).first()
        return (row[0], as_utc(row[1])) if row else None

    def ids_by_uuids(self, read_uuids: list[str], chunk: int = 500) -> dict[str, tuple[int, datetime]]:
        """(id, captured_at) of the stored reads among ``read_uuids`` (one query per ``chunk``)."""
        out: dict[str, tuple[int, datetime]] = {}
        for i in range(0, len(read_uuids), chunk):
            part = read_uuids[i:i + chunk]
            for uid, rid, at in self.s.execute(
                    select(ReadRow.read_uuid, ReadRow.id, ReadRow.captured_at).where(ReadRow.read_uuid.in_(part))):
                out.setdefault(uid, (rid, as_utc(at)))
        return out

    def add_many(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert several reads in one statement (batched VALUES); their ids, in the order of ``rows``."""
        if not rows:
            return []
        result = self.s.execute(insert(ReadRow).returning(ReadRow.id, sort_by_parameter_order=True), rows)
        return [row[0] for row in result]

    def add(self, **values: Any) -> int:
        row = ReadRow(**values)
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, read_id: int, captured_at: datetime | None = None) -> StoredRead:
        q = select(ReadRow, CameraRow).join(CameraRow, CameraRow.id == ReadRow.camera_id).where(ReadRow.id == read_id)
        if captured_at is not None:
            q = q.where(ReadRow.captured_at == captured_at)  # partition pruning on PostgreSQL
        found = self.s.execute(q.limit(1)).first()
        if found is None:
            raise NotFound(f"No read with id {read_id}.")
        return to_stored_read(found[0], found[1])

    def count(self) -> int:
        from sqlalchemy import func

        return self.s.scalar(select(func.count()).select_from(ReadRow)) or 0

    def recent_for_matching(self, since: datetime, batch: int = 5000):  # noqa: ANN201 - row iterator
        """(id, captured_at, plate, state, alternatives, camera key, name, location, direction, camera id)."""
        q = (select(ReadRow.id, ReadRow.captured_at, ReadRow.plate, ReadRow.state, ReadRow.alternatives, CameraRow.key,
                    CameraRow.name, CameraRow.location, CameraRow.direction, CameraRow.id)
             .join(CameraRow, CameraRow.id == ReadRow.camera_id).where(ReadRow.captured_at >= since)
             .order_by(ReadRow.captured_at))
        return self.s.execute(q.execution_options(yield_per=batch))

    def uuids(self) -> set[str]:
        """Every stored read uuid (tests and recovery checks)."""
        return set(self.s.scalars(select(ReadRow.read_uuid)))

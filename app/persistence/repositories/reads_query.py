"""Queries over the reads table for detection browsing, exports and the purge.

Every value reaches the database as a bound parameter; plate patterns are validated to
A-Z0-9*? before they get here, so text that looks like SQL is only ever text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.records.plates import prefix_upper_bound
from app.domain.records.search import ReadSummary, SearchCriteria
from app.persistence.orm.cameras import CameraRow, ReadRow
from app.persistence.orm.hits import HitRow, HitSightingRow
from app.persistence.orm.records import EvidenceHoldRow, HoldItemRow

R = ReadRow.__table__.c
C = CameraRow.__table__.c

_COLUMNS = (R.id, R.captured_at, R.plate, R.state, R.colour, R.confidence, R.camera_id, C.name,
            R.plate_sha256, R.overview_sha256)


def _summary(row) -> ReadSummary:  # noqa: ANN001
    return ReadSummary(row[0], as_utc(row[1]), row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9])


def criteria_filters(c: SearchCriteria, dialect: str) -> list[ColumnElement[bool]]:
    """WHERE terms for ``c`` (an index range for the literal prefix, then the pattern itself)."""
    out: list[ColumnElement[bool]] = []
    if c.plate is not None:
        col = R.plate_folded if c.plate.folded else R.plate
        p = c.plate
        if p.exact:
            out.append(col == p.text)
        else:
            if p.prefix:
                out.append(col >= p.prefix)
                upper = prefix_upper_bound(p.prefix)
                if upper is not None:
                    out.append(col < upper)
            if p.text != p.prefix + "*":
                out.append(col.op("GLOB")(p.text) if dialect == "sqlite" else col.like(p.like()))
    if c.start is not None:
        out.append(R.captured_at >= c.start)
    if c.end is not None:
        out.append(R.captured_at <= c.end)
    if c.camera_ids:
        out.append(R.camera_id.in_(c.camera_ids))
    if c.colour:
        out.append(R.colour == c.colour)
    if c.state:
        out.append(R.state == c.state)
    if c.retained_from is not None:  # past retention: only what the purge keeps as evidence or as a hit's read
        held = (select(HoldItemRow.read_id).join(EvidenceHoldRow, EvidenceHoldRow.id == HoldItemRow.hold_id)
                .where(EvidenceHoldRow.released_at.is_(None), HoldItemRow.read_id.is_not(None)))
        out.append(or_(R.captured_at >= c.retained_from, R.id.in_(held), R.id.in_(select(HitRow.read_id)),
                       R.id.in_(select(HitSightingRow.read_id))))
    return out


class ReadsQuery:
    """Read-only access to reads for browsing and exports."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.dialect = session.get_bind().dialect.name

    def _base(self) -> Select:
        return select(*_COLUMNS).join_from(ReadRow, CameraRow, R.camera_id == C.id)

    def count(self, c: SearchCriteria) -> int:
        q = select(func.count()).select_from(ReadRow).where(and_(True, *criteria_filters(c, self.dialect)))
        return int(self.s.execute(q).scalar_one())

    def page(self, c: SearchCriteria, page: int, page_size: int) -> list[ReadSummary]:
        q = (self._base().where(and_(True, *criteria_filters(c, self.dialect)))
             .order_by(R.captured_at.desc(), R.id.desc()).limit(page_size).offset(page * page_size))
        return [_summary(r) for r in self.s.execute(q)]

    def get_matching(self, c: SearchCriteria, read_id: int) -> ReadSummary | None:
        """The read when it is one of the results of ``c`` (None otherwise, or when purged)."""
        q = self._base().where(R.id == read_id, and_(True, *criteria_filters(c, self.dialect)))
        row = self.s.execute(q).first()
        return _summary(row) if row else None

    def matching_ids(self, c: SearchCriteria, ids: list[int]) -> set[int]:
        """Those of ``ids`` that are results of ``c``."""
        out: set[int] = set()
        for i in range(0, len(ids), 500):
            q = select(R.id).where(R.id.in_(ids[i:i + 500]), and_(True, *criteria_filters(c, self.dialect)))
            out.update(self.s.scalars(q))
        return out

    def by_ids(self, ids: list[int]) -> list[ReadSummary]:
        out: list[ReadSummary] = []
        for i in range(0, len(ids), 500):
            q = self._base().where(R.id.in_(ids[i:i + 500]))
            out.extend(_summary(r) for r in self.s.execute(q))
        return sorted(out, key=lambda r: (r.captured_at, r.id))

    def get(self, read_id: int) -> ReadSummary | None:
        row = self.s.execute(self._base().where(R.id == read_id)).first()
        return _summary(row) if row else None

    def iter_matching(self, c: SearchCriteria, limit: int) -> Iterator[ReadSummary]:
        q = (self._base().where(and_(True, *criteria_filters(c, self.dialect)))
             .order_by(R.captured_at, R.id).limit(limit))
        for r in self.s.execute(q):
            yield _summary(r)

    def count_between(self, start: datetime, end: datetime) -> int:
        q = select(func.count()).select_from(ReadRow).where(R.captured_at >= start, R.captured_at < end)
        return int(self.s.execute(q).scalar_one())

    def count_by_camera(self, start: datetime, end: datetime) -> list[tuple[str, int]]:
        q = (select(C.name, func.count()).join_from(ReadRow, CameraRow, R.camera_id == C.id)
             .where(R.captured_at >= start, R.captured_at < end).group_by(C.name).order_by(C.name))
        return [(n, int(k)) for n, k in self.s.execute(q)]

    def newest_captured_at(self) -> datetime | None:
        v = self.s.execute(select(func.max(R.captured_at))).scalar()
        return as_utc(v) if v else None

    def cameras(self) -> list[tuple[int, str]]:
        return [(i, n) for i, n in self.s.execute(select(C.id, C.name).order_by(C.name))]

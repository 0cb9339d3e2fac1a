"""Hits, their never-edited steps, and snapshots of the hot-list entries they matched."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.hit_grouping import Sighting
from app.domain.hit_steps import HitStep, StepKind
from app.domain.hits import EntrySnapshot, HitStatus, HitSummary
from app.persistence.orm.accounts import UserRow
from app.persistence.orm.cameras import CameraRow, ReadRow
from app.persistence.orm.hits import OPEN_STATUSES_SQL, HitRow, HitSightingRow, HitStepRow
from app.persistence.orm.hotlists import HotListEntryRow, HotListSourceRow

_OPEN = (HitStatus.NEW.value, HitStatus.CLAIMED.value, HitStatus.VERIFIED.value)


def _utc(dt: datetime | None) -> datetime | None:
    return as_utc(dt) if dt is not None else None


class HitRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    # ---- entry snapshots -----------------------------------------------------------------------
    def snapshot(self, entry_id: int, now: datetime) -> tuple[EntrySnapshot, int | None] | None:
        """The entry as it is now, with the age of its list in seconds; None if it is gone."""
        found = self.s.execute(
            select(HotListEntryRow, HotListSourceRow)
            .join(HotListSourceRow, HotListSourceRow.id == HotListEntryRow.source_id)
            .where(HotListEntryRow.id == entry_id)
        ).first()
        if found is None:
            return None
        e, src = found
        updated = _utc(src.last_success_at) or _utc(e.updated_at) or _utc(e.created_at)
        snap = EntrySnapshot(
            entry_id=e.id, plate=e.plate, state=e.state, record_type=e.record_type, category=e.category,
            priority=e.priority, source_name=src.name, source_kind=src.kind, nic=e.nic, ori=e.ori,
            case_number=e.case_number, lic_year=e.lic_year, lic_type=e.lic_type, vehicle_year=e.vehicle_year,
            vehicle_make=e.vehicle_make, vehicle_model=e.vehicle_model, vehicle_style=e.vehicle_style,
            vehicle_colour=e.vehicle_colour, instructions=e.instructions, synopsis=e.synopsis,
            requesting_officer=e.requesting_officer, entry_date=e.entry_date, list_updated_at=updated,
            reference_photo_sha256=e.reference_photo_sha256,
        )
        age = int((now - updated).total_seconds()) if updated else None
        return snap, age

    def entry_alerts(self, entry_id: int, now: datetime) -> bool:
        """Whether the entry still alerts now: active and unexpired (the live index may be minutes older)."""
        e = self.s.get(HotListEntryRow, entry_id)
        return e is not None and e.status == "active" and (e.expires_at is None or as_utc(e.expires_at) > now)

    def entry_in_force(self, snapshot: EntrySnapshot, now: datetime) -> bool:
        """Whether the entry a hit matched still alerts now, with the plate and state the hit was raised on."""
        if snapshot.entry_id is None:
            return False
        e = self.s.get(HotListEntryRow, snapshot.entry_id)
        if e is None or e.status != "active" or (e.expires_at is not None and as_utc(e.expires_at) <= now):
            return False
        return (e.plate, e.state) == (snapshot.plate, snapshot.state)

    # ---- hits ----------------------------------------------------------------------------------
    def add(self, **values: Any) -> int:
        row = HitRow(**values)
        self.s.add(row)
        self.s.flush()
        return row.id

    def raise_or_sight(self, values: dict[str, Any], plate_key: str | None, camera_id: int | None,
                       workstation: str) -> tuple[int, int]:
        """Insert a hit, or add a sighting to the OPEN hit of the same (entry, folded plate).

        One statement (INSERT ... ON CONFLICT on the partial unique index ``ux_hits_open_group``), so two
        consoles ingesting the same plate at once get one hit with two sightings on SQLite and PostgreSQL.
        A closed hit is outside that index: the sighting then raises a new hit.

        Returns:
            (hit id, sighting count after this sighting); a count of 1 means a new hit.

        """
        seen_at = values["read_captured_at"]
        dialect = self.s.get_bind().dialect.name
        ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(HitRow).values(
            **values, plate_key=plate_key, sighting_count=1, last_seen_at=seen_at, last_camera_id=camera_id)
        later = ins.excluded.last_seen_at >= func.coalesce(HitRow.last_seen_at, HitRow.read_captured_at)
        stmt = ins.on_conflict_do_update(
            index_elements=["entry_id", "plate_key"], index_where=text(OPEN_STATUSES_SQL),
            set_={"sighting_count": HitRow.sighting_count + 1,
                  # a replayed (older) sighting never moves "last seen" back
                  "last_seen_at": case((later, ins.excluded.last_seen_at), else_=HitRow.last_seen_at),
                  "last_camera_id": case((later, ins.excluded.last_camera_id), else_=HitRow.last_camera_id)},
        ).returning(HitRow.id, HitRow.sighting_count)
        hit_id, count = self.s.execute(stmt).one()
        self.s.add(HitSightingRow(hit_id=hit_id, read_id=values["read_id"], read_captured_at=seen_at,
                                  camera_id=camera_id, workstation=workstation, added_at=values["created_at"]))
        self.s.flush()
        return int(hit_id), int(count)

    def sightings(self, hit_id: int) -> list[Sighting]:
        """Every sighting of a hit, oldest first, with its read's camera, plate, confidence and crop reference."""
        rows = self.s.execute(
            select(HitSightingRow.read_id, HitSightingRow.read_captured_at, HitSightingRow.workstation,
                   CameraRow.name, CameraRow.location, CameraRow.direction, ReadRow.id, ReadRow.plate,
                   ReadRow.confidence, ReadRow.plate_sha256)
            .outerjoin(ReadRow, ReadRow.id == HitSightingRow.read_id)
            .outerjoin(CameraRow, CameraRow.id == HitSightingRow.camera_id)
            .where(HitSightingRow.hit_id == hit_id)
            .order_by(HitSightingRow.read_captured_at, HitSightingRow.id)
        )
        return [Sighting(read_id=rid, seen_at=as_utc(at), camera_name=f"{cam or '?'} {dirn or ''}".strip(),
                         camera_location=loc or "", plate=plate or "", confidence=float(conf or 0.0),
                         plate_sha256=sha, workstation=ws or "", read_available=found is not None)
                for rid, at, ws, cam, loc, dirn, found, plate, conf, sha in rows]

    def exists_for(self, read_id: int, entry_id: int) -> bool:
        """Whether this read already raised a hit on this entry (or is a sighting of one)."""
        return self.s.scalar(
            select(HitSightingRow.id).join(HitRow, HitRow.id == HitSightingRow.hit_id)
            .where(HitSightingRow.read_id == read_id, HitRow.entry_id == entry_id).limit(1)
        ) is not None or self.s.scalar(
            select(HitRow.id).where(HitRow.read_id == read_id, HitRow.entry_id == entry_id).limit(1)) is not None

    def _summary_query(self):  # noqa: ANN202 - a SQLAlchemy Select
        claimer = aliased(UserRow)
        last_cam = aliased(CameraRow)
        return (
            select(HitRow, ReadRow.plate, ReadRow.state, ReadRow.workstation, CameraRow.name, CameraRow.location,
                   CameraRow.direction, claimer.username, last_cam.name, last_cam.location, last_cam.direction)
            .join(ReadRow, ReadRow.id == HitRow.read_id)
            .join(CameraRow, CameraRow.id == ReadRow.camera_id)
            .outerjoin(claimer, claimer.id == HitRow.claimed_by)
            .outerjoin(last_cam, last_cam.id == HitRow.last_camera_id)
        )

    @staticmethod
    def _to_summary(r: HitRow, plate: str, state: str | None, ws: str, cam: str, loc: str, dirn: str,
                    claimer: str | None, last_cam: str | None = None, last_loc: str | None = None,
                    last_dirn: str | None = None) -> HitSummary:
        snap = r.entry_snapshot if isinstance(r.entry_snapshot, dict) else {}
        if last_cam is not None:  # where the vehicle was seen last
            cam, loc, dirn = last_cam, last_loc or "", last_dirn or ""
        return HitSummary(
            id=r.id, priority=r.priority, category=r.category, status=HitStatus(r.status),
            created_at=as_utc(r.created_at), read_id=r.read_id, read_captured_at=as_utc(r.read_captured_at),
            plate_read=plate, state_read=state, plate_listed=str(snap.get("plate", "")),
            state_listed=snap.get("state"), state_match=r.state_match, match_kind=r.match_kind,
            distance=r.distance, camera_name=f"{cam} {dirn}".strip() if dirn else cam, camera_location=loc or "",
            source_name=r.source_name, list_age_s=r.list_age_s, record_type=snap.get("record_type"),
            entry_id=r.entry_id, workstation=ws, claimed_by=r.claimed_by, claimed_by_name=claimer,
            claimed_at=_utc(r.claimed_at), disposition=r.disposition, retroactive=r.retroactive,
            sightings=r.sighting_count or 1, last_seen_at=_utc(r.last_seen_at) or as_utc(r.read_captured_at),
        )

    def summaries(self, open_only: bool = True, hidden_categories: frozenset[str] = frozenset(),
                  limit: int = 500, since: datetime | None = None) -> list[HitSummary]:
        q = self._summary_query()
        if open_only:
            q = q.where(HitRow.status.in_(_OPEN))
        if hidden_categories:
            q = q.where(HitRow.category.not_in(sorted(hidden_categories)))
        if since is not None:
            q = q.where(HitRow.created_at >= since)
        q = q.order_by(HitRow.priority, HitRow.created_at, HitRow.id).limit(limit)
        return [self._to_summary(*row) for row in self.s.execute(q)]

    def summary(self, hit_id: int) -> HitSummary:
        row = self.s.execute(self._summary_query().where(HitRow.id == hit_id)).first()
        if row is None:
            raise NotFound(f"No hit with id {hit_id}.")
        return self._to_summary(*row)

    def closed_with_outcomes(self, outcomes: list[str], hidden_categories: frozenset[str] = frozenset(),
                             limit: int = 500) -> list[tuple[HitSummary, datetime | None]]:
        """Closed hits with one of ``outcomes`` as disposition, with their closing time."""
        q = self._summary_query().where(HitRow.status == HitStatus.CLOSED.value, HitRow.disposition.in_(outcomes))
        if hidden_categories:
            q = q.where(HitRow.category.not_in(sorted(hidden_categories)))
        rows = self.s.execute(q.order_by(HitRow.closed_at, HitRow.id).limit(limit)).all()
        return [(self._to_summary(*row), _utc(row[0].closed_at)) for row in rows]

    def row(self, hit_id: int, lock: bool = False) -> HitRow:
        q = select(HitRow).where(HitRow.id == hit_id)
        if lock:
            q = q.with_for_update()
        row = self.s.scalar(q)
        if row is None:
            raise NotFound(f"No hit with id {hit_id}.")
        return row

    def entry_snapshot(self, hit_id: int) -> EntrySnapshot:
        return EntrySnapshot.from_json(dict(self.row(hit_id).entry_snapshot or {}))  # type: ignore[arg-type]

    def try_claim(self, hit_id: int, user_id: int, now: datetime, take_over: bool = False) -> bool:
        """Claim atomically (only if unclaimed, or already ours, or ``take_over``)."""
        q = update(HitRow).where(HitRow.id == hit_id)
        if not take_over:
            q = q.where((HitRow.claimed_by.is_(None)) | (HitRow.claimed_by == user_id))
        status = func.coalesce(func.nullif(HitRow.status, HitStatus.NEW.value), HitStatus.CLAIMED.value)
        result = self.s.execute(q.values(claimed_by=user_id, claimed_at=now, status=status))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def held_open(self, user_id: int) -> list[int]:
        """Ids of the open hits ``user_id`` holds (locked for the caller's transaction)."""
        closed = [s.value for s in HitStatus if not s.open]
        q = select(HitRow.id).where(HitRow.claimed_by == user_id, HitRow.status.not_in(closed)).order_by(HitRow.id)
        return list(self.s.scalars(q.with_for_update()))

    def release(self, hit_id: int) -> None:
        row = self.row(hit_id)
        row.claimed_by, row.claimed_at = None, None
        if row.status == HitStatus.CLAIMED.value:
            row.status = HitStatus.NEW.value

    def set_status(self, hit_id: int, status: HitStatus, disposition: str | None = None,
                   closed_at: datetime | None = None) -> None:
        row = self.row(hit_id)
        row.status = status.value
        row.disposition = disposition
        row.closed_at = closed_at

    def username(self, user_id: int | None) -> str | None:
        return None if user_id is None else self.s.scalar(select(UserRow.username).where(UserRow.id == user_id))

    # ---- steps ---------------------------------------------------------------------------------
    def add_step(self, hit_id: int, kind: StepKind, payload: dict[str, Any], user_id: int, at: datetime,
                 note: str | None = None, corrects_step_id: int | None = None) -> int:
        seq = (self.s.scalar(select(func.max(HitStepRow.sequence)).where(HitStepRow.hit_id == hit_id)) or 0) + 1
        row = HitStepRow(hit_id=hit_id, kind=kind.value, payload=payload, note=note, user_id=user_id, at=at,
                         corrects_step_id=corrects_step_id, sequence=seq)
        self.s.add(row)
        self.s.flush()
        return row.id

    def steps(self, hit_id: int) -> list[HitStep]:
        rows = self.s.execute(
            select(HitStepRow, UserRow.username).join(UserRow, UserRow.id == HitStepRow.user_id)
            .where(HitStepRow.hit_id == hit_id).order_by(HitStepRow.sequence, HitStepRow.id)
        )
        return [
            HitStep(id=r.id, hit_id=r.hit_id, kind=StepKind(r.kind), payload=dict(r.payload or {}), user_id=r.user_id,
                    username=name, at=as_utc(r.at), sequence=r.sequence, note=r.note,
                    corrects_step_id=r.corrects_step_id)
            for r, name in rows
        ]

    def override_steps(self, start: datetime, end: datetime) -> list[HitStep]:
        """Steps recorded under an override (visual mismatch accepted, exigent dispatch) in [start, end)."""
        rows = self.s.execute(
            select(HitStepRow, UserRow.username).join(UserRow, UserRow.id == HitStepRow.user_id)
            .where(HitStepRow.kind.in_((StepKind.VISUAL_ACCEPTED.value, StepKind.UNITS_DISPATCHED.value)),
                   HitStepRow.at >= start, HitStepRow.at < end)
            .order_by(HitStepRow.at, HitStepRow.id)
        )
        out = []
        for r, name in rows:
            payload = dict(r.payload or {})
            if payload.get("override_reason") or payload.get("exigent_reason"):
                out.append(HitStep(id=r.id, hit_id=r.hit_id, kind=StepKind(r.kind), payload=payload,
                                   user_id=r.user_id, username=name, at=as_utc(r.at), sequence=r.sequence,
                                   note=r.note, corrects_step_id=r.corrects_step_id))
        return out

    def step_hit_id(self, step_id: int) -> int | None:
        return self.s.scalar(select(HitStepRow.hit_id).where(HitStepRow.id == step_id))

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(HitRow)) or 0

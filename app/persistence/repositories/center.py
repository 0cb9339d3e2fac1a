"""Node heartbeats and camera leases. Times come from the database clock, so nodes and consoles on
different machines agree on who is alive whatever their own clocks say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.center import NODE_POOL, CameraAssignment, CenterHealth, NodeHealth, NodeReport, fair_share
from app.persistence.orm.cameras import CameraRow
from app.persistence.orm.center import CameraLeaseRow, RecognitionNodeRow


def db_now(session: Session) -> datetime:
    """The database's clock (PostgreSQL ``clock_timestamp()``; SQLite: this machine's)."""
    if session.get_bind().dialect.name == "postgresql":
        return as_utc(session.scalar(select(func.clock_timestamp())))
    return datetime.now(UTC)


def _insert(session: Session):  # noqa: ANN202
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class CenterRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    # ---- nodes ------------------------------------------------------------------------------------
    def beat(self, report: NodeReport, now: datetime) -> None:
        """Insert or refresh the node's row (it is running and alive as of ``now``)."""
        values = dict(host=report.host[:128], pid=report.pid, capacity=report.capacity, state="running",
                      heartbeat_at=now, fps=report.fps, reads=report.reads)
        stmt = _insert(self.s)(RecognitionNodeRow).values(name=report.name, started_at=now, **values)
        self.s.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=values))

    def live_nodes(self, now: datetime, timeout_s: float) -> list[str]:
        cutoff = now - timedelta(seconds=timeout_s)
        return list(self.s.scalars(select(RecognitionNodeRow.name).where(
            RecognitionNodeRow.state == "running", RecognitionNodeRow.heartbeat_at >= cutoff)))

    def release_silent(self, now: datetime, timeout_s: float) -> int:
        """Drop every lease of a node that stopped heart-beating (or stopped); returns how many."""
        live = select(RecognitionNodeRow.name).where(
            RecognitionNodeRow.state == "running",
            RecognitionNodeRow.heartbeat_at >= now - timedelta(seconds=timeout_s))
        return self.s.execute(delete(CameraLeaseRow).where(CameraLeaseRow.node_name.not_in(live))).rowcount or 0

    def leave(self, name: str, now: datetime) -> None:
        """A node that stops cleanly gives its cameras back at once."""
        self.s.execute(delete(CameraLeaseRow).where(CameraLeaseRow.node_name == name))
        self.s.execute(update(RecognitionNodeRow).where(RecognitionNodeRow.name == name)
                       .values(state="stopped", heartbeat_at=now, fps=0.0))

    # ---- leases -----------------------------------------------------------------------------------
    def _eligible(self):  # noqa: ANN202
        """Cameras the nodes run: enabled and owned by the node pool (or no one, or a node by name)."""
        nodes = select(RecognitionNodeRow.name)
        return select(CameraRow.id).where(CameraRow.enabled.is_(True), or_(
            CameraRow.owner_workstation.is_(None), CameraRow.owner_workstation.in_(("", NODE_POOL)),
            CameraRow.owner_workstation.in_(nodes)))

    def balance(self, report: NodeReport, now: datetime, timeout_s: float) -> list[int]:
        """One lease round for ``report.name``: give up surplus, take free cameras up to a fair share.

        Returns the camera ids leased to the node afterwards. Two nodes taking the same free camera
        at once cannot both get it: the lease's primary key is the camera id (ON CONFLICT DO NOTHING).
        """
        eligible = set(self.s.scalars(self._eligible()))
        live = max(1, len(self.live_nodes(now, timeout_s)))
        share = fair_share(len(eligible), live, report.capacity)
        mine = list(self.s.scalars(select(CameraLeaseRow.camera_id).where(CameraLeaseRow.node_name == report.name)
                                   .order_by(CameraLeaseRow.camera_id)))
        gone = [c for c in mine if c not in eligible]  # disabled or given to a console meanwhile
        mine = [c for c in mine if c in eligible]
        surplus = mine[share:] if len(mine) > share else []
        if gone or surplus:
            self.s.execute(delete(CameraLeaseRow).where(CameraLeaseRow.node_name == report.name,
                                                        CameraLeaseRow.camera_id.in_(gone + surplus)))
            mine = mine[:share]
        want = share - len(mine)
        if want > 0:
            taken = select(CameraLeaseRow.camera_id)
            free = list(self.s.scalars(self._eligible().where(CameraRow.id.not_in(taken))
                                       .order_by(CameraRow.id).limit(want)))
            if free:
                stmt = _insert(self.s)(CameraLeaseRow).values([
                    dict(camera_id=c, node_name=report.name, leased_at=now, updated_at=now, state="starting", fps=0.0)
                    for c in free]).on_conflict_do_nothing(index_elements=["camera_id"])
                self.s.execute(stmt)
                mine = list(self.s.scalars(select(CameraLeaseRow.camera_id)
                                           .where(CameraLeaseRow.node_name == report.name)
                                           .order_by(CameraLeaseRow.camera_id)))
        keys = {c.key: c for c in report.cameras}
        if keys:
            for cam_id, key in self.s.execute(select(CameraRow.id, CameraRow.key).where(CameraRow.id.in_(mine))):
                health = keys.get(key)
                if health is not None:
                    self.s.execute(update(CameraLeaseRow).where(CameraLeaseRow.camera_id == cam_id,
                                                                CameraLeaseRow.node_name == report.name)
                                   .values(state=health.state[:16], fps=health.fps, updated_at=now))
        return mine

    # ---- what consoles show -------------------------------------------------------------------------
    def health(self, now: datetime, timeout_s: float) -> CenterHealth:
        leases = {r.camera_id: r for r in self.s.scalars(select(CameraLeaseRow))}
        cams = list(self.s.execute(select(CameraRow.id, CameraRow.key, CameraRow.name).where(
            CameraRow.id.in_(self._eligible())).order_by(CameraRow.name, CameraRow.id)))
        by_node: dict[str, list[str]] = {}
        cameras = []
        for cam_id, key, name in cams:
            lease = leases.get(cam_id)
            if lease is None:
                cameras.append(CameraAssignment(key, name))
                continue
            by_node.setdefault(lease.node_name, []).append(key)
            cameras.append(CameraAssignment(key, name, lease.node_name, lease.state, lease.fps,
                                            as_utc(lease.updated_at)))
        cutoff = now - timedelta(seconds=timeout_s)
        nodes = []
        for r in self.s.scalars(select(RecognitionNodeRow).order_by(RecognitionNodeRow.name)):
            beat = as_utc(r.heartbeat_at)
            nodes.append(NodeHealth(r.name, r.host, r.state == "running" and beat >= cutoff, r.state, r.capacity,
                                    tuple(by_node.get(r.name, ())), r.fps, r.reads, beat,
                                    max(0.0, (now - beat).total_seconds())))
        return CenterHealth(now, tuple(nodes), tuple(cameras))

    def forget_stopped(self, older_than: datetime) -> int:
        """Drop rows of nodes stopped or silent since before ``older_than`` (housekeeping)."""
        return self.s.execute(delete(RecognitionNodeRow).where(RecognitionNodeRow.heartbeat_at < older_than)
                              ).rowcount or 0

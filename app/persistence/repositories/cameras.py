"""Cameras: administration and the key -> id lookup of read ingest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.cameras import Camera
from app.domain.errors import NotFound
from app.persistence.orm.cameras import CameraRow

_FIELDS = ("name", "location", "direction", "source", "credential_ref", "owner_workstation", "latitude", "longitude",
           "enabled")


def _to_domain(r: CameraRow) -> Camera:
    return Camera(
        id=r.id, key=r.key, name=r.name, location=r.location or "", direction=r.direction or "",
        source=dict(r.source or {}), credential_ref=r.credential_ref, owner_workstation=r.owner_workstation,
        latitude=r.latitude, longitude=r.longitude, enabled=r.enabled,
    )


class CameraRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def list(self, workstation: str | None = None, enabled_only: bool = False) -> list[Camera]:
        q = select(CameraRow).order_by(CameraRow.name, CameraRow.id)
        if workstation is not None:
            q = q.where(CameraRow.owner_workstation == workstation)
        if enabled_only:
            q = q.where(CameraRow.enabled.is_(True))
        return [_to_domain(r) for r in self.s.scalars(q)]

    def _row(self, camera_id: int) -> CameraRow:
        row = self.s.get(CameraRow, camera_id)
        if row is None:
            raise NotFound(f"No camera with id {camera_id}.")
        return row

    def get(self, camera_id: int) -> Camera:
        return _to_domain(self._row(camera_id))

    def by_key(self, key: str) -> Camera | None:
        row = self.s.scalar(select(CameraRow).where(CameraRow.key == key))
        return _to_domain(row) if row else None

    def add(self, key: str, **values: Any) -> Camera:
        row = CameraRow(key=key, **{k: v for k, v in values.items() if k in _FIELDS})
        row.location = row.location or ""
        row.direction = row.direction or ""
        row.enabled = True if row.enabled is None else row.enabled
        self.s.add(row)
        self.s.flush()
        return _to_domain(row)

    def update(self, camera_id: int, **values: Any) -> Camera:
        row = self._row(camera_id)
        for k, v in values.items():
            if k not in _FIELDS:
                raise ValueError(f"unknown camera field {k}")
            setattr(row, k, v)
        self.s.flush()
        return _to_domain(row)

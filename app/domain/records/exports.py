"""Hit records as exported with evidence and releases (with their never-edited confirmation steps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HitStepRecord:
    id: int
    at: datetime
    username: str
    kind: str
    note: str | None
    payload: dict | None
    corrects_step_id: int | None = None


@dataclass(frozen=True, slots=True)
class HitRecord:
    id: int
    read_id: int
    read_captured_at: datetime
    created_at: datetime
    status: str
    category: str
    match_kind: str
    priority: int
    source_name: str
    disposition: str | None
    entry_plate: str
    steps: tuple[HitStepRecord, ...] = ()

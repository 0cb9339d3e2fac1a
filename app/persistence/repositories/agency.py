from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.agency import AgencyProfile
from app.persistence.orm.accounts import AgencyProfileRow, SettingRow

_FIELDS = ("name", "ori", "address", "chief_of_police", "alpr_administrator", "policy_number",
           "policy_version", "policy_text")


class AgencyRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self) -> AgencyProfile:
        row = self.s.get(AgencyProfileRow, 1)
        if row is None:
            return AgencyProfile()
        return AgencyProfile(**{f: getattr(row, f) for f in _FIELDS})

    def save(self, profile: AgencyProfile, now: datetime) -> None:
        row = self.s.get(AgencyProfileRow, 1)
        if row is None:
            row = AgencyProfileRow(id=1)
            self.s.add(row)
        for f in _FIELDS:
            setattr(row, f, getattr(profile, f))
        row.updated_at = now


class SharedSettingsRepository:
    """Agency-wide key/value settings stored in the database (shared by all consoles)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, key: str, default: object = None) -> object:
        row = self.s.get(SettingRow, key)
        return default if row is None else row.value

    def put(self, key: str, value: object, user_id: int | None, now: datetime) -> None:
        row = self.s.get(SettingRow, key)
        if row is None:
            self.s.add(SettingRow(key=key, value=value, updated_by=user_id, updated_at=now))
        else:
            row.value, row.updated_by, row.updated_at = value, user_id, now

    def all(self) -> dict[str, object]:
        return {r.key: r.value for r in self.s.scalars(select(SettingRow))}

    def with_prefix(self, prefix: str) -> dict[str, object]:
        """The settings whose key starts with ``prefix``."""
        rows = self.s.scalars(select(SettingRow).where(SettingRow.key.startswith(prefix, autoescape=True)))
        return {r.key: r.value for r in rows}

    def delete(self, key: str) -> None:
        row = self.s.get(SettingRow, key)
        if row is not None:
            self.s.delete(row)

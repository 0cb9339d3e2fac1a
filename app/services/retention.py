"""Retention settings (000 433.5, 002 IV.N.3, 003 462.12): periods per data type within a jurisdiction preset.

Stored in the shared settings table (``retention.periods``, ``retention.jurisdiction``) so every
console purges by the same rules; only an administrator changes them, and the change is recorded.
The purge itself is in :mod:`app.services.retention_purge`.
"""

from __future__ import annotations

from app.domain.errors import ValidationFailed
from app.domain.records.retention import PRESETS, JurisdictionPreset, RetentionPeriods
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services import audit_trail
from app.services.context import ServiceContext

P = Permission
PERIODS_KEY = "retention.periods"
JURISDICTION_KEY = "retention.jurisdiction"


def load_periods(uow: UnitOfWork) -> tuple[JurisdictionPreset, RetentionPeriods]:
    """The preset and periods in force (inside an open unit of work)."""
    repo = SharedSettingsRepository(uow.s)
    preset = PRESETS.get(str(repo.get(JURISDICTION_KEY, "default")), PRESETS["default"])
    return preset, RetentionPeriods.from_json(repo.get(PERIODS_KEY, None))


class RetentionSettingsService:
    """Read and change the retention periods."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def presets(self) -> list[JurisdictionPreset]:
        """Every jurisdiction preset, for the settings form."""
        return list(PRESETS.values())

    def current(self) -> tuple[JurisdictionPreset, RetentionPeriods]:
        """The preset and periods in force."""
        with self.ctx.uow() as uow:
            return load_periods(uow)

    def change(self, actor: Actor, preset_key: str, periods: RetentionPeriods) -> RetentionPeriods:
        """Set the preset and periods (administrator only; recorded with before/after).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: a period outside the preset's floor/ceiling.

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, "retention.change")
        preset = PRESETS.get(preset_key)
        if preset is None:
            raise ValidationFailed(f"Unknown jurisdiction preset '{preset_key}'.")
        problems = preset.problems(periods)
        if problems:
            raise ValidationFailed(problems)
        with self.ctx.uow() as uow:
            before_preset, before = load_periods(uow)
            repo = SharedSettingsRepository(uow.s)
            now = self.ctx.clock.now()
            repo.put(PERIODS_KEY, periods.as_json(), actor.user_id, now)
            repo.put(JURISDICTION_KEY, preset.key, actor.user_id, now)
            audit_trail.record(uow, self.ctx, actor, "retention.change", object_type="setting",
                               object_id=PERIODS_KEY,
                               detail={"before": {"preset": before_preset.key, **before.as_json()},
                                       "after": {"preset": preset.key, **periods.as_json()}})
        return periods

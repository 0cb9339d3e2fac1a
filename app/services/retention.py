"""Retention settings (000 433.5, 002 IV.N.3, 003 462.12): the jurisdiction, and periods per data type.

Stored in the shared settings table (``retention.jurisdiction``, ``retention.preset``,
``retention.periods``) so every console purges by the same rules. The jurisdiction's minimum
and maximum bind every preset, custom included, and the purge itself (it applies the periods
clamped to them, whatever is stored). Only an administrator changes the periods; changing the
jurisdiction is a separate administrator action recorded with a reason. The purge itself is in
:mod:`app.services.retention_purge`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NoReturn

from app.domain.changes import Changes
from app.domain.errors import ValidationFailed
from app.domain.records.retention import (
    JURISDICTIONS,
    NO_JURISDICTION,
    PRESETS,
    Jurisdiction,
    JurisdictionPreset,
    RetentionPeriods,
    jurisdiction_of_stored,
    preset_problems,
)
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext

P = Permission
PERIODS_KEY = "retention.periods"
JURISDICTION_KEY = "retention.jurisdiction"
PRESET_KEY = "retention.preset"
#: floors of jurisdictions left behind: ``[{"jurisdiction", "floor_days", "until"}]`` (see :func:`load_periods`)
CARRIED_FLOORS_KEY = "retention.carried_floors"
MIN_REASON_WORDS = 3

RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


def load_settings(uow: UnitOfWork) -> tuple[Jurisdiction, JurisdictionPreset, RetentionPeriods]:
    """Jurisdiction, preset and stored periods (inside an open unit of work).

    Older versions stored the preset key under ``retention.jurisdiction``: a state key there is
    that state's jurisdiction and preset; "default" / "custom" mean no state law and that preset.
    """
    repo = SharedSettingsRepository(uow.s)
    raw = str(repo.get(JURISDICTION_KEY, NO_JURISDICTION))
    preset_key = repo.get(PRESET_KEY, None) or (raw if raw in PRESETS else "default")
    return (jurisdiction_of_stored(raw), PRESETS.get(str(preset_key), PRESETS["default"]),
            RetentionPeriods.from_json(repo.get(PERIODS_KEY, None)))


def load_periods(uow: UnitOfWork, now: datetime | None = None) -> tuple[JurisdictionPreset, RetentionPeriods]:
    """The preset and the periods the purge applies: stored ones clamped to the jurisdiction's bounds.

    With ``now``: also never under the floor of a jurisdiction the agency left less than that floor
    ago. Data collected under California's two-year minimum keeps it when the setting changes:
    otherwise switching away, purging and switching back deleted it (the session 24 and 25 reviews).
    Until the carried floor lapses it holds data collected after the change too (one cut-off per
    data type); that over-keeps, it never deletes early.
    """
    jurisdiction, preset, periods = load_settings(uow)
    periods = jurisdiction.clamp(periods)
    if now is None:
        return preset, periods
    floor = max((f["floor_days"] for f in live_carried_floors(uow, now)), default=0)
    if floor:
        periods = RetentionPeriods(max(periods.reads_days, floor), max(periods.hits_days, floor),
                                   max(periods.images_days, floor))
    return preset, periods


def live_carried_floors(uow: UnitOfWork, now: datetime) -> list[dict]:
    """Floors of jurisdictions left behind that still protect data collected under them."""
    stored = SharedSettingsRepository(uow.s).get(CARRIED_FLOORS_KEY, None) or []
    return [f for f in stored if datetime.fromisoformat(f["until"]) > now]


class RetentionSettingsService:
    """Read and change the jurisdiction and the retention periods."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def presets(self) -> list[JurisdictionPreset]:
        """The presets valid under the current jurisdiction (and the one in force), for the settings form."""
        with self.ctx.uow() as uow:
            jurisdiction, current, _periods = load_settings(uow)
        return [p for p in PRESETS.values() if p.jurisdiction in (None, jurisdiction.key) or p is current]

    def jurisdictions(self) -> list[Jurisdiction]:
        """Every jurisdiction, for the administrator's choice."""
        return list(JURISDICTIONS.values())

    def jurisdiction(self) -> Jurisdiction:
        """The jurisdiction in force."""
        with self.ctx.uow() as uow:
            return load_settings(uow)[0]

    def current(self) -> tuple[JurisdictionPreset, RetentionPeriods]:
        """The preset and periods as stored (shown in the settings form)."""
        with self.ctx.uow() as uow:
            _j, preset, periods = load_settings(uow)
            return preset, periods

    @publishes(RECORDS)
    def change(self, actor: Actor, preset_key: str, periods: RetentionPeriods) -> RetentionPeriods:
        """Set the preset and periods (administrator only; recorded with before/after).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: a period outside the preset's or the jurisdiction's bounds, or a state
                preset of another jurisdiction (refusal recorded).

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, "retention.change")
        preset = PRESETS.get(preset_key)
        if preset is None:
            raise ValidationFailed(f"Unknown retention preset '{preset_key}'.")
        with self.ctx.uow() as uow:
            jurisdiction, before_preset, before = load_settings(uow)
        problems = preset_problems(jurisdiction, preset, periods)
        if problems:
            audit_trail.record_alone(self.ctx, actor, "retention.change", outcome="refused", object_type="setting",
                                     object_id=PERIODS_KEY, detail={"preset": preset.key, **periods.as_json(),
                                                                    "jurisdiction": jurisdiction.key,
                                                                    "problems": problems})
            raise ValidationFailed(problems)
        with self.ctx.uow() as uow:
            self._store(uow, actor, jurisdiction, preset, periods)
            audit_trail.record(uow, self.ctx, actor, "retention.change", object_type="setting",
                               object_id=PERIODS_KEY,
                               detail={"jurisdiction": jurisdiction.key,
                                       "before": {"preset": before_preset.key, **before.as_json()},
                                       "after": {"preset": preset.key, **periods.as_json()}})
        return periods

    @publishes(RECORDS)
    def set_jurisdiction(self, actor: Actor, key: str, reason: str,
                         periods: RetentionPeriods | None = None) -> Jurisdiction:
        """Change the jurisdiction (administrator: agency and retention rights; a reason is required).

        The periods become ``periods`` if given, else the current ones if they fit, else the
        jurisdiction's preset default; the preset becomes the state's preset (custom without one).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: unknown jurisdiction, no real reason, or periods outside its bounds.

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_AGENCY, "retention.jurisdiction")
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, "retention.jurisdiction")
        jurisdiction = JURISDICTIONS.get(key)
        why = " ".join(reason.split())
        if jurisdiction is None:
            self._refuse(actor, key, why, [f"Unknown jurisdiction '{key}'."])
        if len(why.split()) < MIN_REASON_WORDS or len(set(why.replace(" ", ""))) < 4:
            self._refuse(actor, key, why, ["Give the reason for changing the jurisdiction (for example the statute "
                                           "or the counsel's advice); it is kept in the access record."])
        preset = next((p for p in PRESETS.values() if p.jurisdiction == key), PRESETS["custom"])
        with self.ctx.uow() as uow:
            before_j, before_preset, before = load_settings(uow)
        if periods is None:
            periods = before if not preset_problems(jurisdiction, preset, before) else RetentionPeriods(
                preset.default_days, preset.default_days, preset.default_days)
        problems = preset_problems(jurisdiction, preset, periods)
        if problems:
            self._refuse(actor, key, why, problems)
        with self.ctx.uow() as uow:
            self._store(uow, actor, jurisdiction, preset, periods)
            carried = self._carry_floor(uow, actor, before_j, jurisdiction)
            audit_trail.record(uow, self.ctx, actor, "retention.jurisdiction", object_type="setting",
                               object_id=JURISDICTION_KEY, reason=why,
                               detail={"before": {"jurisdiction": before_j.key, "preset": before_preset.key,
                                                  **before.as_json()},
                                       "after": {"jurisdiction": jurisdiction.key, "preset": preset.key,
                                                 **periods.as_json()},
                                       "carried_floor": carried})
        return jurisdiction

    def _carry_floor(self, uow: UnitOfWork, actor: Actor, before: Jurisdiction, after: Jurisdiction) -> dict | None:
        """Leaving a jurisdiction with a higher minimum: its floor keeps binding for that many days."""
        now = self.ctx.clock.now()
        live = live_carried_floors(uow, now)
        carried = None
        if before.floor_days > after.floor_days:
            carried = {"jurisdiction": before.key, "floor_days": before.floor_days,
                       "until": (now + timedelta(days=before.floor_days)).isoformat()}
            live.append(carried)
        SharedSettingsRepository(uow.s).put(CARRIED_FLOORS_KEY, live, actor.user_id, now)
        return carried

    def _refuse(self, actor: Actor, key: str, reason: str, problems: list[str]) -> NoReturn:
        """Record a refused jurisdiction change (what was asked, and why it was refused), then raise."""
        audit_trail.record_alone(self.ctx, actor, "retention.jurisdiction", outcome="refused", object_type="setting",
                                 object_id=JURISDICTION_KEY, reason=reason or None,
                                 detail={"to": key, "problems": problems})
        raise ValidationFailed(problems)

    def _store(self, uow: UnitOfWork, actor: Actor, jurisdiction: Jurisdiction, preset: JurisdictionPreset,
               periods: RetentionPeriods) -> None:
        repo = SharedSettingsRepository(uow.s)
        now = self.ctx.clock.now()
        repo.put(PERIODS_KEY, periods.as_json(), actor.user_id, now)
        repo.put(PRESET_KEY, preset.key, actor.user_id, now)
        repo.put(JURISDICTION_KEY, jurisdiction.key, actor.user_id, now)

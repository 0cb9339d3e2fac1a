"""Retention periods, jurisdiction presets and the clock guard of the purge (000 433.5, 002 IV.N, 003 462.12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.display_dates import datetime_text

DEFAULT_DAYS = 30


def _utc(at: datetime) -> str:
    return datetime_text(at.astimezone(UTC), local=False, zone=True)


@dataclass(frozen=True, slots=True)
class RetentionPeriods:
    """Days each kind of data is kept before the purge destroys it."""

    reads_days: int = DEFAULT_DAYS
    hits_days: int = DEFAULT_DAYS
    images_days: int = DEFAULT_DAYS

    def as_json(self) -> dict[str, int]:
        return {"reads_days": self.reads_days, "hits_days": self.hits_days, "images_days": self.images_days}

    @classmethod
    def from_json(cls, value: object) -> RetentionPeriods:
        if not isinstance(value, dict):
            return cls()
        return cls(int(value.get("reads_days", DEFAULT_DAYS)), int(value.get("hits_days", DEFAULT_DAYS)),
                   int(value.get("images_days", DEFAULT_DAYS)))


def _bound_problems(label: str, citation: str, floor: int, ceiling: int | None, periods: RetentionPeriods) -> list[str]:
    out = []
    for name, days in (("reads", periods.reads_days), ("hit records", periods.hits_days),
                       ("images", periods.images_days)):
        if days < 1:
            out.append(f"The retention of {name} must be at least one day.")
        elif days < floor:
            out.append(f"{label} requires keeping {name} at least {floor} days ({citation}); {days} is too short.")
        elif ceiling is not None and days > ceiling:
            out.append(f"{label} allows keeping {name} at most {ceiling} days ({citation}); {days} is too long.")
    return out


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The law the agency is under: every retention period, whatever the preset, lies within [floor, ceiling]."""

    key: str
    label: str
    floor_days: int
    ceiling_days: int | None
    citation: str = ""
    #: the law lets ALPR data be shared only with public agencies (California Civil Code 1798.90.55(b))
    public_agencies_only: bool = False

    def problems(self, periods: RetentionPeriods) -> list[str]:
        return _bound_problems(self.label, self.citation or "jurisdiction", self.floor_days, self.ceiling_days,
                               periods)

    def clamp(self, periods: RetentionPeriods) -> RetentionPeriods:
        """The periods the purge applies: never under the floor nor over the ceiling, whatever is stored."""
        def one(days: int) -> int:
            days = max(days, self.floor_days, 1)
            return min(days, self.ceiling_days) if self.ceiling_days is not None else days
        return RetentionPeriods(one(periods.reads_days), one(periods.hits_days), one(periods.images_days))


@dataclass(frozen=True, slots=True)
class JurisdictionPreset:
    """A choice of periods offered to the administrator, bounded by its own [floor, ceiling].

    A state preset belongs to that state's jurisdiction (``jurisdiction``) and is only offered
    under it; the others (default policy, custom) apply under any jurisdiction, within its bounds.
    """

    key: str
    label: str
    floor_days: int
    ceiling_days: int | None
    default_days: int
    citation: str = ""
    jurisdiction: str | None = None

    def problems(self, periods: RetentionPeriods) -> list[str]:
        return _bound_problems(self.label, self.citation or "preset bounds", self.floor_days, self.ceiling_days,
                               periods)


NO_JURISDICTION = "none"
JURISDICTIONS: dict[str, Jurisdiction] = {j.key: j for j in (
    Jurisdiction(NO_JURISDICTION, "No state retention law (agency records schedule)", 1, 3650,
                 "agency records schedule"),
    Jurisdiction("california", "California", 730, None, "Gov. Code 34090, policy 003 462.12",
                 public_agencies_only=True),
    Jurisdiction("maine", "Maine", 1, 21, "29-A M.R.S. 2117-A"),
    Jurisdiction("virginia", "Virginia", 1, 21, "Va. Code 2.2-5517"),
    Jurisdiction("tennessee", "Tennessee", 1, 90, "Tenn. Code 55-10-302"),
    Jurisdiction("arkansas", "Arkansas", 1, 150, "Ark. Code 12-12-1804"),
    Jurisdiction("utah", "Utah", 1, 274, "Utah Code 41-6a-2004"),
)}

PRESETS: dict[str, JurisdictionPreset] = {p.key: p for p in (
    JurisdictionPreset("default", "Default policy (30 days)", 1, 30, 30, "agency policy 000 433.5 / 002 IV.N.3"),
    JurisdictionPreset("california", "California (2-year server minimum)", 730, None, 730,
                       "Gov. Code 34090, policy 003 462.12", "california"),
    JurisdictionPreset("maine", "Maine (21 days)", 1, 21, 21, "29-A M.R.S. 2117-A", "maine"),
    JurisdictionPreset("virginia", "Virginia (21 days)", 1, 21, 21, "Va. Code 2.2-5517", "virginia"),
    JurisdictionPreset("tennessee", "Tennessee (90 days)", 1, 90, 90, "Tenn. Code 55-10-302", "tennessee"),
    JurisdictionPreset("arkansas", "Arkansas (150 days)", 1, 150, 150, "Ark. Code 12-12-1804", "arkansas"),
    JurisdictionPreset("utah", "Utah (9 months)", 1, 274, 274, "Utah Code 41-6a-2004", "utah"),
    JurisdictionPreset("custom", "No preset (agency schedule)", 1, 3650, 30, "agency records schedule"),
)}


def preset_problems(jurisdiction: Jurisdiction, preset: JurisdictionPreset, periods: RetentionPeriods) -> list[str]:
    """Why ``periods`` under ``preset`` are not allowed in ``jurisdiction`` (empty: allowed).

    The jurisdiction binds every preset, custom included; a state preset is only valid under
    its own state (changing the jurisdiction is a separate, reasoned administrator action).
    """
    out = preset.problems(periods)
    if preset.jurisdiction is not None and preset.jurisdiction != jurisdiction.key:
        return [*out, f"The preset '{preset.label}' belongs to {JURISDICTIONS[preset.jurisdiction].label}, but the "
                f"agency's jurisdiction is {jurisdiction.label}. Changing the jurisdiction is an administrator "
                "action recorded with a reason."]
    return list(dict.fromkeys(out + jurisdiction.problems(periods)))


def jurisdiction_of_stored(value: object) -> Jurisdiction:
    """The jurisdiction from the stored setting (older versions stored a preset key there)."""
    return JURISDICTIONS.get(str(value), JURISDICTIONS[NO_JURISDICTION])


@dataclass(frozen=True, slots=True)
class ClockGuard:
    """Refuse to destroy data when the clock looks wrong.

    Backwards: now is before the last purge run or before the newest stored read. Jumped: more
    than ``max_gap_days`` since the last run (a wrong clock far in the future would destroy
    everything); an administrator may override a long but genuine gap explicitly.
    """

    max_gap_days: int = 45
    tolerance: timedelta = timedelta(minutes=10)

    def problem(self, now: datetime, last_run: datetime | None, newest_data: datetime | None,
                accept_gap: bool = False) -> str | None:
        if last_run is not None and now + self.tolerance < last_run:
            return (f"The clock went backwards: now is {_utc(now)} but the last purge ran at "
                    f"{_utc(last_run)}. Fix the system clock; nothing was deleted.")
        if newest_data is not None and now + self.tolerance < newest_data:
            return (f"The clock is behind the stored data: the newest read is from {_utc(newest_data)}."
                    " Fix the system clock; nothing was deleted.")
        if last_run is not None and not accept_gap and now - last_run > timedelta(days=self.max_gap_days):
            return (f"The clock jumped implausibly: {(now - last_run).days} days since the last purge run "
                    f"(more than {self.max_gap_days}). Check the system clock; an administrator may confirm "
                    "the gap and run the purge again.")
        return None


@dataclass(frozen=True, slots=True)
class PurgeRun:
    """One purge run (or refusal) as kept in purge_runs."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    run_by: int | None
    trigger: str
    cutoffs: dict | None
    counts: dict | None
    kept: dict | None
    refused_reason: str | None
    report_document_id: int | None

    @property
    def total(self) -> dict[str, int]:
        c = self.counts or {}
        return {k: int(c.get(k, 0)) for k in ("reads", "hits", "images")}

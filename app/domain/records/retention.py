"""Retention periods, jurisdiction presets and the clock guard of the purge (000 433.5, 002 IV.N, 003 462.12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_DAYS = 30


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


@dataclass(frozen=True, slots=True)
class JurisdictionPreset:
    """A law or policy bounding retention: every period must lie within [floor, ceiling] days."""

    key: str
    label: str
    floor_days: int
    ceiling_days: int | None
    default_days: int
    citation: str = ""

    def problems(self, periods: RetentionPeriods) -> list[str]:
        out = []
        for name, days in (("reads", periods.reads_days), ("hit records", periods.hits_days),
                           ("images", periods.images_days)):
            if days < 1:
                out.append(f"The retention of {name} must be at least one day.")
            elif days < self.floor_days:
                out.append(f"{self.label} requires keeping {name} at least {self.floor_days} days "
                           f"({self.citation or 'preset floor'}); {days} is too short.")
            elif self.ceiling_days is not None and days > self.ceiling_days:
                out.append(f"{self.label} allows keeping {name} at most {self.ceiling_days} days "
                           f"({self.citation or 'preset ceiling'}); {days} is too long.")
        return out


PRESETS: dict[str, JurisdictionPreset] = {p.key: p for p in (
    JurisdictionPreset("default", "Default policy (30 days)", 1, 30, 30, "agency policy 000 433.5 / 002 IV.N.3"),
    JurisdictionPreset("california", "California (2-year server minimum)", 730, None, 730,
                       "Gov. Code 34090, policy 003 462.12"),
    JurisdictionPreset("maine", "Maine (21 days)", 1, 21, 21, "29-A M.R.S. 2117-A"),
    JurisdictionPreset("virginia", "Virginia (21 days)", 1, 21, 21, "Va. Code 2.2-5517"),
    JurisdictionPreset("tennessee", "Tennessee (90 days)", 1, 90, 90, "Tenn. Code 55-10-302"),
    JurisdictionPreset("arkansas", "Arkansas (150 days)", 1, 150, 150, "Ark. Code 12-12-1804"),
    JurisdictionPreset("utah", "Utah (9 months)", 1, 274, 274, "Utah Code 41-6a-2004"),
    JurisdictionPreset("custom", "No preset (agency schedule)", 1, 3650, 30, "agency records schedule"),
)}


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
            return (f"The clock went backwards: now is {now:%Y-%m-%d %H:%M} UTC but the last purge ran at "
                    f"{last_run:%Y-%m-%d %H:%M} UTC. Fix the system clock; nothing was deleted.")
        if newest_data is not None and now + self.tolerance < newest_data:
            return (f"The clock is behind the stored data: the newest read is from {newest_data:%Y-%m-%d %H:%M} "
                    "UTC. Fix the system clock; nothing was deleted.")
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

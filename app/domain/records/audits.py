"""Monthly detection-browsing audits: a reproducible random sample (002 IV.Q.2, 003 462.8)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

DEFAULT_SAMPLE_SIZE = 10


def draw_sample(population: list[int], size: int, seed: int) -> list[int]:
    """Pick ``size`` inquiry ids (all of them when fewer); the same ids and seed give the same sample."""
    ordered = sorted(set(population))
    if len(ordered) <= size:
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def missed_periods(audited: list[tuple[datetime, datetime]], today: date, months: int = 1,
                   lookback_periods: int = 12, since: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """Closed periods (oldest first) that no audit covers: each shows as overdue (002 IV.Q.2).

    Periods before ``since`` (when the system started keeping inquiries) are not owed.
    """
    out: list[tuple[datetime, datetime]] = []
    end = prior_period(today, months)[1]
    for _ in range(lookback_periods):
        start = prior_period(end.date(), months)[0]
        if since is not None and end <= since:
            break
        if not _covered(start, end, audited):
            out.append((start, end))
        end = start
    return sorted(out)


def uncovered(start: datetime, end: datetime, audited: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that no audited period covers, oldest first."""
    out: list[tuple[datetime, datetime]] = []
    reached = start
    for a, b in sorted(audited):
        if b <= reached or a >= end:
            continue
        if a > reached:
            out.append((reached, a))
        reached = max(reached, b)
        if reached >= end:
            return out
    return [*out, (reached, end)]


def _covered(start: datetime, end: datetime, audited: list[tuple[datetime, datetime]]) -> bool:
    """True when the audited periods together cover all of [start, end) (an audit of one hour is not the month's)."""
    return not uncovered(start, end, audited)


def still_audited(start: datetime, end: datetime, status: str, now: datetime, months: int = 1,
                  drawn_at: datetime | None = None) -> bool:
    """Whether an audit of [start, end) still counts for its period: completed, or open for at most one more period.

    An audit drawn and never completed (no memorandum, 002 IV.Q.3) leaves its period overdue once
    the following period has passed too; a completed one counts only when its sample was drawn
    after the period ended (drawn earlier, it could not select among all the period's inquiries).
    """
    if status == "completed":
        return drawn_at is None or drawn_at >= end
    y, m = end.year, end.month + months
    while m > 12:
        m -= 12
        y += 1
    return now < end.replace(year=y, month=m, day=min(end.day, 28))


def prior_period(today: date, months: int = 1) -> tuple[datetime, datetime]:
    """The ``months`` calendar months before the month of ``today``, as [start, end) in UTC."""
    y, m = today.year, today.month
    end = datetime(y, m, 1, tzinfo=UTC)
    m -= months
    while m < 1:
        m += 12
        y -= 1
    return datetime(y, m, 1, tzinfo=UTC), end


@dataclass(frozen=True, slots=True)
class AuditItem:
    id: int
    inquiry_id: int
    username: str
    at: datetime
    purpose: str
    reason: str
    case_number: str | None
    on_behalf_of: str | None
    terms: str
    result_count: int
    compliant: bool | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Redraw:
    """A sample drawn and then replaced: kept and listed in the memo."""

    at: datetime
    by: str
    reason: str
    seed: int
    sample: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Audit:
    id: int
    period_start: datetime
    period_end: datetime
    seed: int
    sample_size: int
    population: int
    status: str
    created_by: int
    created_at: datetime
    items: tuple[AuditItem, ...] = ()
    completed_at: datetime | None = None
    data_errors: str | None = None
    summary: str | None = None
    memo_document_id: int | None = None
    excluded_own: int = 0
    redraws: tuple[Redraw, ...] = ()
    created_by_name: str = ""
    chief_reviewed_by: str | None = None
    chief_reviewed_at: datetime | None = None
    chief_remarks: str | None = None

    @property
    def reviewed(self) -> int:
        return sum(1 for i in self.items if i.compliant is not None)

    @property
    def drawn_at(self) -> datetime:
        """When the sample in force was drawn (the audit's creation, or its latest redraw)."""
        return max([self.created_at, *(r.at for r in self.redraws)])

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

    @property
    def reviewed(self) -> int:
        return sum(1 for i in self.items if i.compliant is not None)

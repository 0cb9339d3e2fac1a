"""Evidence holds: held reads and hits are never purged until an administrator releases the hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class EvidenceHold:
    id: int
    case_number: str
    reason: str
    review_on: date | None
    created_by: int
    created_by_name: str
    created_at: datetime
    read_ids: tuple[int, ...] = ()
    hit_ids: tuple[int, ...] = ()
    released_by: int | None = None
    released_at: datetime | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def review_due(self, today: date) -> bool:
        return self.active and self.review_on is not None and self.review_on <= today


def hold_problems(case_number: str, reason: str, review_on: date | None, today: date,
                  n_items: int) -> list[str]:
    out = []
    if not case_number.strip():
        out.append("A hold needs the case number it is for.")
    if len(reason.strip()) < 5:
        out.append("Give the reason for the hold (e.g. evidence in a criminal case, discovery request).")
    if review_on is not None and review_on <= today:
        out.append("The review date must be in the future.")
    if n_items == 0:
        out.append("Select at least one read or hit to hold.")
    return out

"""Browsing the access record: the filter, a page of it, and what an export of it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.access import AccessEntry, as_utc
from app.domain.errors import ValidationFailed

MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class AccessFilter:
    """Which access-record rows to show; every field left empty matches everything.

    Attributes:
        username: exactly this account name (refused logins carry a keyed pseudonym instead).
        action: this action or any under it: ``hits`` matches ``hits`` and ``hits.claim``.
        object_type: kind of object touched (``read``, ``hit``, ``user`` ...).
        object_id: that object's id (with or without ``object_type``).
        start: at or after this time (aware).
        end: before this time (aware).
    """

    username: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def normalised(self) -> AccessFilter:
        """Trimmed text (empty = any), UTC times; ValidationFailed for a reversed range."""
        def clean(v: str | None) -> str | None:
            return v.strip() or None if v is not None else None

        start = as_utc(self.start) if self.start is not None else None
        end = as_utc(self.end) if self.end is not None else None
        if start is not None and end is not None and end <= start:
            raise ValidationFailed("The end of the date range is before its start.")
        action = clean(self.action)
        return AccessFilter(clean(self.username), action.rstrip(".*") or None if action else None,
                            clean(self.object_type), clean(self.object_id), start, end)

    def describe(self) -> dict[str, str]:
        """The filter as recorded with a browse or an export (only the fields set)."""
        out = {"username": self.username, "action": self.action, "object_type": self.object_type,
               "object_id": self.object_id, "start": self.start.isoformat() if self.start else None,
               "end": self.end.isoformat() if self.end else None}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True, slots=True)
class AccessPage:
    """Newest first. ``next_cursor`` is handed back to get the following (older) page; None at the end."""

    entries: tuple[AccessEntry, ...]
    next_cursor: int | None


def check_page_size(size: int) -> int:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"A page holds 1 to {MAX_PAGE_SIZE} rows.")
    return size


@dataclass(frozen=True, slots=True)
class AccessExport:
    """A written export of the filtered access record (itself recorded as ``access_log.export``)."""

    path: str
    format: str
    rows: int
    sha256: str

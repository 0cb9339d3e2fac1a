"""When a hot-list source's daily import is due (plain rule, used by the service and by housekeeping)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from app.domain.hotlist_admin import HotListSource, SourceKind


def parse_daily_at(daily_at: str) -> tuple[int, int]:
    """``"HH:MM"`` -> (hour, minute).

    Raises:
        ValueError: not a time of day.

    """
    hh, mm = (int(x) for x in daily_at.strip().split(":"))
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise ValueError(f"{daily_at!r} is not a time of day")
    return hh, mm


def import_due(source: HotListSource, now: datetime, tz: tzinfo | None = None) -> bool:
    """Whether ``source``'s daily import is due: today's import time (local) has passed since its last attempt.

    Local lists, disabled sources and sources without a time or a file location are never due.

    Raises:
        ValueError: the source's ``daily_at`` is not a time of day.

    """
    if not source.enabled or source.kind == SourceKind.LOCAL or not source.daily_at or not source.location:
        return False
    hh, mm = parse_daily_at(source.daily_at)
    local_now = now.astimezone(tz)
    due = local_now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if local_now < due:
        return False
    return source.last_import_at is None or source.last_import_at.astimezone(tz) < due

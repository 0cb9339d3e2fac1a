"""Rows of new hot-list entries for bulk inserts, without SQLAlchemy (the parser child builds them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from app.domain.hotlists.records import HotListRecord


def _end_of_day(d: date | None) -> datetime | None:
    return None if d is None else datetime.combine(d, time(23, 59, 59), tzinfo=UTC)


def entry_rows(records: Iterable[HotListRecord], source_id: int, now: datetime, postgres: bool) -> list[tuple]:
    """The ``_BULK_COLUMNS`` tuples of new active entries (what COPY / executemany take).

    Plain tuples of str, int and None (dates as text for SQLite): the hot-list parser child
    builds them, and they cross the process pipe far cheaper than record objects.
    """
    created = now.astimezone(UTC)
    if postgres:
        return [(source_id, r.plate, r.plate_raw, r.state, r.record_type, str(r.category), r.priority, r.nic, r.ori,
                 r.entry_date, r.lic_year, r.lic_type, r.vehicle_year, r.vehicle_make, r.vehicle_model,
                 r.vehicle_style, r.vehicle_colour, _end_of_day(r.expiry), r.oca, r.remarks, "active", created, 1)
                for r in records]
    stamp = created.strftime("%Y-%m-%d %H:%M:%S.%f")
    return [(source_id, r.plate, r.plate_raw, r.state, r.record_type, str(r.category), r.priority, r.nic, r.ori,
             r.entry_date.isoformat() if r.entry_date else None, r.lic_year, r.lic_type, r.vehicle_year,
             r.vehicle_make, r.vehicle_model, r.vehicle_style, r.vehicle_colour,
             _end_of_day(r.expiry).strftime("%Y-%m-%d %H:%M:%S.%f") if r.expiry else None,
             r.oca, r.remarks, "active", stamp, 1) for r in records]

"""PostgreSQL day partitions of ``reads`` (reads_pYYYYMMDD); rows without a partition land in reads_default.

Retention drops a whole day partition when nothing in it is kept, which is much faster than
deleting its rows. Nothing here runs on SQLite (one plain table there).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^reads_p(\d{8})$")


def partition_name(day: date) -> str:
    return f"reads_p{day:%Y%m%d}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def _bind(conn: Session | Connection) -> Connection:
    return conn.connection() if isinstance(conn, Session) else conn


def is_partitioned(conn: Session | Connection) -> bool:
    c = _bind(conn)
    return c.dialect.name == "postgresql" and bool(c.execute(text(
        "select 1 from pg_partitioned_table p join pg_class c on c.oid = p.partrelid "
        "where c.relname = 'reads' and c.relnamespace = current_schema()::regnamespace")).first())


def list_day_partitions(conn: Session | Connection) -> list[date]:
    """Days that have their own partition, oldest first."""
    c = _bind(conn)
    rows = c.execute(text(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
        "join pg_class p on p.oid = i.inhparent where p.relname = 'reads'")).scalars()
    days = []
    for name in rows:
        m = _NAME.match(name)
        if m:
            days.append(datetime.strptime(m.group(1), "%Y%m%d").date())
    return sorted(days)


def ensure_day_partitions(conn: Session | Connection, first: date, last: date) -> list[str]:
    """Create reads_pYYYYMMDD for every day in [first, last] that has none; return the names created.

    Rows of such a day already sitting in reads_default are moved into the new partition first
    (PostgreSQL refuses to attach a range the default partition already holds rows of).
    """
    c = _bind(conn)
    if not is_partitioned(c):
        return []
    have = set(list_day_partitions(c))
    created = []
    day = first
    while day <= last:
        if day not in have:
            _create_one(c, day)
            created.append(partition_name(day))
        day += timedelta(days=1)
    if created:
        logger.info("created %d reads partitions (%s .. %s)", len(created), created[0], created[-1])
    return created


def _create_one(c: Connection, day: date) -> None:
    name = partition_name(day)
    lo, hi = day_bounds(day)
    params = {"lo": lo, "hi": hi}
    stray = c.execute(text("select 1 from reads_default where captured_at >= :lo and captured_at < :hi limit 1"),
                      params).first()
    bounds = f"FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
    if not stray:
        c.execute(text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF reads FOR VALUES {bounds}"))
        return
    c.execute(text(f"CREATE TABLE {name} (LIKE reads INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    c.execute(text(f"WITH moved AS (DELETE FROM reads_default WHERE captured_at >= :lo AND captured_at < :hi "
                   f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"), params)
    c.execute(text(f"ALTER TABLE reads ATTACH PARTITION {name} FOR VALUES {bounds}"))


def drop_day_partition(conn: Session | Connection, day: date, lock_timeout_s: int | None = None) -> None:
    """Drop one day's partition with every row in it (the caller checked nothing in it is kept).

    With ``lock_timeout_s`` the drop gives up (raises) instead of queueing behind a long reader.
    """
    c = _bind(conn)
    if lock_timeout_s is not None:
        c.execute(text(f"SET LOCAL lock_timeout = '{int(lock_timeout_s)}s'"))
    c.execute(text(f"DROP TABLE IF EXISTS {partition_name(day)}"))

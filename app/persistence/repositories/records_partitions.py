"""PostgreSQL day partitions of ``reads`` (reads_pYYYYMMDD) and ``read_images`` (read_images_pYYYYMMDD).

Rows of a day without a partition land in reads_default / read_images_default. Retention drops a
whole day partition when nothing in it is kept, which is much faster than deleting its rows.
Images of kept reads are copied out first (kept_images), so image partitions always drop whole.
Nothing here runs on SQLite (plain tables there, images in pack files).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^reads_p(\d{8})$")
_IMG_NAME = re.compile(r"^read_images_p(\d{8})$")


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


def _partition_days(conn: Session | Connection, parent: str, pattern: re.Pattern[str]) -> list[date]:
    c = _bind(conn)
    rows = c.execute(text(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
        "join pg_class p on p.oid = i.inhparent where p.relname = :parent"), {"parent": parent}).scalars()
    days = []
    for name in rows:
        m = pattern.match(name)
        if m:
            days.append(datetime.strptime(m.group(1), "%Y%m%d").date())
    return sorted(days)


def list_day_partitions(conn: Session | Connection) -> list[date]:
    """Days that have their own reads partition, oldest first."""
    return _partition_days(conn, "reads", _NAME)


def list_image_partitions(conn: Session | Connection) -> list[date]:
    """Days that have their own read_images partition, oldest first."""
    return _partition_days(conn, "read_images", _IMG_NAME)


def ensure_day_partitions(conn: Session | Connection, first: date, last: date) -> list[str]:
    """Create reads_pYYYYMMDD for every day in [first, last] that has none; return the names created.

    Rows of such a day already sitting in reads_default are moved into the new partition first
    (PostgreSQL refuses to attach a range the default partition already holds rows of).
    """
    c = _bind(conn)
    if not is_partitioned(c):
        return []
    have = set(list_day_partitions(c))
    have_images = set(list_image_partitions(c)) if _has_image_table(c) else None
    created = []
    day = first
    while day <= last:
        if day not in have:
            _create_one(c, day)
            created.append(partition_name(day))
        if have_images is not None and day not in have_images:
            _create_image_partition(c, day)
            created.append(image_partition_name(day))
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


def image_partition_name(day: date) -> str:
    return f"read_images_p{day:%Y%m%d}"


def _has_image_table(c: Connection) -> bool:
    return bool(c.execute(text("select to_regclass('read_images')")).scalar())


def _create_image_partition(c: Connection, day: date) -> None:
    name = image_partition_name(day)
    params = {"lo": day, "hi": day + timedelta(days=1)}
    bounds = f"FROM ('{day.isoformat()}') TO ('{(day + timedelta(days=1)).isoformat()}')"
    stray = c.execute(text("select 1 from read_images_default where day >= :lo and day < :hi limit 1"), params).first()
    if not stray:
        c.execute(text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF read_images FOR VALUES {bounds}"))
        return
    c.execute(text(f"CREATE TABLE {name} (LIKE read_images INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    c.execute(text(f"WITH moved AS (DELETE FROM read_images_default WHERE day >= :lo AND day < :hi "
                   f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"), params)
    c.execute(text(f"ALTER TABLE read_images ATTACH PARTITION {name} FOR VALUES {bounds}"))


def drop_image_partition(conn: Session | Connection, day: date, lock_timeout_s: int | None = None) -> None:
    """Drop one day's image partition (the kept images were copied out before)."""
    c = _bind(conn)
    if lock_timeout_s is not None:
        c.execute(text(f"SET LOCAL lock_timeout = '{int(lock_timeout_s)}s'"))
    c.execute(text(f"DROP TABLE IF EXISTS {image_partition_name(day)}"))


def drop_day_partition(conn: Session | Connection, day: date, lock_timeout_s: int | None = None) -> None:
    """Drop one day's partition with every row in it (the caller checked nothing in it is kept).

    With ``lock_timeout_s`` the drop gives up (raises) instead of queueing behind a long reader.
    """
    c = _bind(conn)
    if lock_timeout_s is not None:
        c.execute(text(f"SET LOCAL lock_timeout = '{int(lock_timeout_s)}s'"))
    c.execute(text(f"DROP TABLE IF EXISTS {partition_name(day)}"))

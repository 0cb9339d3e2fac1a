"""Rows of new hot-list entries for bulk inserts, without SQLAlchemy (the parser child builds them)."""

from __future__ import annotations

import sqlite3
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


#: The columns of :func:`entry_rows` tuples, in order.
BULK_COLUMNS = (
    "source_id", "plate", "plate_raw", "state", "record_type", "category", "priority", "nic", "ori", "entry_date",
    "lic_year", "lic_type", "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style", "vehicle_colour",
    "expires_at", "case_number", "instructions", "status", "created_at", "revision",
)
_COLS = ", ".join(BULK_COLUMNS)


class StageError(Exception):
    """Writing or copying the staged rows failed (disk full, locked, damaged file)."""


class RowStage:
    """SQLite only: the parser child writes the new list's rows into a scratch database file.

    No index, no journal, no fsync: appending is a C loop. At the end the rows that lost a
    duplicate merge are deleted and the rest are copied in plate order into ``sorted`` (rowid
    1..n): the console then moves them into ``hotlist_entries`` with ``INSERT ... SELECT`` by rowid
    ranges (:class:`StagedCopy`), which is C inside SQLite (no row crosses a pipe or the console's
    interpreter) and fills the plate index in order.
    """

    def __init__(self, path: str) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute(f"CREATE TABLE rows ({_COLS})")
        self.con.execute("BEGIN")
        self.sql = f"INSERT INTO rows VALUES ({', '.join('?' * len(BULK_COLUMNS))})"
        self.count = 0

    def add(self, rows: list[tuple]) -> None:
        self.con.executemany(self.sql, rows)
        self.count += len(rows)

    def finish(self, dropped: Iterable[int]) -> int:
        """Remove the merged-away rows (0-based sequence numbers), sort by plate; returns the rows left."""
        self.con.executemany("DELETE FROM rows WHERE rowid = ?", ((seq + 1,) for seq in dropped))
        self.con.execute(f"CREATE TABLE sorted ({_COLS})")
        self.con.execute(f"INSERT INTO sorted SELECT {_COLS} FROM rows ORDER BY plate")
        self.con.execute("DROP TABLE rows")
        self.con.execute("COMMIT")
        n = self.con.execute("SELECT count(*) FROM sorted").fetchone()[0]
        self.con.close()
        return n

    def close(self) -> None:
        self.con.close()


class StagedCopy:
    """Moves staged rows into ``hotlist_entries`` of the SQLite database at ``db_path``, a rowid range at a time.

    Its own connection (``ATTACH`` is not allowed inside the ORM's transactions); each range is
    one short ``BEGIN IMMEDIATE`` transaction, so a dispatcher's write waits for one range at most.
    """

    def __init__(self, db_path: str, stage_path: str, busy_timeout_ms: int = 30_000) -> None:
        try:
            self.con = sqlite3.connect(db_path, isolation_level=None, timeout=busy_timeout_ms / 1000)
            self.con.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            self.con.execute("PRAGMA synchronous=NORMAL")
            self.con.execute("ATTACH DATABASE ? AS stage", (stage_path,))
            self.count = self.con.execute("SELECT count(*) FROM stage.sorted").fetchone()[0]
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc

    def copy(self, first_rowid: int, last_rowid: int) -> int:
        """Insert staged rows ``first_rowid..last_rowid``; returns the id the first of them got."""
        try:
            self.con.execute("BEGIN IMMEDIATE")
            try:
                first = (self.con.execute("SELECT max(id) FROM hotlist_entries").fetchone()[0] or 0) + 1
                self.con.execute(f"INSERT INTO hotlist_entries ({_COLS}) SELECT {_COLS} FROM stage.sorted "
                                 "WHERE rowid BETWEEN ? AND ? ORDER BY rowid", (first_rowid, last_rowid))
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc
        return first

    def close(self) -> None:
        try:
            self.con.execute("DETACH DATABASE stage")
        except sqlite3.Error:
            pass
        self.con.close()

"""Rows of new hot-list entries for bulk inserts, without SQLAlchemy (the parser child builds them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time
from operator import itemgetter

from app.domain.hotlists.fastpath import RecordBlock
from app.domain.hotlists.records import HotListRecord
from app.persistence.plate_heads import HEAD_OF_FIRST_TWO, PLATE_HEADS, plate_head
from app.persistence.wal_checkpoints import WalCheckpointer
from app.persistence.write_turns import BULK_WRITES


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
                 r.vehicle_style, r.vehicle_colour, _end_of_day(r.expiry), r.oca, r.remarks, "active", created, 1,
                 plate_head(r.plate)) for r in records]
    stamp = created.strftime("%Y-%m-%d %H:%M:%S.%f")
    return [(source_id, r.plate, r.plate_raw, r.state, r.record_type, str(r.category), r.priority, r.nic, r.ori,
             r.entry_date.isoformat() if r.entry_date else None, r.lic_year, r.lic_type, r.vehicle_year,
             r.vehicle_make, r.vehicle_model, r.vehicle_style, r.vehicle_colour,
             _end_of_day(r.expiry).strftime("%Y-%m-%d %H:%M:%S.%f") if r.expiry else None,
             r.oca, r.remarks, "active", stamp, 1, plate_head(r.plate)) for r in records]


#: The columns of :func:`entry_rows` tuples, in order.
BULK_COLUMNS = (
    "source_id", "plate", "plate_raw", "state", "record_type", "category", "priority", "nic", "ori", "entry_date",
    "lic_year", "lic_type", "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style", "vehicle_colour",
    "expires_at", "case_number", "instructions", "status", "created_at", "revision", "plate_head",
)
_COLS = ", ".join(BULK_COLUMNS)


class StageError(Exception):
    """Writing or copying the staged rows failed (disk full, locked, damaged file)."""


#: Stage tables, one per plate head (:mod:`~app.persistence.plate_heads`: the first two characters, in the
#: plates' order). The console copies them in this order, rows of one table by line order: each table's rows
#: land in one 1/256 stretch of the source index and at the end of one head's stretch of the head index,
#: which stay in the copy connection's page cache. This replaces a sort of the whole list by plate (27 s of
#: the parser child for 10 M rows).
STAGE_BUCKETS = PLATE_HEADS


def plate_bucket(plate: str) -> int:
    """The stage table of a plate (0..``STAGE_BUCKETS - 1``): its :func:`~app.persistence.plate_heads.plate_head`."""
    return plate_head(plate)


_FIRST_TWO = itemgetter(slice(0, 2))


#: What a stage table holds per row, as the copy selects it (``b``: the stage table, ``t``: its record type,
#: ``v``: its vehicle codes); rowid = line order + 1. The record type (with category and priority) and the
#: seven vehicle codes are a few thousand distinct values in ten million rows: a row holds their ids in
#: the small tables ``types`` and ``tails`` (binding 20 values was ~3.3 us a row of the parser child, 7
#: values ~1.5; the copy's two joins on small tables cost nothing measurable). ``plate_raw`` is NULL when
#: it equals the plate.
STAGE_COLUMNS = (
    "b.plate", "coalesce(b.plate_raw, b.plate)", "b.state", "t.record_type", "t.category", "t.priority", "b.nic",
    "b.ori", "b.entry_date", "v.lic_year", "v.lic_type", "v.vehicle_year", "v.vehicle_make", "v.vehicle_model",
    "v.vehicle_style", "v.vehicle_colour", "b.expires_at", "b.case_number", "b.instructions",
)
_STAGE_COLS = ", ".join(STAGE_COLUMNS)
_ROW_COLS = "plate, plate_raw, state, type_id, tail_id, nic, ori, entry_date, expires_at, case_number, instructions"
_PLAIN_SQL = "INSERT INTO b{} (rowid, plate, state, type_id, tail_id, nic, ori, entry_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_FULL_SQL = "INSERT INTO b{} (rowid, " + _ROW_COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_TAIL_COLS = "lic_year, lic_type, vehicle_year, vehicle_make, vehicle_model, vehicle_style, vehicle_colour"
#: Staged rows held in memory before they are written (one ``executemany`` per table then).
_FLUSH_ROWS = 65_536


#: Texts of dates, expiries and categories already seen (a list holds a few thousand distinct dates;
#: formatting each of ten million again was ~0.3 us a row of the parser child's time).
_TEXTS: dict[object, str] = {}
_TEXTS_LIMIT = 200_000


def _text(key: object, make) -> str:  # noqa: ANN001
    value = _TEXTS.get(key)
    if value is None:
        if len(_TEXTS) >= _TEXTS_LIMIT:
            _TEXTS.clear()
        value = _TEXTS[key] = make(key[1]) if isinstance(key, tuple) else make(key)
    return value


def _expiry_text(d: date) -> str:
    return _end_of_day(d).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]


class RowStage:
    """SQLite only: the parser child writes the new list's rows into a scratch database file.

    No index, no journal, no fsync: appending is a C loop. Rows go to one of ``STAGE_BUCKETS``
    tables by plate prefix (:func:`plate_bucket`), with their sequence number + 1 as rowid; at the
    end the rows that lost a duplicate merge are deleted. The console then moves them into
    ``hotlist_entries`` with ``INSERT ... SELECT`` by rowid ranges, table by table
    (:class:`StagedCopy`): C inside SQLite (no row crosses a pipe or the console's interpreter),
    and each index grows at the end of a small stretch. See :data:`STAGE_COLUMNS` for the layout.
    """

    def __init__(self, path: str, source_id: int, now: datetime) -> None:
        self.path = path
        # 2 x 256 insert statements: the default cache of 128 prepared statements would prepare each anew
        self.con = sqlite3.connect(path, isolation_level=None, cached_statements=4 * STAGE_BUCKETS)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute("PRAGMA cache_size=-16384")  # the append page of each of the 256 tables
        self.con.execute("BEGIN")
        self.con.execute("CREATE TABLE meta (source_id INTEGER, created_at TEXT)")
        self.con.execute("INSERT INTO meta VALUES (?, ?)",
                         (source_id, now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")))
        self.con.execute("CREATE TABLE types (id INTEGER PRIMARY KEY, record_type, category, priority)")
        self.con.execute(f"CREATE TABLE tails (id INTEGER PRIMARY KEY, {_TAIL_COLS})")
        for b in range(STAGE_BUCKETS):
            self.con.execute(f"CREATE TABLE b{b} (rowid INTEGER PRIMARY KEY, {_ROW_COLS})")
        self._pending: list[list[tuple]] = [[] for _ in range(STAGE_BUCKETS)]
        self._full: list[list[tuple]] = [[] for _ in range(STAGE_BUCKETS)]
        self._types: dict[tuple, int] = {}
        self._tails: dict[tuple, int] = {}
        self._held = 0
        self.buckets = bytearray()  # stage table of every sequence number (< 256)
        self.count = 0

    def add(self, records: list[HotListRecord]) -> None:
        """Stage a block of records (the next sequence numbers)."""
        self.add_block(RecordBlock.of_records(records))

    def add_block(self, block: RecordBlock) -> None:
        """Stage a block given as columns (the fast path's: no record objects), the next sequence numbers."""
        n = len(block)
        if not n:
            return
        type_keys = list(zip(block.types, block.categories, block.priorities, strict=True))
        types = self._ids(self._types, type_keys, set(type_keys), "types")
        distinct = set(block.tails)
        tails = self._ids(self._tails, block.tails, distinct, "tails")
        start = self.count + 1
        plain = block.min_expiry is None and block.plate_raws == block.plates and all(
            t[8] is None and t[9] is None for t in distinct)
        if plain:
            rows = list(zip(range(start, start + n), block.plates, block.states, types, tails, block.nics,
                            block.oris, block.entry_dates, strict=True))
            pending = self._pending
        else:  # a plate stored as found but normalised, an expiry, a case number or remarks: every column
            rows = [(seq, plate, raw, st, ty, ta, nic, ori, ed,
                     _text(("expiry", tail[7]), _expiry_text) if tail[7] else None, tail[8], tail[9])
                    for seq, plate, raw, st, ty, ta, nic, ori, ed, tail in zip(
                        range(start, start + n), block.plates, block.plate_raws, block.states, types, tails,
                        block.nics, block.oris, block.entry_dates, block.tails, strict=True)]
            pending = self._full
        buckets = list(map(HEAD_OF_FIRST_TWO.__getitem__, map(_FIRST_TWO, block.plates)))
        for b, row in zip(buckets, rows, strict=True):
            pending[b].append(row)
        self.buckets += bytes(buckets)
        self.count += n
        self._held += n
        if self._held >= _FLUSH_ROWS:
            self._flush()

    def _ids(self, known: dict[tuple, int], keys: list[tuple], distinct: set[tuple], table: str) -> list[int]:
        """The id of every key in the small table ``table`` (new keys are added to it)."""
        new = distinct.difference(known)
        if new:
            rows = []
            for key in new:
                known[key] = len(known) + 1
                rows.append((known[key], *key[:7]))
            holes = ", ".join("?" * len(rows[0]))
            self.con.executemany(f"INSERT INTO {table} VALUES ({holes})", rows)
        return list(map(known.__getitem__, keys))

    def _flush(self) -> None:
        for kind, sql in ((self._pending, _PLAIN_SQL), (self._full, _FULL_SQL)):
            for b, rows in enumerate(kind):
                if rows:
                    self.con.executemany(sql.format(b), rows)
                    rows.clear()
        self._held = 0

    def finish(self, dropped: Iterable[int]) -> int:
        """Remove the merged-away rows (0-based sequence numbers); returns the rows left."""
        self.commit()
        return drop_staged(self.path, self.buckets, dropped)

    def commit(self) -> None:
        """Write what is held and close the stage file (its rows stay; see :func:`drop_staged`)."""
        self._flush()
        self.con.execute("COMMIT")
        self.con.close()

    def close(self) -> None:
        self.con.close()


def drop_staged(path: str, buckets: bytes | bytearray, dropped: Iterable[int]) -> int:
    """Remove rows (0-based sequence numbers, ``buckets``: the stage table of each) from a committed stage file.

    Returns the rows left.
    """
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        for seq in dropped:
            con.execute(f"DELETE FROM b{buckets[seq]} WHERE rowid = ?", (seq + 1,))
        con.execute("COMMIT")
        return sum(con.execute(f"SELECT count(*) FROM b{b}").fetchone()[0] for b in range(STAGE_BUCKETS))
    finally:
        con.close()


class RangeSizer:
    """Rows for the next copy range, so that one range holds the write lock about ``target_ms``.

    A dispatcher's write waits for the range in progress: 10,000 rows take ~30 ms on a quiet
    machine and 100-280 ms on one loaded by recognition, which put claims during a national
    import at 0.5 s. Each range's rows follow the rate the last ranges were copied at (smoothed),
    between ``least`` and ``most``; a quiet machine keeps the largest ranges (fewest commits).
    The first range is the smallest (it meets cold caches: 370 ms for 10,000 rows beside a
    national import) and a range is at most twice the one before it.
    """

    def __init__(self, most: int, least: int = 1_000, target_ms: float = 40.0) -> None:
        self.most, self.least, self.target_ms = most, min(least, most), target_ms
        self.rows = self.least
        self._rate: float | None = None  # rows per ms, smoothed

    def __call__(self) -> int:
        return self.rows

    def took(self, rows: int, ms: float) -> None:
        """The last range copied ``rows`` rows in ``ms`` milliseconds."""
        if rows <= 0 or ms <= 0:
            return
        rate = rows / ms
        self._rate = rate if self._rate is None else 0.5 * self._rate + 0.5 * rate
        self.rows = int(min(self.most, 2 * self.rows, max(self.least, self._rate * self.target_ms)))


#: A database in WAL mode is checkpointed behind the copy on a thread of its own (:class:`WalCheckpointer`)
#: rather than by the copy's commits; False: the copy's commits checkpoint as SQLite does by default.
CHECKPOINT_BEHIND = True
#: With :data:`CHECKPOINT_BEHIND`: every this many ranges the copy waits for the checkpoints to catch up
#: (the log restarts from its start; it holds a few ranges' pages at most).
CHECKPOINT_EVERY = 8


class StagedCopy:
    """Moves staged rows into ``hotlist_entries`` of the SQLite database at ``db_path``, a rowid range at a time.

    Its own connection (``ATTACH`` is not allowed inside the ORM's transactions); each range is
    one short ``BEGIN IMMEDIATE`` transaction, so a dispatcher's write waits for one range at most.
    ``stage_path`` may be several stage files (the parts of a split parse, in file order): each
    stage table is copied from every part in turn, so rows keep (table, line order). A database in
    WAL mode is checkpointed behind the copy (:data:`CHECKPOINT_BEHIND`): a range's commit does not
    wait for the disk. Call :meth:`close` in every case (it ends the checkpoint thread).
    """

    def __init__(self, db_path: str, stage_path: str | Sequence[str], busy_timeout_ms: int = 30_000) -> None:
        paths = [stage_path] if isinstance(stage_path, str) else list(stage_path)
        self.schemas = ["stage" if k == 0 else f"stage{k}" for k in range(len(paths))]
        try:
            self.con = sqlite3.connect(db_path, isolation_level=None, timeout=busy_timeout_ms / 1000)
            self.con.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            self.con.execute("PRAGMA synchronous=NORMAL")
            self.con.execute("PRAGMA cache_size=-32768")  # the stretches of the source and head indexes being written
            for schema, path in zip(self.schemas, paths, strict=True):
                self.con.execute(f"ATTACH DATABASE ? AS {schema}", (path,))
            self.source_id, self.created_at = self.con.execute("SELECT source_id, created_at FROM stage.meta").fetchone()
            # (stage table, its rows, its head): a stage table holds the plates of one head, written as a constant
            staged = [(f"{schema}.b{b}", n, b) for b in range(STAGE_BUCKETS) for schema in self.schemas
                      if (n := self.con.execute(f"SELECT count(*) FROM {schema}.b{b}").fetchone()[0])]
            self.tables = [(name, n) for name, n, _ in staged]
            self._heads = {name: head for name, _, head in staged}
            self.count = sum(n for _, n in self.tables)
            behind = CHECKPOINT_BEHIND and self.con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            if behind:
                self.con.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc
        self._copied = 0  # ranges committed
        # started last: nothing above can leave its thread behind
        self.checkpoints = WalCheckpointer(db_path) if behind else None

    def ranges(self, size: int | Callable[[], int]) -> Iterator[tuple[tuple[str, int, int], ...]]:
        """Batches of at most ``size`` rows, in copy order: each ``(table, first rowid, last rowid)`` pieces.

        The stage tables are cut as one stream: a batch may end one table and start the next, so a
        list staged in 256 tables (or twice that for a split parse) is still ``count / size``
        transactions, not one or more per table. A callable ``size`` is asked before each batch
        (:class:`RangeSizer`: batches that keep the write lock short on a loaded machine).
        """
        rows = size if callable(size) else (lambda: size)
        batch: list[tuple[str, int, int]] = []
        room = max(1, rows())
        try:
            for table, n in self.tables:
                after, left = 0, n
                while left:
                    take = min(room, left)
                    if take < left:
                        last = self.con.execute(f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid "
                                                "LIMIT 1 OFFSET ?", (after, take - 1)).fetchone()[0]
                    else:
                        last = 2**62
                    batch.append((table, after + 1, last))
                    after, left, room = last, left - take, room - take
                    if not room:
                        yield tuple(batch)
                        batch, room = [], max(1, rows())
            if batch:
                yield tuple(batch)
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc

    def copy(self, batch: Sequence[tuple[str, int, int]]) -> tuple[int, int]:
        """Insert one batch of :meth:`ranges` in one transaction; returns (the id its first row got, rows)."""
        for table, _first, _last in batch:
            if table not in self._heads:
                raise StageError(f"no stage table {table!r}")
        if self.checkpoints is not None and self._copied % CHECKPOINT_EVERY == 0:
            self._catch_up()
        try:
            with BULK_WRITES.holding():  # this process's dispatcher transactions start the moment it ends
                self.con.execute("BEGIN IMMEDIATE")
                try:
                    first = (self.con.execute("SELECT max(id) FROM hotlist_entries").fetchone()[0] or 0) + 1
                    n = 0
                    for table, first_rowid, last_rowid in batch:
                        schema = table.split(".", 1)[0]
                        n += self.con.execute(
                            f"INSERT INTO hotlist_entries ({_COLS}) SELECT ?, {_STAGE_COLS}, 'active', ?, 1, ? "
                            f"FROM {table} AS b JOIN {schema}.types AS t ON t.id = b.type_id "
                            f"JOIN {schema}.tails AS v ON v.id = b.tail_id "
                            "WHERE b.rowid BETWEEN ? AND ? ORDER BY b.rowid",
                            (self.source_id, self.created_at, self._heads[table], first_rowid, last_rowid)).rowcount
                    self.con.execute("COMMIT")
                except BaseException:
                    self.con.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc
        self._copied += 1
        if self.checkpoints is not None:
            self.checkpoints.committed()
        return first, n

    def _catch_up(self) -> None:
        """Outside the write turn: let the checkpoints catch up (the next commit then restarts the log)."""
        assert self.checkpoints is not None
        if self.checkpoints.wait_caught_up() or self.checkpoints.failed is None:
            return
        # the checkpoint thread failed: the copy's own commits checkpoint again, as SQLite does by default
        self.checkpoints.close()
        self.checkpoints = None
        try:
            self.con.execute("PRAGMA wal_autocheckpoint=1000")
        except sqlite3.Error as exc:
            raise StageError(str(exc)) from exc

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
            self.checkpoints = None
        for schema in self.schemas:
            try:
                self.con.execute(f"DETACH DATABASE {schema}")
            except sqlite3.Error:
                pass
        self.con.close()

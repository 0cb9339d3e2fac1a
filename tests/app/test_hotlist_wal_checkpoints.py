"""SQLite: the staged copy's WAL is checkpointed on a thread of its own, behind the copy (issue 13)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.persistence import hotlist_rows
from app.persistence.hotlist_rows import BULK_COLUMNS, RowStage, StagedCopy
from app.persistence.wal_checkpoints import WalCheckpointer
from tests.app.hotlist_support import ncic_lines, records_of

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def records():  # noqa: ANN201
    return records_of(ncic_lines(9000, "K"))


@pytest.fixture
def wal_db(tmp_path, records) -> tuple[Path, str]:  # noqa: ANN001
    """A database in WAL mode with an empty ``hotlist_entries`` (plate index), and a stage file of 9,000 rows."""
    db = tmp_path / "db.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"CREATE TABLE hotlist_entries (id INTEGER PRIMARY KEY, {', '.join(BULK_COLUMNS)})")
    con.execute("CREATE INDEX ix_plate ON hotlist_entries (plate)")
    con.commit()
    con.close()
    stage = RowStage(str(tmp_path / "stage.db"), 7, NOW)
    stage.add(records)
    stage.commit()
    return db, str(tmp_path / "stage.db")


def _copy(db: Path, stage: str, rows: int, each=None) -> StagedCopy:  # noqa: ANN001
    copier = StagedCopy(str(db), stage)
    try:
        for batch in copier.ranges(rows):
            copier.copy(batch)
            if each:
                each(copier)
    finally:
        copier.close()
    return copier


def _backfilled(db: Path) -> bool:
    """Whether every frame of the database's WAL is in the database file."""
    con = sqlite3.connect(db)
    try:
        _busy, log, done = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return log == done
    finally:
        con.close()


def _count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM hotlist_entries").fetchone()[0]
    finally:
        con.close()


def test_the_copy_commits_and_another_thread_checkpoints(wal_db, monkeypatch):
    # Given a WAL database and a checkpoint pass that notes its thread
    db, stage = wal_db
    real, threads = WalCheckpointer._checkpoint, []

    def noting(con):  # noqa: ANN001, ANN202
        threads.append(threading.get_ident())
        real(con)

    monkeypatch.setattr(WalCheckpointer, "_checkpoint", staticmethod(noting))
    autocheckpoint = []
    # When the staged rows are copied in 18 ranges
    _copy(
        db,
        stage,
        500,
        lambda c: autocheckpoint.append(c.con.execute("PRAGMA wal_autocheckpoint").fetchone()[0]),
    )
    # Then the copy's commits never checkpointed (their automatic checkpoint was off) and every pass ran on
    # the checkpoint thread; at the end every frame is in the database file and the thread is gone
    assert len(autocheckpoint) == 18 and set(autocheckpoint) == {0}
    assert threads and threading.get_ident() not in threads
    assert _count(db) == 9000 and _backfilled(db)
    assert not [t for t in threading.enumerate() if t.name == "wal-checkpoints"]


def test_the_log_starts_over_while_the_copy_goes_on(wal_db):
    # Given a copy of 36 ranges that notes the WAL file's size after each
    db, stage = wal_db
    sizes = []
    # When it runs
    _copy(db, stage, 250, lambda _c: sizes.append(Path(f"{db}-wal").stat().st_size))
    # Then the log never held more than about a third of the list's pages: the checkpoints caught up every
    # CHECKPOINT_EVERY ranges and the next commit wrote from the log's start (unbounded, it held all of them)
    assert len(sizes) == 36
    assert max(sizes) < 0.4 * db.stat().st_size, (sizes, db.stat().st_size)


@pytest.mark.parametrize(
    "error", [sqlite3.OperationalError("disk I/O error"), RuntimeError("not a database error")]
)
def test_a_failing_checkpoint_thread_hands_the_checkpoints_back_to_the_copy(wal_db, monkeypatch, error):
    # Given checkpoint passes that fail (a disk error, or anything else)
    db, stage = wal_db

    def failing(_con):  # noqa: ANN001, ANN202
        raise error

    monkeypatch.setattr(WalCheckpointer, "_checkpoint", staticmethod(failing))
    seen = []
    # When the rows are copied
    _copy(
        db,
        stage,
        500,
        lambda c: seen.append(
            (c.checkpoints is None, c.con.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        ),
    )
    # Then the copy finished, its own commits checkpoint again from the next catch-up on (SQLite's default)
    assert _count(db) == 9000
    assert seen[-1] == (True, 1000)
    assert not [t for t in threading.enumerate() if t.name == "wal-checkpoints"]


def test_a_database_not_in_wal_mode_gets_no_checkpoint_thread(tmp_path, records):
    # Given a database in rollback-journal mode
    db = tmp_path / "db.db"
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE hotlist_entries (id INTEGER PRIMARY KEY, {', '.join(BULK_COLUMNS)})")
    con.close()
    stage = RowStage(str(tmp_path / "stage.db"), 7, NOW)
    stage.add(records[:100])
    stage.commit()
    # When the rows are copied, Then no checkpoint thread was started
    copier = _copy(db, str(tmp_path / "stage.db"), 50)
    assert copier.checkpoints is None and _count(db) == 100


def test_without_checkpoint_behind_the_copy_checkpoints_itself(wal_db, monkeypatch):
    # Given the A/B switch off (bench --no-wal-behind)
    monkeypatch.setattr(hotlist_rows, "CHECKPOINT_BEHIND", False)
    db, stage = wal_db
    modes = []
    # When the rows are copied, Then SQLite's automatic checkpoint stays on and no thread is started
    _copy(
        db,
        stage,
        3000,
        lambda c: modes.append((c.checkpoints, c.con.execute("PRAGMA wal_autocheckpoint").fetchone()[0])),
    )
    assert set(modes) == {(None, 1000)} and _count(db) == 9000

"""The read journal under disk faults: unwritable folder, reserve, memory buffer, failed/ replay, two consoles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.persistence.image_store_packs import PackImageStore as ImageStore
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.repositories.reads import ReadRepository
from app.services.read_store import ReadStore
from app.services.spool import DurableIngest, Spool
from recognition.runtime.journal import JournalUnavailable, ReadJournal
from tests.app.hitkit import make_read


def _uuids(ctx) -> set[str]:
    with ctx.uow() as uow:
        return ReadRepository(uow.s).uuids()


def _break(folder: Path) -> None:
    """The journal folder's place becomes a plain file: every write fails with a real OSError."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_bytes(b"")


def _mend(folder: Path) -> None:
    folder.unlink()
    folder.mkdir()


def _ingest(ctx, tmp_path, **kw) -> DurableIngest:
    return DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), Spool(tmp_path / "spool"), **kw)


def test_unwritable_journal_holds_reads_alarms_and_writes_them_when_the_disk_is_back(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path)
    durable.replay(force=True)
    _break(durable.spool.root)
    held = [make_read(f"HLD{i:03d}", seed=i) for i in range(5)]

    # Given a journal that cannot be written, the reads are held in memory (stored straight into the
    # database meanwhile when it is reachable) and the alarm is up
    for read in held:
        assert durable.journal(read) is None
    status = durable.status()
    assert status.alarm and status.buffered == 5 and status.dropped == 0
    assert "READS NOT SAVED TO DISK" in status.text and "5 reads held in memory" in status.text
    durable.ingest([])
    with ctx.uow() as uow:
        faults = [e for e in AccessLogRepository(uow.s).iter_all() if e.action == "spool.journal_fault"]
    assert faults and faults[0].outcome == "failed"
    # the database is reachable: the held reads reached it directly (images made durable first)
    assert {r.read_id for r in held} <= _uuids(ctx)

    # When the disk is back, new reads are journalled again and the alarm clears
    _mend(durable.spool.root)
    late = make_read("LATE01")
    path = durable.journal(late)
    assert path is not None and path.exists()
    durable.ingest([(late, path)])
    assert not durable.status().alarm and late.read_id in _uuids(ctx)
    assert not list(durable.spool.root.glob(".*.tmp"))


def test_held_reads_go_to_the_journal_when_the_database_is_also_down(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path, retry_after_s=1e9)
    _break(durable.spool.root)
    reads = [make_read(f"DBD{i:03d}", seed=i) for i in range(3)]
    for read in reads:
        durable.journal(read)
    durable._down_since = 0.0  # database down too: nothing can be stored directly
    durable._last_try = durable._monotonic()
    durable.ingest([])
    assert durable.status().buffered == 3
    _mend(durable.spool.root)
    durable.flush_buffer()
    assert durable.status().buffered == 0 and durable.spool.count() == 3 and not durable.status().journal_error


def test_memory_buffer_exhausted_counts_and_shows_every_lost_read(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path, buffer_reads=3)
    _break(durable.spool.root)
    for i in range(5):
        durable.hold(make_read(f"LST{i:03d}", seed=i))
    status = durable.status()
    assert status.buffered == 3 and status.dropped == 2 and "2 reads LOST" in status.text


def test_reserve_refuses_before_the_disk_is_full_and_leaves_no_temp_file(tmp_path):
    journal = ReadJournal(tmp_path / "spool", reserve_bytes=1 << 62, warn_bytes=1 << 62)
    with pytest.raises(JournalUnavailable):
        journal.put(make_read("RSV001"))
    assert not list((tmp_path / "spool").glob("*")) if (tmp_path / "spool").exists() else True
    assert journal.space().low and journal.space().exhausted


def test_low_space_warns_on_the_banner(ctx, tmp_path):
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")),
                            Spool(tmp_path / "spool", reserve_bytes=0, warn_bytes=1 << 62))
    durable.submit(make_read("LOW001"))
    assert "Low disk space for reads" in durable.status().text and not durable.status().alarm


def test_failed_journals_are_replayed_at_the_next_start(ctx, tmp_path):
    spool = Spool(tmp_path / "spool")
    read = make_read("FLD001")
    path = spool.put(read)
    spool.set_aside(path)
    (spool.failed / "00000000000000000001-000000-bad.json").write_text("{broken")
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool)
    durable.replay(force=True)
    assert read.read_id in _uuids(ctx)
    assert [p.name for p in spool.failed.iterdir()] == ["00000000000000000001-000000-bad.json"]


def test_two_consoles_on_one_data_folder_replay_without_crashing(ctx, tmp_path):
    spool_a, spool_b = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    reads = [make_read(f"TWO{i:03d}", seed=i) for i in range(20)]
    for read in reads:
        spool_a.put(read)
    a = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool_a)
    b = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool_b)
    listed = spool_b.pending()  # B lists the files, then A takes them all
    a.replay(force=True)
    a.checkpoint()
    for path in listed:  # B works through a stale listing: every file is gone
        assert not path.exists()
    b.replay(force=True)
    assert {r.read_id for r in reads} <= _uuids(ctx)
    with ctx.uow() as uow:
        assert ReadRepository(uow.s).count() == 20


def test_a_batch_is_one_transaction_and_live_reads_come_first(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path)
    durable.replay(force=True)
    backlog = [make_read(f"OLD{i:03d}", seed=i) for i in range(3)]
    for read in backlog:
        durable.spool.put(read)
    durable._pending_hint = 1
    live = [make_read(f"NEW{i:03d}", seed=100 + i) for i in range(4)]
    results = durable.ingest([(r, durable.journal(r)) for r in live])
    assert [r.read_uuid for r in results] == [r.read_id for r in live + backlog]

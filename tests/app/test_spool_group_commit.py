"""Group commit of the read journal: one file and one fsync pair per batch, acknowledged only when durable."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from app.persistence.image_store_packs import PackImageStore
from app.persistence.repositories.reads import ReadRepository
from app.services.read_store import ReadStore
from app.services.spool import DurableIngest, Spool
from recognition.runtime import journal as journal_mod
from recognition.runtime.journal import GroupJournal, ReadJournal, reads_in
from tests.app.hitkit import make_read
from tests.faults.scenarios import wait_until


def _ingest(ctx, tmp_path: Path) -> DurableIngest:
    return DurableIngest(ReadStore(ctx, PackImageStore(tmp_path / "images")), Spool(tmp_path / "spool"))


def _uuids(ctx) -> set[str]:
    with ctx.uow() as uow:
        return ReadRepository(uow.s).uuids()


def test_a_read_is_handed_on_only_after_its_batch_is_fsynced(tmp_path, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(journal_mod.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    gate = threading.Event()
    journal = ReadJournal(tmp_path)

    def write(reads):
        gate.wait(10)  # the first batch is being written while more reads arrive
        return journal.put_many(reads)

    group = GroupJournal(write, max_batch=64, max_delay_s=0.0)
    acked: list[tuple[str, Path | None, int]] = []
    reads = [make_read(f"GC{i:04d}", seed=i) for i in range(40)]
    try:
        for read in reads:
            group.submit(read, lambda r, path, _e: acked.append((r.read_id, path, len(synced))))
        assert acked == []  # nothing acknowledged before its batch is durable
        gate.set()
        assert wait_until(lambda: len(acked) == 40, 10)
    finally:
        group.close()
    # every acknowledgement came after the fsyncs of its file; 40 reads took far fewer than 40 files
    assert all(fsyncs >= 2 for _, _, fsyncs in acked)
    files = {path for _, path, _ in acked}
    assert len(files) < 10 and sum(reads_in(p.name) for p in files) == 40
    assert [r for r, _, _ in acked] == [r.read_id for r in reads]  # arrival order kept
    assert len(synced) == 2 * group.batches  # the file and its folder, once per batch


def test_group_files_are_stored_once_even_when_split_across_ingest_batches(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path)
    durable.replay(force=True)
    reads = [make_read(f"SPL{i:03d}", seed=i) for i in range(6)]
    path = durable.spool.journal.put_group(reads)
    assert reads_in(path.name) == 6 and durable.status().pending == 6

    durable.ingest([(r, path) for r in reads[:4]])  # the bridge cut the group in two
    assert path.exists()  # two of its reads are not stored yet: the file stays
    durable.ingest([(r, path) for r in reads[4:]])
    durable.checkpoint()
    assert not path.exists() and not path.with_suffix(".done").exists()
    assert {r.read_id for r in reads} <= _uuids(ctx)


def test_a_kill_before_the_group_is_stored_replays_every_read_of_it(ctx, tmp_path):
    first = _ingest(ctx, tmp_path)
    first.replay(force=True)
    reads = [make_read(f"KIL{i:03d}", seed=i) for i in range(5)]
    path = first.spool.journal.put_group(reads)
    first.ingest([(reads[0], path)])  # one stored, then the process dies

    again = _ingest(ctx, tmp_path)
    again.replay(force=True)
    again.checkpoint()
    assert {r.read_id for r in reads} <= _uuids(ctx)
    assert not list(again.spool.root.glob("*.json"))


def test_journal_async_holds_the_reads_of_a_failed_batch_and_stores_them(ctx, tmp_path):
    durable = _ingest(ctx, tmp_path)
    durable.replay(force=True)
    root = durable.spool.root
    shutil.rmtree(root, ignore_errors=True)
    root.write_bytes(b"")  # the journal folder is a file now: every write fails
    got: list[tuple] = []
    reads = [make_read(f"HLA{i:03d}", seed=i) for i in range(3)]
    try:
        for read in reads:
            durable.journal_async(read, lambda r, p: got.append((r, p)))
        assert wait_until(lambda: len(got) == 3, 10)
    finally:
        durable.close_journal()
    assert all(p is None for _, p in got)
    assert durable.status().alarm and durable.status().buffered == 3
    durable.ingest(got)  # held reads reach the database straight away (the journal is still broken)
    assert {r.read_id for r in reads} <= _uuids(ctx)


def test_a_temp_file_being_written_is_not_removed_as_a_kill_leftover(tmp_path):
    spool = Spool(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    mine = tmp_path / f".x.json.p{os.getpid()}-abcd1234.tmp"
    mine.write_bytes(b"{")
    dead = tmp_path / ".y.json.p999999999-abcd1234.tmp"
    dead.write_bytes(b"{")
    old_style = tmp_path / ".z.json.abcd1234.tmp"
    old_style.write_bytes(b"{")
    assert set(spool.leftover_temp_files()) == {dead, old_style}


def test_a_temp_file_of_another_live_process_is_kept_until_that_process_is_gone(tmp_path):
    # the recognition child (or another console on the folder) writes temp files while this process replays
    import subprocess
    import sys

    spool = Spool(tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        theirs = tmp_path / f".w.json.p{writer.pid}-abcd1234.tmp"
        theirs.write_bytes(b"{")
        assert spool.leftover_temp_files() == []  # alive: being written, not a leftover
    finally:
        writer.stdin.close()
        writer.wait(10)
    assert spool.leftover_temp_files() == [theirs]  # its writer is gone: a kill's leftover

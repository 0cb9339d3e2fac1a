"""Nothing read is lost: database outage and recovery, SIGKILL mid-ingest, replay order."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from app.persistence.image_store_packs import PackImageStore as ImageStore
from app.persistence.repositories.reads import ReadRepository
from app.services.context import ServiceContext
from app.services.read_store import ReadStore
from app.services.spool import DurableIngest, Spool
from tests.app.hitkit import Switchable, make_read, seed_hotlist

REPO = Path(__file__).resolve().parents[2]


def _uuids(ctx) -> set[str]:
    with ctx.uow() as uow:
        return ReadRepository(uow.s).uuids()


def test_outage_spools_in_order_and_recovery_replays(ctx, tmp_path):
    matcher, _ = seed_hotlist(ctx)
    switch = Switchable(ctx.uow)
    live = ServiceContext(uow=switch, workstation="WS", clock=ctx.clock)
    ticks = [0.0]
    durable = DurableIngest(ReadStore(live, ImageStore(tmp_path / "images"), matcher), Spool(tmp_path / "spool"),
                            retry_after_s=2.0, monotonic=lambda: ticks[0])
    first = make_read("AAA111")
    assert len(durable.submit(first)) == 1 and durable.status().text == ""

    # Given the database goes away
    switch.up = False
    during = [make_read("ABC1234"), make_read("BBB222"), make_read("CCC333")]
    results = [durable.submit(r) for r in during]

    # Then every read is spooled, none stored, and the banner says so
    assert results == [[], [], []]
    status = durable.status()
    assert status.pending == 3 and not status.database_available
    assert status.text == "Database unreachable: spooling 3 reads to disk"
    assert durable.replay() == []  # too soon to retry

    # When it comes back
    switch.up = True
    ticks[0] += 5
    replayed = durable.replay()

    # Then the spool is replayed in arrival order, hits included, and the banner clears
    assert [r.read_uuid for r in replayed] == [r.read_id for r in during]
    assert replayed[0].hits and replayed[0].hits[0].plate_listed == "ABC1234"
    assert durable.status().text == "" and durable.status().pending == 0
    assert _uuids(ctx) == {first.read_id, *(r.read_id for r in during)}


def test_live_reads_are_stored_before_the_backlog(ctx, tmp_path):
    switch = Switchable(ctx.uow)
    live = ServiceContext(uow=switch, workstation="WS", clock=ctx.clock)
    ticks = [0.0]
    durable = DurableIngest(ReadStore(live, ImageStore(tmp_path / "images")), Spool(tmp_path / "spool"),
                            monotonic=lambda: ticks[0])
    switch.up = False
    old = make_read("OLD111")
    durable.submit(old)
    switch.up = True
    ticks[0] += 10
    new = make_read("NEW222")
    assert [r.read_uuid for r in durable.submit(new)] == [new.read_id, old.read_id]


def test_corrupt_spool_entry_is_set_aside(ctx, tmp_path):
    spool = Spool(tmp_path / "spool")
    spool.root.mkdir()
    (spool.root / "00000000000000000001-000000-bad.json").write_text("{not json")
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool)
    good = make_read("GOOD11")
    durable.submit(good)
    assert good.read_id in _uuids(ctx)
    assert spool.count() == 0 and durable.status().set_aside == 1
    assert (spool.failed / "00000000000000000001-000000-bad.json").exists()


CHILD = textwrap.dedent("""
    import sys, uuid
    from app.persistence.engine import make_engine
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext
    from app.persistence.image_store_packs import PackImageStore as ImageStore
    from app.services.read_store import ReadStore
    from app.services.spool import DurableIngest, Spool
    from tests.app.hitkit import make_read
    import time
    url, data, log = sys.argv[1], sys.argv[2], sys.argv[3]

    class SlowDatabase(ReadStore):  # widens the window between journal and commit for the kill to land in
        def ingest(self, read, images=None):
            time.sleep(0.05)
            return super().ingest(read, images)

    ctx = ServiceContext(uow=unit_of_work_factory(make_engine(url)), workstation="KILLED")
    durable = DurableIngest(SlowDatabase(ctx, ImageStore(__import__("pathlib").Path(data) / "images")),
                            Spool(__import__("pathlib").Path(data) / "spool"))
    with open(log, "a", buffering=1) as out:
        for i in range(100000):
            read = make_read(f"K{i:05d}", seed=i)
            durable.submit(read)
            out.write(read.read_id + "\\n")  # acknowledged: submit returned
""")


def test_sigkill_mid_ingest_loses_nothing(ctx, engine, tmp_path):
    # Given a child process ingesting reads as fast as it can
    log = tmp_path / "acked.txt"
    log.touch()
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, engine.url.render_as_string(False), str(tmp_path), str(log)],
                             cwd=REPO, env=env)
    deadline = time.monotonic() + 30
    while len(log.read_text().splitlines()) < 12 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    # When it is killed without warning, somewhere inside the next ingest
    time.sleep(random.uniform(0.02, 0.08))
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    acked = set(log.read_text().split())
    assert len(acked) >= 12

    # Then every acknowledged read is in the database or the spool
    spool = Spool(tmp_path / "spool")
    spooled = {Spool.load(p)[0].read_id for p in spool.pending(include_committed=True)}
    stored = _uuids(ctx)
    assert acked <= stored | spooled
    # And a restart replays the spool completely, without duplicates
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool)
    durable.replay(force=True)
    after = _uuids(ctx)
    assert acked | spooled <= after and spool.count() == 0 and not spool.pending(include_committed=True)
    with ctx.uow() as uow:
        assert ReadRepository(uow.s).count() == len(after)  # no read stored twice
    print(f"acked {len(acked)}, spooled at kill {len(spooled)}, stored {len(after)}")


def test_journal_stays_until_the_checkpoint_and_a_crash_replays_it_once(ctx, tmp_path):
    spool = Spool(tmp_path / "spool")
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool)
    durable.replay()  # start-up
    read = make_read("CKP123")
    (result,) = durable.submit(read, checkpoint=False)
    assert result.read_uuid == read.read_id and spool.count() == 0
    (done,) = spool.pending(include_committed=True)
    assert done.suffix == ".done" and Spool.load(done)[0].plate_jpeg == read.plate_jpeg

    # Given a crash before the checkpoint, a restarted ingest replays the journal without a duplicate
    again = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images")), spool)
    (replayed,) = again.replay()
    assert replayed.duplicate and not spool.pending(include_committed=True)
    with ctx.uow() as uow:
        assert ReadRepository(uow.s).count() == 1
    assert durable.checkpoint() == 1  # the first instance's journal is already gone: nothing breaks

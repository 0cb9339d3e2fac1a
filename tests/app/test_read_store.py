"""Read ingest: images by hash, the read row before any hit, snapshots, idempotency, speed."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.domain.hits import EntrySnapshot, HitStatus
from app.domain.images import ImageKind
from app.persistence.orm.cameras import ReadRow
from app.persistence.orm.hits import HitRow
from app.persistence.orm.hotlists import HotListEntryRow
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.reads import ReadRepository
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from tests.app.hitkit import make_read, seed_hotlist


def _store(ctx, tmp_path, matcher=None) -> ReadStore:
    return ReadStore(ctx, ReadImages.open(ctx, tmp_path / "images").store, matcher)


def test_read_row_and_images_go_through_the_image_store(any_ctx, tmp_path):
    store = _store(any_ctx, tmp_path)
    read = make_read("AB C-123", state="CA")

    result = store.ingest(read)

    with any_ctx.uow() as uow:
        row = uow.s.scalar(select(ReadRow))
        stored = ReadRepository(uow.s).get(result.read_id)
    assert row.read_uuid == read.read_id and row.plate == "ABC123" and row.plate_folded == "A8C123"
    assert row.alternatives and row.box == [10, 20, 120, 40] and row.colour == "BLK"
    sha = hashlib.sha256(read.plate_jpeg).hexdigest()
    assert row.plate_sha256 == sha
    # one pack per camera and hour on SQLite, a row of the day's image partition on PostgreSQL
    assert row.image_pack and row.plate_length == len(read.plate_jpeg)
    images = ReadImages(any_ctx, store.images, tmp_path / "images")
    assert images.of_read(row.id) == read.plate_jpeg
    assert images.of_read(row.id, ImageKind.OVERVIEW) == read.overview_jpeg
    assert not list((tmp_path / "images").glob("??/*.jpg")), "no content-addressed files any more"
    assert stored.camera_key == "cam-1" and stored.captured_at.timestamp() == read.best_ts
    assert not list((tmp_path / "images").rglob("*.tmp")), "no temp files left behind"


def test_folding_covers_every_lookalike_class(ctx, tmp_path):
    store = _store(ctx, tmp_path)
    store.ingest(make_read("OQD0IL1BSZG"))
    with ctx.uow() as uow:
        assert uow.s.scalar(select(ReadRow.plate_folded)) == "00001118526"


def test_same_image_bytes_are_stored_per_read_not_shared(ctx, tmp_path):
    # issue 9: sharing one file by content hash let the purge of one read delete another's image
    store = _store(ctx, tmp_path)
    a = make_read("ABC123", seed=1)
    b = make_read("XYZ999", seed=1)  # same overview bytes
    ra, rb = store.ingest(a), store.ingest(b)
    with ctx.uow() as uow:
        row_a, row_b = uow.s.get(ReadRow, ra.read_id), uow.s.get(ReadRow, rb.read_id)
    assert row_a.overview_sha256 == row_b.overview_sha256
    assert (row_a.image_pack, row_a.overview_offset) != (row_b.image_pack, row_b.overview_offset)
    packs = list((tmp_path / "images" / "packs").rglob("*.pack"))
    assert len(packs) == 1  # one camera, one hour


def test_replayed_read_is_not_stored_twice(any_ctx, tmp_path):
    matcher, _ = seed_hotlist(any_ctx)
    store = _store(any_ctx, tmp_path, matcher)
    read = make_read("ABC1234")

    first = store.ingest(read)
    again = store.ingest(read)

    assert not first.duplicate and again.duplicate and again.read_id == first.read_id
    with any_ctx.uow() as uow:
        assert ReadRepository(uow.s).count() == 1
        assert HitRepository(uow.s).count() == 1


def test_a_batch_stores_each_read_once_even_when_it_repeats_or_was_stored_before(any_ctx, tmp_path):
    # the batched INSERT must not insert a read twice (unique read_uuid) nor drop a result
    matcher, _ = seed_hotlist(any_ctx)
    store = _store(any_ctx, tmp_path, matcher)
    old, a, b = make_read("ABC1234", seed=1), make_read("XYZ999", seed=2), make_read("ABC1234", seed=3)
    before = store.ingest(old)
    batch = [a, old, b, a, b]

    out = store.ingest_many(batch, store.store_images_many(batch))

    assert [r.read_uuid for r in out] == [r.read_id for r in batch]  # one result per read, in order
    assert [r.duplicate for r in out] == [False, True, False, True, True]
    assert out[1].read_id == before.read_id and out[3].read_id == out[0].read_id and out[4].read_id == out[2].read_id
    assert len(out[2].hits) == 1 and out[4].hits == ()  # the repeat raises nothing
    with any_ctx.uow() as uow:
        assert ReadRepository(uow.s).count() == 3
        assert len(ReadRepository(uow.s).uuids()) == 3


def test_hit_keeps_the_entry_as_it_was(any_ctx, tmp_path):
    matcher, ids = seed_hotlist(any_ctx)
    store = _store(any_ctx, tmp_path, matcher)

    result = store.ingest(make_read("ABC1234", state="CA"))
    with any_ctx.uow() as uow:  # the list changes afterwards
        entry = uow.s.get(HotListEntryRow, ids["ABC1234"])
        entry.instructions, entry.vehicle_make, entry.status = "changed", "FORD", "withdrawn"

    (hit,) = result.hits
    assert hit.status is HitStatus.NEW and hit.priority == 4 and hit.state_match == "match"
    with any_ctx.uow() as uow:
        row = uow.s.get(HitRow, hit.id)
        snap = EntrySnapshot.from_json(row.entry_snapshot)
        summary = HitRepository(uow.s).summary(hit.id)
    assert snap.instructions == "Stop only with probable cause" and snap.vehicle_make == "HOND"
    assert snap.source_name == "NCIC extract" and snap.nic and snap.ori == "CA0570200"
    assert row.list_age_s == 0 and row.read_id == result.read_id
    assert summary.plate_listed == "ABC1234" and summary.camera_name == "cam-1"


def test_lookalike_read_raises_a_hit_with_its_kind(ctx, tmp_path):
    matcher, _ = seed_hotlist(ctx)
    store = _store(ctx, tmp_path, matcher)
    result = store.ingest(make_read("80X1234", state="NV"))  # listed 8OX1234
    assert [h.match_kind for h in result.hits] == ["lookalike"]
    assert result.hits[0].plate_listed == "8OX1234"


def test_matcher_failure_still_stores_the_read(ctx, tmp_path):
    class Broken:
        def match(self, *a, **k):
            raise RuntimeError("index corrupt")

    store = _store(ctx, tmp_path, Broken())
    result = store.ingest(make_read("ABC1234"))
    assert result.hits == () and result.read_id


def test_every_read_of_a_run_is_stored_and_hits_where_listed(ctx, tmp_path):
    # (ingest latency and throughput are measured by bench/ingest.py, not asserted here)
    matcher, _ = seed_hotlist(ctx)
    store = _store(ctx, tmp_path, matcher)
    for i in range(30):
        result = store.ingest(make_read("ABC1234" if i % 3 == 0 else f"QQQ{i:04d}", seed=i + 2))
        assert bool(result.hits) == (i % 3 == 0) and not result.duplicate


def test_new_entries_are_checked_against_recent_reads(ctx, tmp_path):
    from recognition.match import HotListIndex, IndexEntry, Matcher

    store = _store(ctx, tmp_path)  # no hot list yet
    old = store.ingest(make_read("NEW9876", ts=ctx.clock.now().timestamp() - 30 * 3600))
    recent = store.ingest(make_read("NEW9876", ts=ctx.clock.now().timestamp() - 3600))
    _, ids = seed_hotlist(ctx, [("NEW9876", "CA", "V", "stolen_vehicle", 4, "CA0570200", None)], source="Local")
    small = Matcher(HotListIndex([IndexEntry(ids["NEW9876"], "NEW9876", "CA", 4)]))

    raised = store.raise_retroactive(small, hours=24)
    again = store.raise_retroactive(small, hours=24)

    assert [(h.read_id, h.retroactive) for h in raised] == [(recent.read_id, True)]
    assert again == [] and old.read_id != recent.read_id
    with ctx.uow() as uow:
        assert HitRepository(uow.s).summary(raised[0].id).retroactive


def test_an_entry_that_expired_or_was_withdrawn_since_the_index_was_built_raises_no_hit(any_ctx, tmp_path):
    from datetime import timedelta

    matcher, ids = seed_hotlist(any_ctx)  # the live index still holds both entries (built before the change)
    store = _store(any_ctx, tmp_path, matcher)
    with any_ctx.uow() as uow:
        uow.s.get(HotListEntryRow, ids["ABC1234"]).expires_at = any_ctx.clock.now() - timedelta(minutes=2)
        uow.s.get(HotListEntryRow, ids["8OX1234"]).status = "withdrawn"
    assert store.ingest(make_read("ABC1234", state="CA")).hits == ()
    assert store.ingest(make_read("8OX1234", state="NV")).hits == ()
    assert len(store.ingest(make_read("7XYZ001", state="CA")).hits) == 1  # one still in force alerts
    with any_ctx.uow() as uow:
        uow.s.get(HotListEntryRow, ids["ABC1234"]).expires_at = any_ctx.clock.now() + timedelta(days=1)
    assert len(store.ingest(make_read("ABC1234", state="CA")).hits) == 1

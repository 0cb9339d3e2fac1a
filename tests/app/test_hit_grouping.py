"""Repeat sightings group into one open hit per (plate, entry); closed hits are not reopened; race-safe."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.hit_steps import RejectReason
from app.domain.hits import HitStatus
from app.persistence.engine import make_engine
from app.persistence.orm.audit import AccessLogRow
from app.persistence.orm.hits import HitRow, HitSightingRow
from app.persistence.repositories.hits import HitRepository
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.context import ServiceContext
from app.services.hits import HitService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from tests.app.hitkit import T0, make_actor, make_read, seed_hotlist


def _world(ctx, tmp_path):
    matcher, ids = seed_hotlist(ctx)
    images = ReadImages.open(ctx, tmp_path / "images")
    store = ReadStore(ctx, images.store, matcher)
    return store, HitService(ctx, images, tmp_path / "documents"), ids


def _hit_rows(ctx) -> int:
    with ctx.uow() as uow:
        return uow.s.scalar(select(func.count()).select_from(HitRow))


def test_repeat_reads_of_one_plate_are_one_hit_with_every_sighting(any_ctx, tmp_path):
    store, svc, _ = _world(any_ctx, tmp_path)
    actor = make_actor(any_ctx)
    # Given six passes of the same listed car past two cameras
    results = [store.ingest(make_read("ABC1234", camera=f"cam-{1 + n % 2}", ts=T0.timestamp() + 60 * n, seed=n))
               for n in range(6)]

    # Then there is one hit, and each later pass is a sighting of it
    assert _hit_rows(any_ctx) == 1
    first = results[0].hits[0]
    assert not first.resighted and first.sightings == 1
    assert all(r.hits[0].id == first.id and r.hits[0].resighted for r in results[1:])
    assert [r.hits[0].sightings for r in results] == [1, 2, 3, 4, 5, 6]
    queue = svc.queue(actor)
    assert len(queue) == 1 and queue[0].sightings == 6
    assert queue[0].last_seen_at == T0 + timedelta(minutes=5) and queue[0].camera_name == "cam-2"
    detail = svc.view(actor, first.id)
    assert [s.seen_at for s in detail.sightings] == [T0 + timedelta(minutes=n) for n in range(6)]
    assert [s.camera_name for s in detail.sightings] == ["cam-1", "cam-2"] * 3
    assert all(s.confidence == pytest.approx(0.91) and s.plate_sha256 for s in detail.sightings)


def test_a_closed_hit_is_not_reopened_a_later_sighting_is_a_new_hit(any_ctx, tmp_path):
    store, svc, _ = _world(any_ctx, tmp_path)
    actor = make_actor(any_ctx)
    hit = store.ingest(make_read("ABC1234", seed=1)).hits[0]
    svc.claim(actor, hit.id)
    svc.reject(actor, hit.id, RejectReason.MISREAD)

    again = store.ingest(make_read("ABC1234", seed=2)).hits[0]

    assert again.id != hit.id and not again.resighted and again.sightings == 1
    assert svc.summary(actor, hit.id).status is HitStatus.REJECTED
    assert svc.summary(actor, hit.id).sightings == 1


def test_a_claimed_hit_still_collects_sightings(ctx, tmp_path):
    store, svc, _ = _world(ctx, tmp_path)
    actor = make_actor(ctx)
    hit = store.ingest(make_read("7XYZ001", seed=1)).hits[0]
    svc.claim(actor, hit.id)

    again = store.ingest(make_read("7XYZ001", camera="cam-9", seed=2)).hits[0]

    assert again.id == hit.id and again.resighted and again.status is HitStatus.CLAIMED
    assert again.claimed_by == actor.user_id and again.camera_name == "cam-9"


def test_other_entries_and_other_plates_are_other_hits(ctx, tmp_path):
    store, _svc, _ = _world(ctx, tmp_path)
    a = store.ingest(make_read("ABC1234", seed=1)).hits[0]
    b = store.ingest(make_read("7XYZ001", seed=2)).hits[0]
    assert a.id != b.id and _hit_rows(ctx) == 2


def test_lookalike_reads_of_the_same_car_join_its_hit(ctx, tmp_path):
    store, _svc, _ = _world(ctx, tmp_path)
    a = store.ingest(make_read("8OX1234", state="NV", seed=1)).hits[0]
    b = store.ingest(make_read("80X1234", state="NV", seed=2)).hits[0]  # O read as 0: the same folded plate
    assert b.id == a.id and b.sightings == 2


def test_a_replayed_older_sighting_does_not_move_last_seen_back(ctx, tmp_path):
    store, svc, _ = _world(ctx, tmp_path)
    actor = make_actor(ctx)
    store.ingest(make_read("ABC1234", camera="cam-1", ts=T0.timestamp(), seed=1))
    store.ingest(make_read("ABC1234", camera="cam-2", ts=T0.timestamp() + 600, seed=2))
    late = store.ingest(make_read("ABC1234", camera="cam-3", ts=T0.timestamp() + 300, seed=3)).hits[0]

    assert late.sightings == 3 and late.last_seen_at == T0 + timedelta(minutes=10) and late.camera_name == "cam-2"
    assert [s.camera_name for s in svc.view(actor, late.id).sightings] == ["cam-1", "cam-3", "cam-2"]


def test_replaying_the_same_read_adds_no_sighting(ctx, tmp_path):
    store, _svc, _ = _world(ctx, tmp_path)
    read = make_read("ABC1234", seed=1)
    store.ingest(read)
    store.ingest(read)
    with ctx.uow() as uow:
        assert uow.s.scalar(select(func.count()).select_from(HitSightingRow)) == 1


def test_retroactive_check_groups_past_reads_and_skips_known_sightings(ctx, tmp_path, clock):
    images = ReadImages.open(ctx, tmp_path / "images")
    store = ReadStore(ctx, images.store, None)
    for n in range(3):
        store.ingest(make_read("ABC1234", ts=clock.now().timestamp() - 600 + n, seed=n))
    matcher, _ = seed_hotlist(ctx)

    raised = store.raise_retroactive(matcher, hours=2)
    again = store.raise_retroactive(matcher, hours=2)

    assert {h.id for h in raised} == {raised[0].id} and raised[-1].sightings == 3 and again == []


def test_viewing_a_sightings_crop_is_recorded(ctx, tmp_path):
    store, svc, _ = _world(ctx, tmp_path)
    actor = make_actor(ctx)
    first = store.ingest(make_read("ABC1234", seed=1)).hits[0]
    second = store.ingest(make_read("ABC1234", seed=2))

    crop = svc.sighting_image(actor, first.id, second.read_id)

    assert crop is not None and crop.startswith(b"\xff\xd8plate-ABC1234")
    with ctx.uow() as uow:
        row = uow.s.scalars(select(AccessLogRow).where(AccessLogRow.action == "hit.image")).all()[-1]
    assert row.object_id == str(first.id) or row.object_id == first.id
    assert row.detail["read_id"] == second.read_id and row.detail["sighting"] is True


def test_two_consoles_ingesting_the_same_plate_at_once_get_one_hit(any_engine, tmp_path, clock):
    # Given two consoles, each with its own connection pool to the same database
    engines = [any_engine, make_engine(any_engine.url.render_as_string(hide_password=False))]
    ctxs = [ServiceContext(uow=unit_of_work_factory(e), workstation=f"WS-{i}", clock=clock)
            for i, e in enumerate(engines)]
    matcher, _ = seed_hotlist(ctxs[0])
    stores = [ReadStore(c, ReadImages.open(c, tmp_path / f"img{i}").store, matcher) for i, c in enumerate(ctxs)]
    rounds = 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def console(i: int) -> None:
        try:
            for n in range(rounds):
                read = make_read(f"{'ABC1234' if n % 2 == 0 else '7XYZ001'}", camera=f"cam-{i}", seed=100 * i + n)
                images = stores[i].store_images(read)
                barrier.wait(timeout=30)
                stores[i].ingest(read, images)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    # When both ingest the same plates at the same moment, round after round
    threads = [threading.Thread(target=console, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engines[1].dispose()

    # Then each (plate, entry) has exactly one open hit holding every sighting
    assert errors == []
    with ctxs[0].uow() as uow:
        hits = HitRepository(uow.s).summaries()
        sightings = uow.s.scalar(select(func.count()).select_from(HitSightingRow))
    assert len(hits) == 2 and sorted(h.sightings for h in hits) == [rounds, rounds]
    assert sightings == 2 * rounds


def _jpeg(text: str) -> bytes:
    import cv2
    import numpy as np

    img = np.full((60, 220, 3), 235, np.uint8)
    cv2.rectangle(img, (2, 2), (217, 57), (40, 40, 40), 2)
    cv2.putText(img, text, (12, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (20, 20, 20), 3)
    return cv2.imencode(".jpg", img)[1].tobytes()


def test_the_hit_report_prints_every_sighting_with_its_crop(ctx, tmp_path):
    import subprocess
    from dataclasses import replace as dc_replace

    store, svc, _ = _world(ctx, tmp_path)
    actor = make_actor(ctx)
    # Given one car seen three times at three cameras
    hit = None
    for n in range(3):
        read = dc_replace(make_read("ABC1234", camera=f"cam-{n + 1}", ts=T0.timestamp() + 90 * n, seed=n),
                          plate_jpeg=_jpeg(f"ABC1234 #{n + 1}"))
        hit = hit or store.ingest(read).hits[0]
        if n:
            store.ingest(read)
    svc.claim(actor, hit.id)

    report = svc.print_report(actor, hit.id)

    # Then the report has a sightings section listing each pass (time, camera, plate, confidence)
    text = subprocess.run(["pdftotext", "-layout", str(report.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Sightings (3)" in text and "Seen 3 times between" in text
    for n in range(3):
        assert f"cam-{n + 1}" in text
    assert text.count("91%") >= 3
    with ctx.uow() as uow:
        row = uow.s.scalars(select(AccessLogRow).where(AccessLogRow.action == "hit.print")).one()
    assert len(row.detail["sightings"]) == 3
    if os.environ.get("ALPR_SHOTS"):
        shutil.copy(report.path, os.environ["ALPR_SHOTS"])


def test_migration_keeps_legacy_duplicate_open_hits_and_groups_from_the_oldest(tmp_path, clock):
    from sqlalchemy import text

    from app.persistence.engine import sqlite_url
    from app.persistence.migrate import upgrade

    # Given a database at 0007 with three open hits of one car on one entry (the old behaviour) and a closed one
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    upgrade(engine, "0007_account_lockouts")
    with engine.begin() as c:
        c.execute(text("INSERT INTO cameras (id, key, name, location, direction, source, enabled, owner_workstation, "
                       "created_at) VALUES (1, 'cam-1', 'Main', '', '', '{}', 1, 'WS', '2026-11-02 14:00:00')"))
        for n in range(4):
            c.execute(text("INSERT INTO reads (id, read_uuid, camera_id, captured_at, plate, plate_folded, confidence,"
                           " state_confidence, colour_confidence, frame_count, workstation, stored_at) VALUES "
                           f"({n + 1}, 'u{n}', 1, '2026-11-02 14:0{n}:00', 'ABC1234', 'A8C1234', 0.9, 0, 0, 1, 'WS',"
                           " '2026-11-02 14:00:00')"))
            c.execute(text("INSERT INTO hits (id, read_id, read_captured_at, entry_id, entry_snapshot, source_name,"
                           " match_kind, distance, state_match, priority, category, retroactive, status, created_at) "
                           f"VALUES ({n + 1}, {n + 1}, '2026-11-02 14:0{n}:00', 7, '{{}}', 'NCIC', 'exact', 0, 'match',"
                           f" 4, 'stolen_vehicle', 0, '{'closed' if n == 0 else 'new'}', '2026-11-02 14:0{n}:00')"))

    # When it is migrated
    upgrade(engine)

    # Then every hit stays, each with its own read as a sighting; only the oldest OPEN one is the group's hit
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, plate_key, sighting_count FROM hits ORDER BY id")).all()
        sightings = c.execute(text("SELECT hit_id, read_id FROM hit_sightings ORDER BY hit_id")).all()
    assert rows == [(1, "A8C1234", 1), (2, "A8C1234", 1), (3, None, 1), (4, None, 1)]
    assert sightings == [(1, 1), (2, 2), (3, 3), (4, 4)]
    engine.dispose()

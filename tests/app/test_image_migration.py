"""Moving the hash-named image files of older versions into the image store (after migration 0004)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from app.persistence.orm.cameras import ReadRow
from app.services.image_migration import ImageFileMigration, legacy_files
from app.services.image_store import legacy_path
from tests.app.records_fixtures import add_read, make_world, rctx, records_template_db  # noqa: F401


@pytest.fixture
def pw(any_ctx, tmp_path):
    return make_world(any_ctx, tmp_path)


def _row(ctx, rid):
    with ctx.uow() as uow:
        return uow.s.get(ReadRow, rid)


def test_legacy_files_move_into_the_store_and_are_then_removed(pw):
    w = pw
    now = w.ctx.clock.now()
    shared = b"the same bytes from two passes"
    a = add_read(w, "MIG001", now - timedelta(days=3), legacy=True)
    b = add_read(w, "MIG002", now - timedelta(days=2), legacy=True, data=shared)
    c = add_read(w, "MIG003", now - timedelta(hours=5), legacy=True, data=shared)
    bad = add_read(w, "MIG004", now - timedelta(hours=2), legacy=True)
    gone = add_read(w, "MIG005", now - timedelta(hours=1), legacy=True)
    legacy_path(w.images, _row(w.ctx, bad).plate_sha256).write_bytes(b"tampered")
    legacy_path(w.images, _row(w.ctx, gone).plate_sha256).unlink()
    orphan = legacy_path(w.images, "ab" * 32)  # a purged read's file the old purge left behind
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"orphan")
    expected = {rid: legacy_path(w.images, _row(w.ctx, rid).plate_sha256).read_bytes() for rid in (a, b, c)}

    res = ImageFileMigration(w.ctx, w.svc.search.images).run()

    assert (res.reads_moved, res.images_moved, res.not_here, res.corrupt) == (3, 3, 1, 1)
    for rid, data in expected.items():
        row = _row(w.ctx, rid)
        assert row.image_pack and row.plate_sha256 == hashlib.sha256(data).hexdigest()
        assert w.svc.search.images.of_read(rid) == data
    # moved files and the orphan are gone; the tampered file stays (its row still points at it)
    assert [p.stem for p in legacy_files(w.images)] == [_row(w.ctx, bad).plate_sha256]
    assert _row(w.ctx, bad).image_pack is None and _row(w.ctx, gone).image_pack is None
    # a second start finds nothing more to move
    again = ImageFileMigration(w.ctx, w.svc.search.images).run()
    assert again.reads_moved == 0 and again.files_removed == 0


def test_nothing_to_do_without_legacy_files(pw):
    add_read(pw, "NEW001", pw.ctx.clock.now())
    mig = ImageFileMigration(pw.ctx, pw.svc.search.images)
    assert not mig.needed() and mig.run().reads_moved == 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def pre_store_engine(request, tmp_path):
    """A database migrated only up to the revision before the image store."""
    from app.persistence.engine import make_engine, sqlite_url
    from app.persistence.migrate import upgrade
    from tests.app.conftest import _fresh_pg_url

    url = sqlite_url(tmp_path / "old.db") if request.param == "sqlite" else _fresh_pg_url()
    engine = make_engine(url)
    upgrade(engine, "0003_access_checkpoints")
    yield engine
    engine.dispose()


def test_upgrade_from_before_the_store_keeps_existing_reads_and_their_files(pre_store_engine, clock, tmp_path):
    from sqlalchemy import inspect, text

    from app.persistence.migrate import upgrade
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext
    from app.services.image_store import ReadImages

    any_engine = pre_store_engine
    # Given a database one revision before the image store, with a read and its hash-named file
    with any_engine.begin() as c:
        c.execute(text("INSERT INTO cameras (key, name, location, direction, source, enabled, created_at) "
                       "VALUES ('cam-1', 'Main St', '', '', '{}', true, :t)"), {"t": clock.now()})
        data = b"jpeg bytes of an old read"
        sha = hashlib.sha256(data).hexdigest()
        c.execute(text("INSERT INTO reads (read_uuid, camera_id, captured_at, plate, plate_folded, confidence, "
                       "state_confidence, colour_confidence, plate_sha256, frame_count, workstation, stored_at) "
                       "VALUES ('u-1', (SELECT id FROM cameras), :t, 'OLD123', 'O1D123', 0.9, 0, 0, :sha, 1, "
                       "'TEST-WS', :t)"), {"t": clock.now(), "sha": sha})
    path = legacy_path(tmp_path / "images", sha)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    # When the schema is upgraded and the console starts
    upgrade(any_engine)
    assert {"image_pack", "plate_offset"} <= {c["name"] for c in inspect(any_engine).get_columns("reads")}
    ctx = ServiceContext(uow=unit_of_work_factory(any_engine), workstation="TEST-WS", clock=clock)
    images = ReadImages.open(ctx, tmp_path / "images")
    assert images.of_read(1) == data  # still readable before the move
    res = ImageFileMigration(ctx, images).run()
    # Then the read's image is in the store and the file is gone
    assert res.reads_moved == 1 and not path.exists()
    assert images.of_read(1) == data

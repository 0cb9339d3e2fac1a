"""Scheduled housekeeping (app.runtime.housekeeping): when an import is due, and that a failing step is
reported while the others still run."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.hotlist_admin import HotListSource, SourceKind
from app.domain.hotlist_schedule import import_due
from app.domain.roles import Role
from app.domain.users import Actor
from app.paths import AppPaths
from app.runtime.housekeeping import Housekeeping
from app.services.bundle import ServiceBundle
from app.settings.secrets import MemorySecretStore
from tests.app.hitkit import make_actor
from tests.app.test_hotlist_service import ncic

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def _source(daily_at="05:00", last=None, kind=SourceKind.NCIC, location="/lists/ncic.txt", enabled=True):
    return HotListSource(1, "NCIC daily", kind, "ncic_fixed", location, daily_at, 0, last, last, 0, enabled)


@pytest.mark.parametrize(("daily_at", "last", "due"), [
    ("05:00", None, True),                              # never imported, time passed
    ("15:00", None, False),                             # today's time not reached yet
    ("05:00", NOW.replace(hour=5, minute=1), False),    # imported after today's time
    ("05:00", NOW.replace(hour=4, minute=59), True),    # last attempt before today's time
    ("05:00", NOW - timedelta(days=1), True),           # yesterday
    ("14:00", None, True),                              # exactly now
])
def test_import_due_follows_the_daily_time(daily_at, last, due):
    assert import_due(_source(daily_at, last), NOW, UTC) is due


def test_local_disabled_and_unlocated_sources_are_never_due():
    assert not import_due(_source(kind=SourceKind.LOCAL), NOW, UTC)
    assert not import_due(_source(enabled=False), NOW, UTC)
    assert not import_due(_source(location=""), NOW, UTC)
    assert not import_due(_source(daily_at=None), NOW, UTC)


@pytest.mark.parametrize("bad", ["25:00", "5", "ab:cd"])
def test_a_bad_daily_time_is_an_error_not_a_silent_skip(bad):
    with pytest.raises(ValueError):
        import_due(_source(bad), NOW, UTC)


@pytest.fixture
def world(ctx, fast_hashing, tmp_path):
    services = ServiceBundle.build(ctx, AppPaths(tmp_path / "d", tmp_path / "c").ensure(), MemorySecretStore(),
                                   fast_hashing)
    sup = make_actor(ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    good = tmp_path / "ncic.txt"
    good.write_text("\n".join(ncic(f"V{i:09d}", f"ABC{i:03d}") for i in range(20)) + "\n")
    ok = services.hotlists.add_source(sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", str(good), "05:00")
    gone = services.hotlists.add_source(sup, "Regional", SourceKind.NCIC, "ncic_fixed", str(tmp_path / "gone.txt"),
                                        "05:00")
    published: list[Changes] = []
    ctx.changes.subscribe(published.append)
    system = Actor.system(ctx.workstation, "scheduler")
    return type("W", (), dict(services=services, ok=ok, gone=gone, published=published, system=system, sup=sup))


def test_due_imports_run_once_and_a_refused_one_is_reported(world, clock):
    # Given two sources due at 05:00 (it is 14:00 UTC), one of them pointing at a missing file
    hk = Housekeeping(world.services, world.system, tz=UTC)
    result = hk.run()
    # Then the good one is imported, the missing one is reported (not only logged), and the run says what changed
    assert result.imported == ("NCIC daily",)
    assert any("Regional" in p for p in result.problems)
    assert result.changes.hotlists
    assert world.services.hotlists.entry_count(world.sup, world.ok.id) == 20
    # And the service published its change (consoles reload without waiting for a safety reload)
    assert any(c.hotlists for c in world.published)
    # When housekeeping runs again the same day, nothing is imported twice
    clock.advance(minutes=5)
    assert hk.run().imported == ()


def test_a_failing_step_does_not_stop_the_others(world, monkeypatch):
    def boom(actor):
        raise RuntimeError("disk on fire")

    def refused(actor):
        raise DomainError("the clock moved backwards")

    monkeypatch.setattr(world.services.hotlists, "expire", boom)
    monkeypatch.setattr(world.services.records.purge, "purge_if_due", refused)
    result = Housekeeping(world.services, world.system, tz=UTC).run()
    assert result.imported == ("NCIC daily",)
    assert any("expiry failed: disk on fire" in p for p in result.problems)
    assert any("purge did not run: the clock moved backwards" in p for p in result.problems)


def test_another_process_holding_the_lock_skips_the_run(world):
    @contextmanager
    def held(_name):
        yield False

    result = Housekeeping(world.services, world.system, lock=held, tz=UTC).run()
    assert result.skipped and result.imported == () and not result.changes


def test_housekeeping_moves_this_workstations_old_image_files_into_the_store(world, tmp_path):
    import hashlib

    from app.persistence.orm.cameras import CameraRow, ReadRow
    from app.services.image_store import legacy_path

    # Given a read of an older version whose image is a hash-named file in this workstation's folder
    ctx = world.services.ctx
    data = b"jpeg of a read stored before the image store"
    sha = hashlib.sha256(data).hexdigest()
    images = tmp_path / "d" / "images"
    legacy_path(images, sha).parent.mkdir(parents=True)
    legacy_path(images, sha).write_bytes(data)
    with ctx.uow() as uow:
        cam = CameraRow(key="cam-9", name="Old camera", source={})
        uow.s.add(cam)
        uow.s.flush()
        row = ReadRow(read_uuid="old-1", camera_id=cam.id, captured_at=NOW, plate="OLD1", plate_folded="O1D1",
                      confidence=0.9, plate_sha256=sha, workstation=ctx.workstation, stored_at=NOW)
        uow.s.add(row)
        uow.s.flush()
        rid = row.id
    # When housekeeping runs
    result = Housekeeping(world.services, world.system, tz=UTC).run()
    # Then the image is in the store (still the same bytes) and the old file is gone
    assert not any("image" in p for p in result.problems)
    assert not legacy_path(images, sha).exists()
    assert world.services.records.search.images.of_read(rid) == data

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.images import ImageMissing
from app.domain.records.retention import RetentionPeriods
from app.persistence.orm.cameras import ReadRow
from app.persistence.orm.hits import HitRow
from app.persistence.repositories.read_images import ReadImageRefs
from tests.app.records_fixtures import (  # noqa: F401
    access_rows,
    add_hit,
    add_read,
    found,
    make_world,
    pdf_text,
    rctx,
    records_template_db,
)


@pytest.fixture
def pw(any_ctx, tmp_path):
    return make_world(any_ctx, tmp_path)


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _ids(ctx, model):
    with ctx.uow() as uow:
        return set(uow.s.scalars(__import__("sqlalchemy").select(model.id)))


def _sha(ctx, read_id):
    with ctx.uow() as uow:
        return uow.s.get(ReadRow, read_id).plate_sha256


def _ref(ctx, read_id):
    with ctx.uow() as uow:
        return ReadImageRefs(uow.s).refs([read_id])[read_id][0]


def test_purge_deletes_expired_but_keeps_held_and_open_hits(pw):
    w = pw
    now = w.ctx.clock.now()
    old = now - timedelta(days=40)
    expired = add_read(w, "OLD111", old)
    held = add_read(w, "HELD22", old)
    open_read = add_read(w, "OPEN33", old)
    closed_read = add_read(w, "CLSD44", old)
    fresh = add_read(w, "NEW555", now - timedelta(days=2))
    open_hit = add_hit(w, open_read, old, status="claimed")
    closed_hit = add_hit(w, closed_read, old, status="closed")
    held_sha, expired_ref = _sha(w.ctx, held), _ref(w.ctx, expired)
    found(w, w.inv, [held])
    w.svc.holds.place(w.inv, "24-000777", "Evidence in burglary case", date(2027, 3, 1), [held])
    res = w.svc.purge.purge(w.sup, trigger="manual")
    assert _ids(w.ctx, ReadRow) == {held, open_read, fresh}
    assert _ids(w.ctx, HitRow) == {open_hit}
    assert res.reads == 2 and res.hits == 1 and res.kept >= 2
    assert w.svc.search.images.of_read(held) == f"jpeg-bytes-HELD22-{old.isoformat()}".encode()
    assert _sha(w.ctx, held) == held_sha
    with pytest.raises(ImageMissing):
        w.svc.search.images.store.get(expired_ref)
    assert closed_hit not in _ids(w.ctx, HitRow)
    text = pdf_text(__import__("pathlib").Path(res.document.path))
    assert "Evidence hold" in text and "case 24-000777" in text and "Open hit" in text
    assert "LAW ENFORCEMENT SENSITIVE" in text
    docs = w.svc.documents.list(w.sup, ("purge_report",))
    assert docs and docs[0].id == res.document.id


def test_held_data_survives_until_an_admin_releases_the_hold(w):
    now = w.ctx.clock.now()
    rid = add_read(w, "HOLD01", now - timedelta(days=60))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "24-1", "Homicide evidence", None, [rid])
    with pytest.raises(PermissionDenied):
        w.svc.holds.release(w.inv, hold.id, "case closed")
    w.svc.purge.purge(w.sup)
    assert rid in _ids(w.ctx, ReadRow)
    w.svc.holds.release(w.sup, hold.id, "Case adjudicated, released by court order")
    assert access_rows(w.ctx, "hold.release")[0].case_number == "24-1"
    w.ctx.clock.advance(days=1)
    w.svc.purge.purge(w.sup)
    assert rid not in _ids(w.ctx, ReadRow)


def test_clock_going_backwards_refuses_and_records(w):
    add_read(w, "CLK001", w.ctx.clock.now() - timedelta(days=90))
    w.svc.purge.purge(w.sup)
    add_read(w, "CLK002", w.ctx.clock.now() - timedelta(days=90))
    w.ctx.clock.advance(days=-3)
    with pytest.raises(Conflict, match="backwards"):
        w.svc.purge.purge(w.sup)
    assert [r.outcome for r in access_rows(w.ctx, "retention.purge")] == ["refused", "ok"]
    with w.ctx.uow() as uow:
        assert list(uow.s.scalars(__import__("sqlalchemy").select(ReadRow.plate))) == ["CLK002"]


def test_clock_jump_refuses_unless_confirmed(w):
    w.svc.purge.purge(w.sup)
    w.ctx.clock.advance(days=400)
    from tests.app.conftest import ready_user

    ready_user(w.ctx, w.sup.user_id)  # the supervisor's training was renewed meanwhile
    add_read(w, "JMP001", w.ctx.clock.now() - timedelta(days=100))
    with pytest.raises(Conflict, match="jumped"):
        w.svc.purge.purge(w.sup)
    assert len(_ids(w.ctx, ReadRow)) == 1
    assert w.svc.purge.purge(w.sup, accept_clock_gap=True).reads == 1


def test_clock_behind_newest_read_refuses(w):
    add_read(w, "FUT001", w.ctx.clock.now() + timedelta(days=2))
    with pytest.raises(Conflict, match="behind the stored data"):
        w.svc.purge.purge(w.sup)


def test_images_can_expire_before_reads(w):
    w.svc.retention.change(w.sup, "custom", RetentionPeriods(reads_days=60, hits_days=60, images_days=10))
    rid = add_read(w, "IMG001", w.ctx.clock.now() - timedelta(days=20))
    ref = _ref(w.ctx, rid)
    res = w.svc.purge.purge(w.sup)
    assert res.reads == 0 and res.images == 1 and rid in _ids(w.ctx, ReadRow)
    assert _sha(w.ctx, rid) is None
    with pytest.raises(ImageMissing):
        w.svc.search.images.store.get(ref)


def test_retention_changes_need_admin_and_respect_presets(w):
    with pytest.raises(PermissionDenied):
        w.svc.retention.change(w.inv, "default", RetentionPeriods())
    with pytest.raises(ValidationFailed, match="at least 730"):
        w.svc.retention.change(w.sup, "california", RetentionPeriods(30, 30, 30))
    with pytest.raises(ValidationFailed, match="at most 21"):
        w.svc.retention.change(w.sup, "maine", RetentionPeriods(30, 21, 21))
    w.svc.retention.set_jurisdiction(w.sup, "tennessee", "Agency operates under Tenn. Code 55-10-302")
    w.svc.retention.change(w.sup, "tennessee", RetentionPeriods(90, 90, 30))
    preset, periods = w.svc.retention.current()
    assert preset.key == "tennessee" and periods == RetentionPeriods(90, 90, 30)
    rec = [r for r in access_rows(w.ctx, "retention.change") if r.outcome == "ok"]
    assert rec[0].detail["after"]["reads_days"] == 90 and rec[0].detail["before"]["reads_days"] == 30


def test_purge_if_due_runs_once_a_day(w):
    assert w.svc.purge.purge_if_due(w.sup) is not None
    w.ctx.clock.advance(hours=3)
    assert w.svc.purge.purge_if_due(w.sup) is None
    w.ctx.clock.advance(hours=21)
    assert w.svc.purge.purge_if_due(w.sup) is not None


def test_postgres_drops_whole_expired_day_partitions(pw):
    from app.persistence.repositories.records_partitions import (
        ensure_day_partitions,
        is_partitioned,
        list_day_partitions,
    )

    w = pw
    now = w.ctx.clock.now()
    d_old, d_held = (now - timedelta(days=50)).date(), (now - timedelta(days=45)).date()
    stray = add_read(w, "STRAY1", now - timedelta(days=50))  # lands in reads_default, then moves
    with w.ctx.uow() as uow:
        if not is_partitioned(uow.s):
            pytest.skip("reads is partitioned only on PostgreSQL")
        ensure_day_partitions(uow.s, d_old, now.date())
        assert d_old in list_day_partitions(uow.s)
    a = add_read(w, "DAYA01", now - timedelta(days=50, hours=1))
    b = add_read(w, "DAYB01", now - timedelta(days=45))
    c = add_read(w, "DAYB02", now - timedelta(days=45, hours=2))
    found(w, w.inv, [b])
    w.svc.holds.place(w.inv, "24-9", "Evidence in robbery", None, [b])
    res = w.svc.purge.purge(w.sup)
    assert res.partitions_dropped >= 1 and res.reads == 3
    assert _ids(w.ctx, ReadRow) == {b}
    with w.ctx.uow() as uow:
        days = list_day_partitions(uow.s)
    assert d_old not in days and d_held in days
    assert (now + timedelta(days=7)).date() in days  # the daily purge keeps a week of partitions ready
    assert {stray, a, c}.isdisjoint(_ids(w.ctx, ReadRow))


def test_prepare_storage_creates_the_week_of_read_and_image_partitions(pw):
    from app.persistence.repositories.records_partitions import (
        is_partitioned,
        list_day_partitions,
        list_image_partitions,
    )

    w = pw
    w.svc.purge.prepare_storage()
    with w.ctx.uow() as uow:
        if not is_partitioned(uow.s):
            pytest.skip("partitions exist only on PostgreSQL")
        today = w.ctx.clock.now().date()
        week = {today + timedelta(days=i) for i in range(8)}
        assert week <= set(list_day_partitions(uow.s)) and week <= set(list_image_partitions(uow.s))


def test_purge_keeps_the_sightings_of_an_open_grouped_hit_and_deletes_a_closed_hits_sightings(w):
    from sqlalchemy import func, select

    from app.persistence.orm.hits import HitSightingRow

    now = w.ctx.clock.now()
    old = now - timedelta(days=40)
    first, again = add_read(w, "OPEN33", old), add_read(w, "OPEN33", old + timedelta(minutes=5))
    closed_first, closed_again = add_read(w, "CLSD44", old), add_read(w, "CLSD44", old + timedelta(minutes=5))
    open_hit, closed_hit = add_hit(w, first, old, status="claimed"), add_hit(w, closed_first, old)
    with w.ctx.uow() as uow:
        for hit, read in ((open_hit, first), (open_hit, again), (closed_hit, closed_first), (closed_hit, closed_again)):
            when = old if read in (first, closed_first) else old + timedelta(minutes=5)
            uow.s.add(HitSightingRow(hit_id=hit, read_id=read, read_captured_at=when, workstation="WS", added_at=when))

    w.svc.purge.purge(w.sup, trigger="manual")

    # the open hit keeps every sighting's read; the closed hit goes with its sightings and reads
    assert {first, again} <= _ids(w.ctx, ReadRow) and not {closed_first, closed_again} & _ids(w.ctx, ReadRow)
    with w.ctx.uow() as uow:
        left = dict(uow.s.execute(select(HitSightingRow.hit_id, func.count()).group_by(HitSightingRow.hit_id)).all())
    assert left == {open_hit: 2}

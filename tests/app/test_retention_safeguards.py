"""Issue 9, retention and release: each finding driven through the services (it failed on the old code)."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain.errors import PermissionDenied, ValidationFailed
from app.domain.records.releases import ReleaseIntake, ReleaseScope
from app.domain.records.retention import RetentionPeriods
from app.persistence.orm.cameras import ReadRow
from app.persistence.repositories.agency import SharedSettingsRepository
from app.services.image_store import legacy_path
from app.services.retention import live_carried_floors, load_periods
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
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


@pytest.fixture
def pw(any_ctx, tmp_path):
    return make_world(any_ctx, tmp_path)


def _ids(ctx) -> set[int]:
    with ctx.uow() as uow:
        return set(uow.s.scalars(__import__("sqlalchemy").select(ReadRow.id)))


def _request(w, plate: str, approve: bool = True) -> int:
    intake = ReleaseIntake(agency="Metro Police Department", requester_name="Det. Pat Lee",
                           purpose="Robbery investigation", legal_basis="Law enforcement request", ori="TX0000001",
                           requester_title="Detective", requester_contact="plee@metro.example", case_number="M-77",
                           law_enforcement=True, public_agency=True, scope=ReleaseScope(plates=(plate,)))
    req = w.svc.releases.intake(w.clerk, intake)
    if approve:
        w.svc.releases.review(w.sup, req.id, True, "Lawful request from a law enforcement agency")
    return req.id


# --- an approved release request's data purged before fulfilment --------------------------------------


def test_purge_keeps_the_data_of_an_approved_release_until_it_is_fulfilled(pw):
    w = pw
    now = w.ctx.clock.now()
    rid = add_read(w, "REL123", now - timedelta(days=25), jpeg=True)
    other = add_read(w, "OTH999", now - timedelta(days=25))
    hit = add_hit(w, rid, now - timedelta(days=25))
    request_id = _request(w, "REL123")
    # Given the data ages past retention before the clerk gets to the packet
    w.ctx.clock.advance(days=10)
    res = w.svc.purge.purge(w.sup)
    # Then the purge keeps what the approved request covers (and says why), and only that
    assert rid in _ids(w.ctx) and other not in _ids(w.ctx)
    assert res.kept >= 2
    report = pdf_text(Path(res.document.path))
    assert "Release request (approved, not yet fulfilled): 1" in " ".join(report.split())
    assert f"request R-{request_id}" in report
    # And the packet still has the record, its hit and its image, all hashed in the manifest
    doc = w.svc.releases.fulfil(w.clerk, request_id)
    text = pdf_text(Path(doc.path))
    assert "No records matched" not in text and "REL123" in text
    data = next(d for d in w.svc.documents.list(w.sup, ("release_data",)))
    with zipfile.ZipFile(data.path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert any(n.startswith(f"images/read{rid}_plate_") for n in names)
        assert [h["id"] for h in json.loads(zf.read("hits.json"))] == [hit]
    assert {f["name"] for f in manifest["files"]} == set(names) - {"manifest.json"}
    # And once fulfilled, the next purge may destroy it
    w.ctx.clock.advance(days=1)
    w.svc.purge.purge(w.sup)
    assert rid not in _ids(w.ctx)


def test_a_pending_request_also_suspends_destruction_but_a_denied_one_does_not(w):
    now = w.ctx.clock.now()
    pending = add_read(w, "PEN111", now - timedelta(days=40))
    denied = add_read(w, "DEN222", now - timedelta(days=40))
    _request(w, "PEN111", approve=False)
    req = _request(w, "DEN222", approve=False)
    w.svc.releases.review(w.sup, req, False, "No legal basis was given for this request")
    w.svc.purge.purge(w.sup)
    assert pending in _ids(w.ctx) and denied not in _ids(w.ctx)


# --- images shared by content hash; the purge deleted a file a held read referenced ---------------------


def test_purging_an_expired_read_keeps_the_shared_image_of_a_held_read(w):
    now = w.ctx.clock.now()
    same = b"\xff\xd8 identical jpeg bytes of two passes \xff\xd9"
    expired = add_read(w, "EXP001", now - timedelta(days=40), legacy=True, data=same)
    held = add_read(w, "HLD001", now - timedelta(days=40), legacy=True, data=same)
    found(w, w.inv, [held])
    hold = w.svc.holds.place(w.inv, "24-000123", "Evidence in a burglary case", date(2027, 3, 1), [held])
    w.svc.purge.purge(w.sup)
    assert expired not in _ids(w.ctx) and held in _ids(w.ctx)
    # the held read's image is still there, and still proves itself in the evidence export
    assert w.svc.search.images.of_read(held) == same
    target = w.documents / "evidence.zip"
    w.svc.evidence.export_hold(w.inv, hold.id, target)
    with zipfile.ZipFile(target) as zf:
        name = next(n for n in zf.namelist() if n.startswith(f"images/read{held}_plate_"))
        assert zf.read(name) == same


def test_a_legacy_file_a_kept_row_still_references_is_not_unlinked(w):
    now = w.ctx.clock.now()
    same = b"shared bytes of an expired and a fresh read"
    add_read(w, "EXP002", now - timedelta(days=40), legacy=True, data=same)
    fresh = add_read(w, "NEW002", now - timedelta(days=2), legacy=True, data=same)
    w.svc.purge.purge(w.sup)
    assert w.svc.search.images.of_read(fresh) == same
    # and once no row references it any more, the file goes
    w.ctx.clock.advance(days=40)
    w.svc.purge.purge(w.sup, accept_clock_gap=True)
    import hashlib
    assert not legacy_path(w.images, hashlib.sha256(same).hexdigest()).exists()


def test_held_image_survives_its_pack_and_goes_when_the_hold_is_released(pw):
    w = pw
    now = w.ctx.clock.now()
    held = add_read(w, "PCK001", now - timedelta(days=40))
    gone = add_read(w, "PCK002", now - timedelta(days=40))  # same camera, same hour: same pack
    found(w, w.inv, [held])
    hold = w.svc.holds.place(w.inv, "24-7", "Evidence in an assault case", None, [held])
    res = w.svc.purge.purge(w.sup)
    assert gone not in _ids(w.ctx)
    assert w.svc.search.images.of_read(held) == f"jpeg-bytes-PCK001-{(now - timedelta(days=40)).isoformat()}".encode()
    assert res.files_removed >= 1  # the hour's pack (or day partition) went; the held image is a kept copy
    w.svc.holds.release(w.sup, hold.id, "Case adjudicated and closed by the court")
    w.ctx.clock.advance(days=1)
    w.svc.purge.purge(w.sup)
    assert held not in _ids(w.ctx)
    with w.ctx.uow() as uow:
        assert uow.s.scalar(__import__("sqlalchemy").text("select count(*) from kept_images")) == 0


# --- the California preset refuses 30 days, then "custom" with 1 day is accepted --------------------------


def test_the_jurisdiction_binds_every_preset_including_custom(w):
    with pytest.raises(ValidationFailed, match="at least 730"):
        w.svc.retention.change(w.sup, "california", RetentionPeriods(30, 30, 30))
    w.svc.retention.set_jurisdiction(w.sup, "california", "Agency is in California, Gov. Code 34090 applies")
    for preset in ("custom", "default"):
        with pytest.raises(ValidationFailed):
            w.svc.retention.change(w.sup, preset, RetentionPeriods(1, 1, 1))
    assert w.svc.retention.current()[1] == RetentionPeriods(730, 730, 730)
    w.svc.retention.change(w.sup, "custom", RetentionPeriods(800, 800, 760))
    assert [r.outcome for r in access_rows(w.ctx, "retention.change")][:3] == ["ok", "refused", "refused"]


def test_stored_periods_below_the_jurisdiction_floor_never_reach_the_purge(w):
    # Given settings written before the jurisdiction bound custom (California, custom, 1 day)
    now = w.ctx.clock.now()
    with w.ctx.uow() as uow:
        repo = SharedSettingsRepository(uow.s)
        repo.put("retention.jurisdiction", "california", None, now)
        repo.put("retention.preset", "custom", None, now)
        repo.put("retention.periods", RetentionPeriods(1, 1, 1).as_json(), None, now)
    rid = add_read(w, "CAL001", now - timedelta(days=40))
    w.svc.purge.purge(w.sup)
    assert rid in _ids(w.ctx)  # 40 days is well inside California's two years


def test_changing_the_jurisdiction_is_an_administrator_action_with_a_reason(w):
    with pytest.raises(PermissionDenied):
        w.svc.retention.set_jurisdiction(w.inv, "maine", "Agency moved its servers to Maine")
    with pytest.raises(ValidationFailed, match="reason"):
        w.svc.retention.set_jurisdiction(w.sup, "maine", "x")
    with pytest.raises(ValidationFailed, match="reason"):
        w.svc.retention.set_jurisdiction(w.sup, "maine", "aaaa aaaa aaaa")
    # Maine's 21-day ceiling: the 30-day default periods do not fit, so the preset's 21 days apply
    w.svc.retention.set_jurisdiction(w.sup, "maine", "Agency operates under 29-A M.R.S. 2117-A")
    assert w.svc.retention.jurisdiction().key == "maine"
    assert w.svc.retention.current()[1] == RetentionPeriods(21, 21, 21)
    with pytest.raises(ValidationFailed, match="belongs to California"):
        w.svc.retention.change(w.sup, "california", RetentionPeriods(730, 730, 730))
    rec = access_rows(w.ctx, "retention.jurisdiction")
    ok = [r for r in rec if r.outcome == "ok"][0]
    assert ok.reason == "Agency operates under 29-A M.R.S. 2117-A"
    assert ok.detail["before"]["jurisdiction"] == "none" and ok.detail["after"]["jurisdiction"] == "maine"
    assert [r.outcome for r in rec].count("refused") == 3  # the investigator's attempt and two reasons too thin


def test_placing_a_hold_copies_its_images_out_of_the_pack(pw):
    # copy on hold: held evidence no longer depends on a pack file or partition retention will drop
    w = pw
    now = w.ctx.clock.now()
    rid = add_read(w, "CPY001", now - timedelta(hours=3))
    hit_read = add_read(w, "CPY002", now - timedelta(hours=2))
    hit = add_hit(w, hit_read, now - timedelta(hours=2), status="closed")
    found(w, w.inv, [rid, hit_read])
    w.svc.holds.place(w.inv, "24-55", "Evidence in a hit and run case", None, [rid], [hit])
    assert access_rows(w.ctx, "hold.place")[0].detail["images_kept"] == 2
    # Given the packs / image rows are lost (disk fault, or dropped by retention)
    import shutil

    from sqlalchemy import text
    shutil.rmtree(w.images / "packs", ignore_errors=True)
    with w.ctx.uow() as uow:
        if uow.s.get_bind().dialect.name == "postgresql":
            uow.s.execute(text("DELETE FROM read_images"))
    # Then the held images are still there, hash-checked
    assert w.svc.search.images.of_read(rid) == f"jpeg-bytes-CPY001-{(now - timedelta(hours=3)).isoformat()}".encode()
    assert w.svc.search.images.of_read(hit_read) is not None


def test_the_settings_form_offers_only_presets_of_the_jurisdiction(w):
    assert {p.key for p in w.svc.retention.presets()} == {"default", "custom"}
    w.svc.retention.set_jurisdiction(w.sup, "utah", "Agency operates under Utah Code 41-6a-2004")
    assert {p.key for p in w.svc.retention.presets()} == {"default", "custom", "utah"}
    assert w.svc.retention.current()[0].key == "utah"


def test_a_kept_read_whose_old_file_is_on_another_console_keeps_its_reference(w):
    # on a center, a hash-named file may sit on the console that ingested the read (moved at its start)
    now = w.ctx.clock.now()
    held = add_read(w, "ELS001", now - timedelta(days=40), legacy=True)
    with w.ctx.uow() as uow:
        sha = uow.s.get(ReadRow, held).plate_sha256
    legacy_path(w.images, sha).unlink()
    found(w, w.inv, [held])
    w.svc.holds.place(w.inv, "24-8", "Evidence in a robbery case", None, [held])
    w.svc.purge.purge(w.sup)
    with w.ctx.uow() as uow:
        row = uow.s.get(ReadRow, held)
        assert (row.plate_sha256, row.image_pack) == (sha, None)


def test_switching_the_jurisdiction_away_and_back_does_not_purge_under_californias_floor(w):
    # Given a California agency with reads 100 and 700 days old (inside the two-year minimum)
    w.svc.retention.set_jurisdiction(w.sup, "california", "Agency operates under Gov. Code 34090")
    now = w.ctx.clock.now()
    old, older = add_read(w, "CAL100", now - timedelta(days=100)), add_read(w, "CAL700", now - timedelta(days=700))
    # When an administrator switches to a 21-day jurisdiction, purges and switches back
    w.svc.retention.set_jurisdiction(w.sup, "maine", "Agency operates under 29-A M.R.S. 2117-A")
    w.ctx.clock.advance(hours=21)
    w.svc.purge.purge(w.sup)
    w.svc.retention.set_jurisdiction(w.sup, "california", "Agency operates under Gov. Code 34090 again")
    # Then the data collected under California's floor is still there, and the carried floor is recorded
    assert {old, older} <= _ids(w.ctx)
    assert any("carried_floor" in str(r.detail) and "730" in str(r.detail)
               for r in access_rows(w.ctx, "retention.jurisdiction") if r.outcome == "ok")
    # And the floor lapses once everything collected before the switch is two years old
    with w.ctx.uow() as uow:
        assert load_periods(uow, w.ctx.clock.now())[1].reads_days >= 730
        assert not live_carried_floors(uow, w.ctx.clock.now() + timedelta(days=731))

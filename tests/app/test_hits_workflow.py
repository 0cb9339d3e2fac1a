"""The hit workflow through HitService: queue, claim, verification, the NCIC log, print."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.hit_steps import (
    AgencyNotified,
    DispositionStep,
    InstructionsRelayed,
    NcicQuery,
    NcicResult,
    Note,
    Outcome,
    RejectReason,
    SamePlateVehicle,
    StepKind,
    StolenPlateCheck,
    UnitsDispatched,
    VisualAccepted,
    YqPriority,
    YrAnswer,
    YrReceived,
)
from app.domain.hits import HitStatus
from app.domain.roles import Role
from app.persistence.orm.audit import AccessLogRow
from app.persistence.orm.hits import HitStepRow
from app.persistence.orm.records import DocumentRow
from app.services.hits import HitService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from tests.app.hitkit import make_actor, make_read, seed_hotlist


def _world(ctx, tmp_path):
    matcher, _ids = seed_hotlist(ctx)
    images = ReadImages.open(ctx, tmp_path / "images")
    store = ReadStore(ctx, images.store, matcher)
    svc = HitService(ctx, images, tmp_path / "documents")
    return ctx, store, svc, make_actor(ctx, "disp.kim"), make_actor(ctx, "disp.lee")


@pytest.fixture
def world(ctx, tmp_path):
    """SQLite only (fast); the tests using ``world_any`` also run on PostgreSQL."""
    return _world(ctx, tmp_path)


@pytest.fixture
def world_any(any_ctx, tmp_path):
    return _world(any_ctx, tmp_path)


def _actions(ctx) -> list[str]:
    with ctx.uow() as uow:
        return list(uow.s.scalars(select(AccessLogRow.action).order_by(AccessLogRow.id)))


def test_queue_is_ordered_by_priority_then_age(world_any):
    ctx, store, svc, kim, _ = world_any
    store.ingest(make_read("ABC1234"))  # priority 4
    ctx.clock.advance(seconds=5)
    store.ingest(make_read("7XYZ001"))  # priority 1, newer
    ctx.clock.advance(seconds=5)
    store.ingest(make_read("8OX1234", state="NV"))  # priority 6, newest
    store.ingest(make_read("ABC1234", camera="cam-2"))  # priority 4 again: a sighting of the first hit (grouped)
    store.ingest(make_read("TERR123"))  # covert: a dispatcher does not see it

    queue = svc.queue(kim)

    assert [(h.plate_listed, h.priority) for h in queue] == [("7XYZ001", 1), ("ABC1234", 4), ("8OX1234", 6)]
    assert [h.sightings for h in queue] == [1, 2, 1]
    supervisor = make_actor(ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    assert any(h.plate_listed == "TERR123" for h in svc.queue(supervisor))
    covert = next(h for h in svc.queue(supervisor) if h.covert)
    with pytest.raises(PermissionDenied):
        svc.view(kim, covert.id)


def test_claim_conflict_names_the_claimant(world_any):
    ctx, store, svc, kim, lee = world_any
    (hit,) = store.ingest(make_read("ABC1234")).hits

    claimed = svc.claim(kim, hit.id)
    with pytest.raises(Conflict, match="claimed by disp.kim"):
        svc.claim(lee, hit.id)
    with pytest.raises(Conflict, match="claimed by disp.kim"):
        svc.accept(lee, hit.id)

    assert claimed.status is HitStatus.CLAIMED and claimed.claimed_by_name == "disp.kim"
    assert svc.queue(lee)[0].claimed_by_name == "disp.kim"
    with pytest.raises(ValidationFailed):
        svc.claim(lee, hit.id, take_over=True)
    taken = svc.claim(lee, hit.id, take_over=True, reason="kim went on break")
    assert taken.claimed_by_name == "disp.lee"


def test_claim_next_takes_the_most_urgent_unclaimed(world):
    ctx, store, svc, kim, lee = world
    store.ingest(make_read("ABC1234"))
    store.ingest(make_read("7XYZ001"))
    first = svc.claim_next(kim)
    second = svc.claim_next(lee)
    assert first.plate_listed == "7XYZ001" and second.plate_listed == "ABC1234"
    assert svc.claim_next(lee) is None


def test_steps_need_visual_verification_first(world):
    ctx, store, svc, kim, _ = world
    (hit,) = store.ingest(make_read("ABC1234")).hits
    svc.claim(kim, hit.id)
    with pytest.raises(Conflict, match="Visually verify"):
        svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    svc.record(kim, hit.id, Note("driver seen heading north"))  # notes are fine any time


def test_reject_closes_the_hit_with_a_reason(world):
    ctx, store, svc, kim, _ = world
    (hit,) = store.ingest(make_read("ABC1234", state="NV")).hits
    svc.claim(kim, hit.id)
    with pytest.raises(ValidationFailed):
        svc.reject(kim, hit.id, RejectReason.OTHER)  # "other" needs text
    svc.reject(kim, hit.id, RejectReason.WRONG_STATE)

    detail = svc.view(kim, hit.id)
    assert detail.summary.status is HitStatus.REJECTED and not svc.queue(kim)
    assert detail.state_agreement.value == "mismatch"
    with pytest.raises(Conflict):
        svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))


def test_full_confirmation_log_of_a_stolen_vehicle(world_any):
    ctx, store, svc, kim, _ = world_any
    (hit,) = store.ingest(make_read("ABC1234")).hits
    svc.claim(kim, hit.id)
    ctx.clock.advance(seconds=20)
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    yq = svc.send_yq(kim, hit.id, YqPriority.URGENT)
    ctx.clock.advance(minutes=4)
    svc.record(kim, hit.id, YrReceived(YrAnswer.CONFIRMED, from_ori="CA0570200"))
    svc.record(kim, hit.id, InstructionsRelayed())
    svc.record(kim, hit.id, UnitsDispatched(("2A12", "2A14")))
    ctx.clock.advance(minutes=30)
    svc.record(kim, hit.id, DispositionStep(Outcome.VEHICLE_RECOVERED, "towed"))
    svc.record(kim, hit.id, AgencyNotified(ctx.clock.now(), "Nlets YR"))

    detail = svc.view(kim, hit.id)
    kinds = [s.kind for s in detail.steps]
    assert kinds == [StepKind.CLAIMED, StepKind.VISUAL_ACCEPTED, StepKind.NCIC_QUERY, StepKind.YQ_SENT,
                     StepKind.YR_RECEIVED, StepKind.INSTRUCTIONS_RELAYED, StepKind.UNITS_DISPATCHED,
                     StepKind.DISPOSITION, StepKind.AGENCY_NOTIFIED]
    assert all(s.username == "disp.kim" for s in detail.steps)
    assert [s.sequence for s in detail.steps] == list(range(1, 10))
    assert detail.summary.status is HitStatus.CLOSED and detail.summary.disposition == "vehicle_recovered"
    sent = dict(yq.payload["fields"])
    assert sent["RTY"] == "SV" and sent["RNO"] == "1" and sent["PRI"] == "U" and sent["LIC"] == "ABC1234"
    assert yq.payload["deadline"].startswith("2026-11-02T14:10:20")
    assert detail.yq.state == "answered"
    done = {c.key: c.done for c in detail.checklist if c.applies}
    assert all(done.values()), done
    actions = _actions(ctx)
    assert "hit.step.disposition" in actions and "hit.view" in actions and "hit.claim" in actions


def test_corrections_are_new_steps(world_any):
    ctx, store, svc, kim, _ = world_any
    (hit,) = store.ingest(make_read("ABC1234")).hits
    svc.claim(kim, hit.id)
    wrong = svc.reject(kim, hit.id, RejectReason.MISREAD)
    with pytest.raises(Conflict, match="correction"):
        svc.accept(kim, hit.id)
    fixed = svc.record(kim, hit.id, VisualAccepted("misclicked"), corrects_step_id=wrong.id)
    with pytest.raises(Conflict, match="already corrected"):
        svc.record(kim, hit.id, VisualAccepted(), corrects_step_id=wrong.id)

    detail = svc.view(kim, hit.id)
    assert detail.summary.status is HitStatus.VERIFIED
    assert [s.id for s in detail.steps if s.kind is StepKind.VISUAL_REJECTED] == [wrong.id]  # kept
    assert fixed.corrects_step_id == wrong.id and "Correction of step" in fixed.describe()
    with ctx.uow() as uow:
        assert uow.s.get(HitStepRow, wrong.id).payload["reason"] == "misread"  # never edited


def test_yq_overdue_prompts_the_second_request(world):
    ctx, store, svc, kim, _ = world
    (hit,) = store.ingest(make_read("8OX1234", state="NV")).hits  # stolen plate, NV record
    svc.claim(kim, hit.id)
    svc.accept(kim, hit.id)
    svc.send_yq(kim, hit.id, YqPriority.ROUTINE)
    ctx.clock.advance(minutes=61)
    detail = svc.view(kim, hit.id)
    assert detail.yq.state == "overdue" and detail.yq.next_rno == 2
    second = svc.send_yq(kim, hit.id, YqPriority.URGENT)
    assert second.payload["rno"] == 2
    svc.record(kim, hit.id, StolenPlateCheck(SamePlateVehicle.DIFFERENT, "2004 TOYT CAM WHI", True))
    detail = svc.view(kim, hit.id)
    assert detail.yq.state == "waiting"
    assert next(c for c in detail.checklist if c.key == "stolen_plate").done


def test_detail_compares_read_and_listed_plate(world):
    ctx, store, svc, kim, _ = world
    (hit,) = store.ingest(make_read("80X1234", state="NV")).hits
    detail = svc.view(kim, hit.id)
    assert detail.plate_comparison.lookalikes == 1 and detail.plate_comparison.describe().endswith("(O read as 0)")
    assert detail.entry.vehicle == "2019 HOND CIV BLK" and detail.colour_agreement.value == "match"
    assert detail.list_warning is None and detail.yq_applies  # agency ORI not set: everyone else's record
    assert detail.yq_prefill.get("RTY") == "SL"


def test_images_and_print_are_recorded(world):
    ctx, store, svc, kim, _ = world
    read = make_read("ABC1234")
    (hit,) = store.ingest(read).hits
    assert svc.image(kim, hit.id, "plate") == read.plate_jpeg
    svc.claim(kim, hit.id)
    svc.accept(kim, hit.id)
    ctx.clock.advance(minutes=1)
    printed = svc.print_report(kim, hit.id)
    assert printed.path.read_bytes().startswith(b"%PDF") and printed.size_bytes > 1000
    with ctx.uow() as uow:
        doc = uow.s.scalar(select(DocumentRow))
    assert doc.kind == "hit_report" and doc.sha256 == printed.sha256 and doc.related["hit_id"] == hit.id
    assert {"hit.image", "hit.print"} <= set(_actions(ctx))


def test_release_returns_the_hit_to_the_queue(world):
    ctx, store, svc, kim, lee = world
    (hit,) = store.ingest(make_read("ABC1234")).hits
    svc.claim(kim, hit.id)
    with pytest.raises(Conflict):
        svc.release(lee, hit.id)
    svc.release(kim, hit.id)
    assert svc.queue(lee)[0].status is HitStatus.NEW
    assert svc.claim(lee, hit.id).claimed_by_name == "disp.lee"


def test_no_future_notification_and_unit_ids_required(world):
    ctx, store, svc, kim, _ = world
    with pytest.raises(ValidationFailed):
        UnitsDispatched(("  ",))
    (hit,) = store.ingest(make_read("ABC1234")).hits
    svc.claim(kim, hit.id)
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))  # a recovery needs the NCIC confirmation
    svc.record(kim, hit.id, DispositionStep(Outcome.VEHICLE_RECOVERED))
    with pytest.raises(ValidationFailed):
        svc.record(kim, hit.id, AgencyNotified(ctx.clock.now() + timedelta(hours=1), "phone"))

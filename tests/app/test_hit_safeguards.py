"""Issue 9, verification and NCIC: each break attempt through HitService (the calls the console makes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.domain.errors import Conflict, ValidationFailed
from app.domain.hit_actions import HitAction, allowed_actions, refusal
from app.domain.hit_steps import (
    AgencyNotified,
    DispositionStep,
    NcicQuery,
    NcicResult,
    Outcome,
    SamePlateVehicle,
    StepKind,
    StolenPlateCheck,
    UnitsDispatched,
    VisualAccepted,
)
from app.domain.hits import HitStatus
from app.services.hits import HitService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from app.services.usage_reports import UsageReportService
from recognition.types import VehicleColour
from tests.app.hitkit import make_actor, make_read, seed_hotlist
from tests.app.records_fixtures import access_rows, pdf_text

REASON = "Officer on scene confirms the car and plate by radio"


@pytest.fixture
def world(ctx, tmp_path):
    matcher, _ids = seed_hotlist(ctx)
    images = ReadImages.open(ctx, tmp_path / "images")
    store = ReadStore(ctx, images.store, matcher)
    svc = HitService(ctx, images, tmp_path / "documents")
    return ctx, store, svc, make_actor(ctx, "disp.kim"), make_actor(ctx, "disp.lee")


def _hit(store, svc, actor, plate="ABC1234", **read):
    (hit,) = store.ingest(make_read(plate, **read)).hits
    svc.claim(actor, hit.id)
    return hit


# ---- verification -------------------------------------------------------------------------------
def test_accept_with_state_colour_and_lookalike_mismatch_needs_an_override(world, tmp_path):
    ctx, store, svc, kim, _ = world
    # Given a read of GA, a red car and a look-alike character against a listing of CA, black, ABC1234
    read = replace(make_read("ABC1Z34", state="GA"), colour=VehicleColour("RED", 0.8))
    (hit,) = store.ingest(read).hits
    svc.claim(kim, hit.id)
    # When the dispatcher presses accept without an override, or with a junk reason
    with pytest.raises(ValidationFailed, match="mismatch"):
        svc.accept(kim, hit.id)
    with pytest.raises(ValidationFailed):
        svc.accept(kim, hit.id, override_reason="xxxxxxxxxxxxxxxx")
    # Then only a typed override is accepted, and it is recorded as one
    step = svc.accept(kim, hit.id, override_reason=REASON)
    assert step.payload["override_reason"] == REASON
    assert any("state read GA, listed CA" in m for m in step.payload["mismatches"])
    assert any("colour" in m for m in step.payload["mismatches"])
    assert any("look-alike" in m for m in step.payload["mismatches"])
    assert "OVERRIDE" in step.describe() and step.describe() != "Visually verified: plate matches"
    assert [e.reason for e in access_rows(ctx, "hit.override.visual")] == [REASON]
    text = pdf_text(svc.print_report(kim, hit.id).path)
    assert "ACCEPTED BY OVERRIDE" in text and "accepted as visually verified" not in text.lower()
    assert "Override reason" in text and "Overrides and exceptions" in text


def test_mismatches_cannot_be_hidden_by_the_caller(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, state="GA")
    step = svc.record(kim, hit.id, VisualAccepted("", REASON, mismatches=()))
    assert step.payload["mismatches"] and "GA" in step.payload["mismatches"][0]


def test_a_clean_match_accepts_in_one_step(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim)
    step = svc.accept(kim, hit.id)
    assert step.describe() == "Visually verified: plate matches" and not access_rows(ctx, "hit.override.visual")


def test_low_read_confidence_is_a_mismatch(world):
    ctx, store, svc, kim, _ = world
    (hit,) = store.ingest(replace(make_read("ABC1234"), confidence=0.55)).hits
    svc.claim(kim, hit.id)
    with pytest.raises(ValidationFailed, match="low read confidence 55%"):
        svc.accept(kim, hit.id)


# ---- NCIC confirmation before dispatch ----------------------------------------------------------
@pytest.mark.parametrize("ncic", [None, NcicResult.CLEARED, NcicResult.NOT_ON_FILE])
def test_dispatch_needs_a_confirmed_ncic_query(world, ncic):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, plate="8OX1234", state="NV")  # stolen plate, no instructions
    svc.accept(kim, hit.id)
    if ncic is not None:
        svc.record(kim, hit.id, NcicQuery(ncic))
    with pytest.raises(ValidationFailed, match="NCIC"):
        svc.record(kim, hit.id, UnitsDispatched(("2A12",)))


def test_exigent_dispatch_needs_a_reason_and_is_flagged(world, tmp_path):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, plate="8OX1234", state="NV")
    svc.accept(kim, hit.id)
    with pytest.raises(ValidationFailed):
        svc.record(kim, hit.id, UnitsDispatched(("2A12",), exigent_reason="asap"))
    step = svc.record(kim, hit.id, UnitsDispatched(("2A12",), exigent_reason="Driver pointed a gun at a witness"))
    assert "EXIGENT" in step.describe()
    (row,) = access_rows(ctx, "hit.override.exigent")
    assert row.reason == "Driver pointed a gun at a witness"
    assert "EXIGENT dispatch" in pdf_text(svc.print_report(kim, hit.id).path)
    # the usage report of the period lists it
    start = ctx.clock.now() - timedelta(days=1)
    from app.domain.roles import Role
    clerk = make_actor(ctx, "clerk.ann", frozenset({Role.RECORDS_CLERK}))
    doc = UsageReportService(ctx, tmp_path / "docs").usage_report(clerk, start, start + timedelta(days=2), "test")
    text = pdf_text(doc.path)
    assert "Exigent dispatch" in text and "gun at a witness" in text
    # and the audit memo of the period flags it too
    from app.services.audits import AuditService
    auditor = make_actor(ctx, "aud.ina", frozenset({Role.AUDITOR}))
    audits = AuditService(ctx, tmp_path / "docs")
    audit = audits.start(auditor, start, start + timedelta(days=2))
    memo = " ".join(pdf_text(audits.complete(auditor, audit.id, "", "").path).split())
    assert "Overrides of hit safeguards in the period" in memo and "gun at a witness" in memo


def test_dispatch_after_outstanding_query(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, plate="8OX1234", state="NV")
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    svc.record(kim, hit.id, UnitsDispatched(("2A12",)))
    assert not access_rows(ctx, "hit.override.exigent")


def test_dispatch_needs_the_instructions_relayed(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim)  # "Stop only with probable cause"
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    with pytest.raises(ValidationFailed, match="probable cause"):
        svc.record(kim, hit.id, UnitsDispatched(("2A12",)))
    step = svc.record(kim, hit.id, UnitsDispatched(("2A12",), instructions_relayed=True))
    assert "instructions relayed" in step.describe()


# ---- stolen plate, closing, notification --------------------------------------------------------
def test_stolen_plate_hit_cannot_close_without_the_vehicle_match(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, plate="8OX1234", state="NV")
    svc.accept(kim, hit.id)
    with pytest.raises(Conflict, match="vehicle-match"):
        svc.record(kim, hit.id, DispositionStep(Outcome.NOT_LOCATED))
    svc.record(kim, hit.id, StolenPlateCheck(SamePlateVehicle.DIFFERENT, "2015 TOYT CAM WHI", True))
    svc.record(kim, hit.id, DispositionStep(Outcome.NOT_LOCATED))


def test_a_closed_hit_takes_no_more_workflow_steps(world):
    ctx, store, svc, kim, _ = world
    hit = _hit(store, svc, kim, plate="8OX1234", state="NV")
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, StolenPlateCheck(SamePlateVehicle.SAME))
    svc.record(kim, hit.id, DispositionStep(Outcome.NOT_LOCATED))
    for step in (NcicQuery(NcicResult.OUTSTANDING), UnitsDispatched(("2A12",), exigent_reason=REASON),
                 DispositionStep(Outcome.ARREST)):
        with pytest.raises(Conflict, match="closed"):
            svc.record(kim, hit.id, step)
    with pytest.raises(Conflict):
        svc.claim(kim, hit.id)
    detail = svc.view(kim, hit.id)
    acts = allowed_actions(detail.situation, kim.user_id, True, ctx.clock.now())
    assert acts == {HitAction.NOTE, HitAction.CORRECT, HitAction.PRINT}


def test_unnotified_recoveries_are_listed_with_their_age(world):
    ctx, store, svc, kim, lee = world
    hit = _hit(store, svc, kim)
    svc.accept(kim, hit.id)
    svc.record(kim, hit.id, NcicQuery(NcicResult.OUTSTANDING))  # a recovery needs the NCIC confirmation
    svc.record(kim, hit.id, DispositionStep(Outcome.VEHICLE_RECOVERED))
    other = _hit(store, svc, kim, plate="7XYZ001")
    svc.accept(kim, other.id)
    svc.record(kim, other.id, DispositionStep(Outcome.NOT_LOCATED))  # nothing to notify
    ctx.clock.advance(hours=3)

    (due,) = svc.notifications_due(lee)
    assert due.hit.id == hit.id and due.age_s == 3 * 3600 and due.ori == "CA0570200"
    assert "not been notified" in pdf_text(svc.print_report(kim, hit.id).path)
    # the next shift's dispatcher records the notification on the closed hit
    sit = svc.view(lee, hit.id).situation
    assert refusal(HitAction.NOTIFY, sit, lee.user_id, True) is None
    svc.record(lee, hit.id, AgencyNotified(ctx.clock.now(), "Nlets", "CA0570200 desk"))
    assert svc.notifications_due(lee) == []
    assert svc.summary(lee, hit.id).status is HitStatus.CLOSED


def test_actions_are_an_enum_decided_in_one_place(world):
    ctx, store, svc, kim, lee = world
    hit = _hit(store, svc, kim)
    sit = svc.view(kim, hit.id).situation
    assert allowed_actions(sit, kim.user_id, True) == {HitAction.ACCEPT, HitAction.REJECT, HitAction.NOTE,
                                                        HitAction.RELEASE, HitAction.PRINT}
    assert allowed_actions(sit, lee.user_id, True) == {HitAction.CLAIM, HitAction.PRINT}
    assert refusal(HitAction.ACCEPT, sit, lee.user_id, True) == f"Hit {hit.id} is claimed by disp.kim."
    with pytest.raises(Conflict, match="claimed by disp.kim"):
        svc.accept(lee, hit.id)
    assert StepKind.CLAIMED in {s.kind for s in sit.steps}

"""Session 25 break attempts on NCIC confirmation left open by the session 24 review (each seen failing first)."""

from __future__ import annotations

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.hit_steps import (
    DispositionStep,
    NcicQuery,
    NcicResult,
    Outcome,
    RejectReason,
    StepKind,
    YqPriority,
    YrAnswer,
    YrReceived,
)
from app.domain.hotlist_admin import EntryStatus
from tests.app.hitkit import make_read
from tests.app.records_fixtures import access_rows
from tests.app.test_adversary_s24_hits import REASON, _claimed_hit, _draft, w  # noqa: F401 - the same world

ENTERING_ORI = "CA0570200"  # the ORI of ABC1234's record in hitkit.seed_hotlist


def _asked(w):  # noqa: ANN001, ANN202, F811
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT)
    return hit


def test_a_yr_from_another_agency_is_not_recorded_as_the_answer(w):  # noqa: F811
    # DOMAIN: a YQ goes to the entering agency, answered by YR: a third agency cannot answer for its record
    hit = _asked(w)
    for answer in (YrAnswer.CONFIRMED, YrAnswer.DENIED):
        with pytest.raises(ValidationFailed, match=ENTERING_ORI):
            w.hits.record(w.disp, hit.id, YrReceived(answer, from_ori="NV0020000"))
    assert not [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.YR_RECEIVED]
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.CONFIRMED, from_ori=ENTERING_ORI.lower()))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))


def test_a_yr_without_an_ori_is_recorded_as_the_entering_agencys(w):  # noqa: F811
    hit = _asked(w)
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.CONFIRMED))
    (yr,) = [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.YR_RECEIVED]
    assert yr.payload["from_ori"] == ENTERING_ORI


def test_the_ncic_query_itself_is_still_enough_without_a_yq(w):  # noqa: F811
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))


def test_a_hit_on_a_partial_plate_is_accepted_only_with_an_override(w):  # noqa: F811
    # the characters the list leaves open cannot be verified: the panel says so and Accept needs a reason
    entry = w.hl.submit_local(w.disp, _draft(plate="7AB*23", major_crime=True))
    w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    hit = _claimed_hit(w, "7ABQ23")
    with pytest.raises(ValidationFailed, match="partial plate"):
        w.hits.accept(w.disp, hit.id)
    w.hits.accept(w.disp, hit.id, override_reason=REASON)
    (accepted,) = [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.VISUAL_ACCEPTED]
    assert "partial plate" in " ".join(accepted.payload["mismatches"])


# ---- withdrawing a local entry (vehicle found, case closed, entered in error) -------------------------
WHY = "Vehicle located and towed, case cleared"


def _active_bolo(w, **kw):  # noqa: ANN001, ANN202, F811
    entry = w.hl.submit_local(w.disp, _draft(**kw))
    return w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")


def test_a_withdrawn_bolo_stops_alerting_at_once_and_is_recorded(w):  # noqa: F811
    entry = _active_bolo(w)
    assert w.store.ingest(make_read("7ABC123")).hits
    done = w.hl.withdraw_local(w.disp, entry.id, WHY, revision=entry.revision)
    assert done.status is EntryStatus.WITHDRAWN
    assert not w.store.ingest(make_read("7ABC123")).hits
    assert [r.action for r in w.hl.revisions(w.sup, entry.id)][-1] == "withdraw"
    (row,) = access_rows(w.ctx, "hotlist.local_withdraw")
    assert row.outcome == "ok" and row.reason == WHY and row.username == "disp1"


def test_withdrawing_needs_a_reason_the_entry_as_seen_and_the_right_person(w):  # noqa: F811
    entry = _active_bolo(w)
    with pytest.raises(ValidationFailed):
        w.hl.withdraw_local(w.disp, entry.id, "x")
    with pytest.raises(PermissionDenied):  # another dispatcher: neither entered nor requested it
        w.hl.withdraw_local(w.disp2, entry.id, WHY)
    with pytest.raises(Conflict, match="changed"):
        w.hl.withdraw_local(w.disp, entry.id, WHY, revision=entry.revision - 1)
    assert w.hl.entry(w.sup, entry.id).status is EntryStatus.ACTIVE
    assert w.hl.withdraw_local(w.sup, entry.id, WHY).status is EntryStatus.WITHDRAWN  # a supervisor may
    refused = [r for r in access_rows(w.ctx, "hotlist.local_withdraw") if r.outcome == "refused"]
    assert len(refused) == 2


def test_a_withdrawn_entry_cannot_come_back_by_an_edit_and_an_approval(w):  # noqa: F811
    entry = _active_bolo(w)
    w.hl.withdraw_local(w.disp, entry.id, WHY)
    with pytest.raises(Conflict, match="withdrawn"):
        w.hl.edit_local(w.disp, entry.id, _draft(synopsis="Armed robbery, suspect seen again"))
    with pytest.raises(Conflict):
        w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    with pytest.raises(Conflict):
        w.hl.withdraw_local(w.disp, entry.id, WHY)
    assert not w.store.ingest(make_read("7ABC123")).hits


def test_imported_entries_are_not_withdrawn_here(w):  # noqa: F811
    with pytest.raises(Conflict, match="entering agency"):
        w.hl.withdraw_local(w.sup, w.ids["ABC1234"], WHY)


def test_a_pending_entry_withdrawn_leaves_the_inbox(w):  # noqa: F811
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.withdraw_local(w.disp, entry.id, "Entered the wrong plate by mistake")
    assert entry.id not in {e.id for e in w.hl.pending(w.sup2)}


def test_a_session_that_ends_hands_its_held_open_hits_back(w):  # noqa: F811
    held = _claimed_hit(w)
    other = _claimed_hit(w, "7XYZ001", actor=w.disp2)  # someone else's: untouched
    closed = _claimed_hit(w, "8OX1234", state="NV")
    w.hits.reject(w.disp, closed.id, RejectReason.MISREAD)  # closed: stays with its holder
    assert w.hits.hand_back_at_sign_out(w.disp, "session_revoked") == [held.id]
    assert w.hits.summary(w.sup, held.id).claimed_by is None
    assert w.hits.summary(w.sup, other.id).claimed_by == w.disp2.user_id
    assert w.hits.summary(w.sup, closed.id).claimed_by == w.disp.user_id
    rows = [r for r in access_rows(w.ctx, "hit.release") if "sign-out" in (r.reason or "")]
    assert len(rows) == 1 and rows[0].username == "disp1"
    assert w.hits.hand_back_at_sign_out(w.disp, "session_revoked") == []


def test_a_script_approves_an_edited_entry_only_naming_the_revision_it_reviewed(w):  # noqa: F811
    # the inbox passes the revision on screen; a script that passes none approved whatever was there by then
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.edit_local(w.disp, entry.id, _draft(plate="7ABC999"))
    with pytest.raises(Conflict, match="revision"):
        w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    assert w.hl.entry(w.sup, entry.id).status is EntryStatus.PENDING
    w.hl.decide(w.sup2, entry.id, False, "Plate not confirmed by the detective")  # denying needs no revision
    fresh = w.hl.submit_local(w.disp, _draft(plate="5XYZ789"))
    assert w.hl.decide(w.sup2, fresh.id, True, "Checked with the detective").status is EntryStatus.ACTIVE

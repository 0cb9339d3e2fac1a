"""Session 24 adversarial review of hits, NCIC confirmation and hot-list entry administration.

Each test is a break attempt through the service calls the console makes (HitService, HotListService)
on a real database; the rule and its policy clause are named on each test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.hit_steps import (
    AgencyNotified,
    DispositionStep,
    NcicQuery,
    NcicResult,
    Outcome,
    SamePlateVehicle,
    StolenPlateCheck,
    UnitsDispatched,
    VisualAccepted,
    YqPriority,
    YqSent,
    YrAnswer,
    YrReceived,
)
from app.domain.hotlist_admin import EntryStatus, LocalEntryDraft
from app.domain.hotlists.records import RecordCategory
from app.domain.roles import Role
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.hits import HitService
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from tests.app.conftest import current_training, signed_in
from tests.app.hitkit import make_read, seed_hotlist
from tests.app.records_fixtures import access_rows, pdf_text

PW = "correct horse battery"
REASON = "Officer on scene confirms the car and plate by radio"


class World:
    pass


@pytest.fixture
def w(ctx, tmp_path, fast_hashing):
    accounts = AccountService(ctx, fast_hashing)
    admin = AdministrationService(ctx, fast_hashing)
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    sup = signed_in(accounts, "sup1", PW)
    for name, full, role in (("sup2", "Sue Second", Role.SUPERVISOR), ("disp1", "Dana Dispatcher", Role.DISPATCHER),
                             ("disp2", "Dale Dispatcher", Role.DISPATCHER),
                             ("inv1", "Ivy Investigator", Role.INVESTIGATOR)):
        admin.create_user(sup, name, full, PW, frozenset({role}), training=current_training())
    _matcher, ids = seed_hotlist(ctx)  # NCIC entries, TERR123 is covert (gang/terrorist)
    holder = HotListIndexHolder(ctx)
    holder.rebuild()
    images = ReadImages.open(ctx, tmp_path / "images")
    x = World()
    x.ctx, x.ids, x.holder = ctx, ids, holder
    x.hl = HotListService(ctx, holder)
    x.store = ReadStore(ctx, images.store, holder.matcher)
    x.hits = HitService(ctx, images, tmp_path / "documents")
    x.sup, x.sup2 = sup, signed_in(accounts, "sup2", PW)
    x.disp, x.disp2 = signed_in(accounts, "disp1", PW), signed_in(accounts, "disp2", PW)
    x.inv = signed_in(accounts, "inv1", PW)
    return x


def _draft(**kw) -> LocalEntryDraft:
    base = dict(requesting_officer="Ofc. Ana Reyes", requesting_agency="Metro PD", case_number="26-001234",
                synopsis="Armed robbery at 5th and Main", category=RecordCategory.LOCAL_BOLO, priority=2,
                plate="7ABC123", state="CA")
    base.update(kw)
    return LocalEntryDraft(**base)


def _claimed_hit(w, plate="ABC1234", actor=None, **read):
    (hit,) = w.store.ingest(make_read(plate, **read)).hits
    w.hits.claim(actor or w.disp, hit.id)
    return hit


# ---- covert entries: who may see them (000 433.4(e); DOMAIN "Hit priorities" 3: covert) ---------------
def test_covert_entries_are_not_browsable_without_the_covert_privilege(w):
    terr = w.ids["TERR123"]
    for who in (w.disp, w.inv):
        assert "TERR123" not in {e.plate for e in w.hl.entries_page(who)}
        assert w.hl.entries_page(who, plate_prefix="TERR") == []
        with pytest.raises(PermissionDenied):
            w.hl.entry(who, terr)
        with pytest.raises(PermissionDenied):
            w.hl.revisions(who, terr)
    assert w.hl.entry_count(w.disp) == w.hl.entry_count(w.sup) - 1
    refused = [r for r in access_rows(w.ctx, "hotlist.entry_view") if r.outcome == "refused"]
    assert refused and {r.object_id for r in refused} == {str(terr)}
    # the privileged still see it
    assert w.hl.entry(w.sup, terr).plate == "TERR123"
    assert "TERR123" in {e.plate for e in w.hl.entries_page(w.sup, plate_prefix="TERR")}


def test_a_covert_local_entry_is_entered_and_changed_only_by_the_privileged(w):
    covert = _draft(category=RecordCategory.GANG_TERRORIST, priority=3)
    with pytest.raises(PermissionDenied):
        w.hl.submit_local(w.disp, covert)
    entry = w.hl.submit_local(w.sup, covert)
    with pytest.raises(PermissionDenied):
        w.hl.edit_local(w.disp, entry.id, _draft(category=RecordCategory.LOCAL_BOLO))
    with pytest.raises(PermissionDenied):  # nor turn an ordinary entry into a covert one
        mine = w.hl.submit_local(w.disp, _draft(plate="8DEF456"))
        w.hl.edit_local(w.disp, mine.id, _draft(plate="8DEF456", category=RecordCategory.GANG_TERRORIST))
    assert w.hl.entry(w.sup2, entry.id).category == "gang_terrorist"


# ---- two-person rule (002 IV.I.5) ------------------------------------------------------------------
def test_an_earlier_edit_in_the_same_approval_round_still_bars_the_editor(w):
    # Given a dispatcher's BOLO whose plate supervisor 1 changed, and the dispatcher then touched again
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.edit_local(w.sup, entry.id, _draft(plate="7ABC999"))
    w.hl.edit_local(w.disp, entry.id, _draft(plate="7ABC999", synopsis="Armed robbery at 5th and Main, 2 suspects"))
    # When supervisor 1 approves the content he wrote
    with pytest.raises(Conflict, match="changed this entry"):
        w.hl.decide(w.sup, entry.id, True, "Looks right to me")
    # Then it stays pending and only an uninvolved supervisor may decide it
    assert w.hl.entry(w.sup2, entry.id).status is EntryStatus.PENDING
    assert w.hl.decide(w.sup2, entry.id, True, "Checked with the detective",
                       revision=3).status is EntryStatus.ACTIVE


def test_an_edit_approved_by_someone_else_does_not_bar_the_editor_forever(w):
    """Guard (held on the first run): the round resets at each decision, so the rule is not over-broad."""
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.edit_local(w.sup, entry.id, _draft(plate="7ABC999"))
    w.hl.decide(w.sup2, entry.id, True, "Checked with the detective", revision=2)
    w.hl.edit_local(w.disp, entry.id, _draft(plate="7ABC999", synopsis="Armed robbery, suspect vehicle grey"))
    assert w.hl.decide(w.sup, entry.id, True, "Checked the change with the detective",
                       revision=3).status is EntryStatus.ACTIVE


# ---- stale revision: two consoles ------------------------------------------------------------------
def test_an_approval_of_a_revision_that_changed_meanwhile_is_refused(w):
    entry = w.hl.submit_local(w.disp, _draft())
    seen = w.hl.pending(w.sup2)[0]  # the supervisor's inbox shows revision 1
    w.hl.edit_local(w.disp2, entry.id, _draft(plate="9ZZZ999"))  # another console changes the plate
    with pytest.raises(Conflict, match="changed"):
        w.hl.decide(w.sup2, entry.id, True, "Plate checked with detective", revision=seen.revision)
    assert w.hl.entry(w.sup, entry.id).status is EntryStatus.PENDING
    assert not w.holder.matcher.match("9ZZZ999", "CA")
    refused = [r for r in access_rows(w.ctx, "hotlist.approve")]
    assert [r.outcome for r in refused] == ["refused"]
    assert w.hl.decide(w.sup2, entry.id, True, "Plate checked with detective",
                       revision=seen.revision + 1).status is EntryStatus.ACTIVE


def test_two_consoles_editing_the_same_entry_do_not_lose_an_update(w):
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.edit_local(w.disp, entry.id, _draft(synopsis="Armed robbery, suspect has a knife"), revision=1)
    with pytest.raises(Conflict, match="changed"):
        w.hl.edit_local(w.disp2, entry.id, _draft(plate="7ABC124"), revision=1)
    after = w.hl.entry(w.sup, entry.id)
    assert (after.revision, after.plate, after.synopsis) == (2, "7ABC123", "Armed robbery, suspect has a knife")


# ---- partial plates only for major crimes (000/001/004 433.4(c), 002 IV.G) ------------------------------
@pytest.mark.parametrize("category", [RecordCategory.STOLEN_PLATE, RecordCategory.ADMINISTRATIVE,
                                      RecordCategory.SEX_OFFENDER])
def test_a_partial_plate_needs_a_major_crime_category_not_only_the_tick(w, category):
    with pytest.raises(ValidationFailed, match="major"):
        w.hl.submit_local(w.disp, _draft(plate="7AB*23", major_crime=True, category=category, priority=6))
    entry = w.hl.submit_local(w.disp, _draft())
    with pytest.raises(ValidationFailed, match="major"):
        w.hl.edit_local(w.disp, entry.id, _draft(plate="7AB*23", major_crime=True, category=category, priority=6))


# ---- expiry --------------------------------------------------------------------------------------
def test_an_entry_that_expired_while_pending_cannot_be_approved(w):
    entry = w.hl.submit_local(w.disp, _draft(expires_on=date(2026, 11, 4)))
    w.ctx.clock.advance(days=3)  # the expiry job has not run yet
    with pytest.raises(Conflict, match="expired"):
        w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    assert w.hl.entry(w.sup, entry.id).status is EntryStatus.PENDING


# ---- closing as confirmed without NCIC confirmation (002 IV.I.1, IV.J.1-2; 000 433.4(f)) --------------
@pytest.mark.parametrize("outcome", [Outcome.ARREST, Outcome.VEHICLE_RECOVERED])
def test_an_arrest_or_recovery_needs_the_ncic_confirmation(w, outcome):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    with pytest.raises(ValidationFailed, match="NCIC"):
        w.hits.record(w.disp, hit.id, DispositionStep(outcome))
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, DispositionStep(outcome))


def test_a_denied_yr_blocks_an_arrest_disposition(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT)
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.DENIED, from_ori="CA0570200"))
    with pytest.raises(ValidationFailed, match="NCIC"):
        w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.NOT_LOCATED))


def test_a_correction_cannot_turn_a_closed_hit_into_an_unconfirmed_arrest(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    closed = w.hits.record(w.disp, hit.id, DispositionStep(Outcome.NOT_LOCATED))
    with pytest.raises(ValidationFailed, match="NCIC"):
        w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST), corrects_step_id=closed.id)
    assert w.hits.summary(w.disp, hit.id).disposition == "not_located"
    assert [r.outcome for r in access_rows(w.ctx, "hit.step.disposition")] == ["ok"]


def test_an_exigent_dispatch_carries_an_arrest_without_ncic(w):
    """Guard: the exigent path of 002 IV.I.1 stays open (recorded as an override at the dispatch)."""
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",), instructions_relayed=True,
                                                  exigent_reason="Driver pointed a gun at a witness"))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))


# ---- dispatch on a local entry withdrawn since the hit (002 IV.I.1 "still ... of interest") ----------
def _local_hit(w):
    entry = w.hl.submit_local(w.disp, _draft(plate="5LOC123", priority=4))
    w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    hit = _claimed_hit(w, "5LOC123", actor=w.disp2)
    w.hits.accept(w.disp2, hit.id)
    w.hits.record(w.disp2, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    return entry, hit


def test_no_dispatch_on_a_bolo_withdrawn_for_review_since_the_hit(w):
    entry, hit = _local_hit(w)
    w.hl.edit_local(w.disp, entry.id, _draft(plate="5LOC123", priority=4, synopsis="Robbery: suspect arrested"))
    with pytest.raises(ValidationFailed, match="no longer"):
        w.hits.record(w.disp2, hit.id, UnitsDispatched(("2A12",)))
    with pytest.raises(ValidationFailed, match="no longer"):
        w.hits.record(w.disp2, hit.id, DispositionStep(Outcome.ARREST))
    w.hits.record(w.disp2, hit.id, UnitsDispatched(("2A12",), exigent_reason="Driver pointed a gun at a witness"))


def test_no_dispatch_on_a_bolo_that_expired_since_the_hit(w):
    entry, hit = _local_hit(w)
    w.ctx.clock.advance(days=31)  # default life 30 days; the expiry job has not run
    with pytest.raises(ValidationFailed, match="no longer"):
        w.hits.record(w.disp2, hit.id, UnitsDispatched(("2A12",)))


def test_dispatch_on_a_bolo_still_in_force(w):
    """Guard: an approved, unexpired BOLO confirmed by the dispatcher dispatches normally."""
    _entry, hit = _local_hit(w)
    w.hits.record(w.disp2, hit.id, UnitsDispatched(("2A12",)))


# ---- the YQ as recorded is what was asked (DOMAIN "NCIC hit confirmation": only fields that fit) --------
@pytest.mark.parametrize("fields,why", [
    ((("RTY", "WP"), ("RNO", "1"), ("PRI", "U"), ("NIC", "V123456789")), "request type"),
    ((("RTY", "SV"), ("RNO", "3"), ("PRI", "U")), "request number"),
    ((("RTY", "SV"), ("RNO", "1"), ("PRI", "R")), "priority"),
    ((("RTY", "SV"), ("RNO", "1"), ("PRI", "U"), ("DOB", "19800101")), "DOB"),
    ((("RTY", "SV"), ("RNO", "1"), ("PRI", "U"), ("LIC", "ABCDEFGHIJK")), "LIC"),
    ((("RTY", "SV"), ("RNO", "1"), ("PRI", "U"), ("NIC", "V12")), "NIC"),
    ((("RNO", "1"), ("PRI", "U")), "request type"),
])
def test_a_yq_records_only_fields_that_fit_its_request(w, fields, why):
    hit = _claimed_hit(w)  # stolen vehicle: RTY SV
    w.hits.accept(w.disp, hit.id)
    with pytest.raises(ValidationFailed, match=why):
        w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT, fields)
    assert not [r for r in access_rows(w.ctx, "hit.step.yq_sent") if r.outcome == "ok"]
    sent = w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT,
                          (("RTY", "SV"), ("RNO", "1"), ("PRI", "U"), ("LIC", "ABC1234"), ("LIS", "CA")))
    assert dict(sent.payload["fields"])["LIC"] == "ABC1234"


def test_a_yq_request_number_is_the_next_one_whatever_the_caller_says(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, YqSent(YqPriority.URGENT, 1))
    w.ctx.clock.advance(minutes=11)
    with pytest.raises(ValidationFailed, match="request number"):
        w.hits.record(w.disp, hit.id, YqSent(YqPriority.URGENT, 1))
    assert w.hits.record(w.disp, hit.id, YqSent(YqPriority.URGENT, 2)).payload["rno"] == 2


# ---- absurd times in the confirmation log (every step timestamped: 002 IV.J; DOMAIN YQ/YR deadlines) ------
def test_a_will_confirm_promise_must_be_a_near_future_time(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT)
    now = w.ctx.clock.now()
    for when in (now - timedelta(hours=1), now + timedelta(days=400)):  # silences the overdue YQ prompt
        with pytest.raises(ValidationFailed, match="confirm by"):
            w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.WILL_CONFIRM, when))
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.WILL_CONFIRM, now + timedelta(minutes=30)))


def test_a_dispatch_cannot_be_backdated_before_the_hit_or_put_in_the_future(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    now = w.ctx.clock.now()
    for when in (now - timedelta(days=1), now + timedelta(hours=1)):
        with pytest.raises(ValidationFailed, match="dispatch time"):
            w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",), when, instructions_relayed=True))
    w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",), instructions_relayed=True))


def test_an_agency_notification_cannot_predate_the_hit(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.VEHICLE_RECOVERED))
    with pytest.raises(ValidationFailed, match="before the hit"):
        w.hits.record(w.disp, hit.id, AgencyNotified(w.ctx.clock.now() - timedelta(days=3), "Nlets"))
    assert [d.hit.id for d in w.hits.notifications_due(w.disp)] == [hit.id]


# ---- state and visibility checks the service skipped ----------------------------------------------
def test_a_closed_hit_cannot_be_released_out_of_reach_of_corrections(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    closed = w.hits.record(w.disp, hit.id, DispositionStep(Outcome.NOT_LOCATED))
    with pytest.raises(Conflict, match="closed"):
        w.hits.release(w.disp, hit.id)
    assert w.hits.summary(w.disp, hit.id).claimed_by == w.disp.user_id
    assert not access_rows(w.ctx, "hit.release")
    # the holder can still correct the disposition
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.MISREAD), corrects_step_id=closed.id)


def test_an_exigent_dispatch_stays_on_the_report_after_a_correction(w):
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    exigent = w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",), instructions_relayed=True,
                                                            exigent_reason="Driver pointed a gun at a witness"))
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    # the dispatcher "corrects" the dispatch into an ordinary one now that NCIC has confirmed
    w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",), instructions_relayed=True), corrects_step_id=exigent.id)
    text = pdf_text(w.hits.print_report(w.disp, hit.id).path)
    assert "EXIGENT dispatch" in text and "gun at a witness" in text


def test_an_edit_that_changes_nothing_does_not_take_an_approved_bolo_off_the_air(w):
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    assert w.holder.matcher.match("7ABC123", "CA")
    with pytest.raises(ValidationFailed, match="Nothing was changed"):
        w.hl.edit_local(w.disp2, entry.id, _draft(synopsis="  Armed robbery at 5th and Main "))
    after = w.hl.entry(w.sup, entry.id)
    assert (after.status, after.revision) == (EntryStatus.ACTIVE, 1)
    assert w.holder.matcher.match("7ABC123", "CA")
    assert not access_rows(w.ctx, "hotlist.local_edit")


def test_hit_actions_end_with_the_training_or_the_account(w):
    """Guard (held): 002 IV.A / 000 433.4(d) for the hit workflow itself, not only searches."""
    from app.domain.errors import SessionRevoked
    from app.persistence.repositories.users import UserRepository

    hit = _claimed_hit(w)
    w.ctx.clock.advance(days=400)  # training lapses while the hit is held
    with pytest.raises(SessionRevoked):
        w.hits.accept(w.disp, hit.id)
    w.ctx.clock.advance(days=-400)
    with w.ctx.uow() as uow:
        UserRepository(uow.s).set_active(w.disp.user_id, False, w.ctx.clock.now())
    with pytest.raises(SessionRevoked):
        w.hits.accept(w.disp, hit.id)
    assert [s.kind.value for s in w.hits.view(w.sup, hit.id).steps] == ["claimed"]
    assert {r.outcome for r in access_rows(w.ctx, "hit.step.visual_accepted")} == {"refused"}


def test_an_entry_is_decided_once(w):
    """Guard (held): approving twice, or after a denial or the expiry job, is refused and recorded as refused."""
    approved = w.hl.submit_local(w.disp, _draft())
    w.hl.decide(w.sup2, approved.id, True, "Checked with the detective")
    denied = w.hl.submit_local(w.disp, _draft(plate="8DEF456"))
    w.hl.decide(w.sup2, denied.id, False, "No case behind it")
    expired = w.hl.submit_local(w.disp, _draft(plate="9GHI789", expires_on=date(2026, 11, 3)))
    w.ctx.clock.advance(days=2)
    w.hl.expire(w.sup)
    for entry_id in (approved.id, denied.id, expired.id):
        with pytest.raises(Conflict, match="not pending"):
            w.hl.decide(w.sup, entry_id, True, "Approving again")
    assert [r.outcome for r in access_rows(w.ctx, "hotlist.approve")].count("refused") == 3
    assert [r.outcome for r in access_rows(w.ctx, "hotlist.approve")].count("ok") == 1


@pytest.mark.parametrize("make", [
    lambda: YrReceived(YrAnswer.CONFIRMED, from_ori="CA0570200 AND SOME MORE"),
    lambda: YrReceived(YrAnswer.CONFIRMED, note="x" * 5000),
    lambda: NcicQuery(NcicResult.OUTSTANDING, note="x" * 5000),
    lambda: VisualAccepted(note="x" * 5000),
])
def test_step_texts_have_the_limits_of_their_fields(make):
    """The YR dialog refuses an ORI over 9 characters; the step itself did not (nor unbounded notes)."""
    with pytest.raises(ValidationFailed):
        make()


def test_a_dispatched_stolen_plate_hit_closes_only_once_the_units_were_told_what_it_comes_back_to(w):
    """002 IV.J.3: the dispatched units are advised whether the stolen plate comes back to the same vehicle."""
    hit = _claimed_hit(w, "8OX1234", state="NV")
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, UnitsDispatched(("2A12",)))
    w.hits.record(w.disp, hit.id, StolenPlateCheck(SamePlateVehicle.DIFFERENT, "2015 TOYT CAM WHI", False))
    with pytest.raises(Conflict, match="units"):
        w.hits.record(w.disp, hit.id, DispositionStep(Outcome.NOT_LOCATED))
    w.hits.record(w.disp, hit.id, StolenPlateCheck(SamePlateVehicle.DIFFERENT, "2015 TOYT CAM WHI", True))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.NOT_LOCATED))


def test_reading_an_entrys_history_is_recorded_like_reading_the_entry(w):
    """DESIGN "Every access is recorded"; 462.6 / 433.6(a): the history shows every version's plate and case."""
    entry = w.hl.submit_local(w.disp, _draft())
    w.hl.edit_local(w.disp, entry.id, _draft(plate="7ABC124"))
    w.hl.revisions(w.inv, entry.id)
    (row,) = access_rows(w.ctx, "hotlist.revisions")
    assert (row.user_id, row.object_id, row.terms, row.outcome) == (w.inv.user_id, str(entry.id), "7ABC124", "ok")

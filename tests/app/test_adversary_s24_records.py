"""Session 24 adversarial review of records, audits, the access log and accounts.

Each test tries to break one policy rule through the service calls the UI makes, on a real
database. The policy clause is named in each test's docstring.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain.errors import Conflict, ValidationFailed
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.releases import ReleaseIntake, ReleaseScope
from app.domain.records.search import SearchCriteria, SearchReason
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.administration import AdministrationService
from app.services.passwords import PasswordHashing
from tests.app.conftest import ready_user
from tests.app.records_fixtures import (  # noqa: F401
    access_rows,
    add_hit,
    add_read,
    found,
    make_world,
    rctx,
    records_template_db,
)

REASON = SearchReason(purpose="Criminal investigation", case_number="26-001234")
OCT = datetime(2026, 10, 3, 9, tzinfo=UTC)


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _user(w, name: str, roles: set[Role]) -> Actor:
    with w.ctx.uow() as uow:
        user = UserRepository(uow.s).add(name, name.title(), "x", frozenset(roles), None, w.ctx.clock.now())
    ready_user(w.ctx, user.id)
    return Actor.of(user, "TEST-WS")


def _searches(w, actor, n, when, prefix="AU"):
    for i in range(n):
        w.ctx.clock.t = when + timedelta(hours=i)
        w.svc.search.search(actor, REASON, SearchCriteria(plate=parse_plate_pattern(f"{prefix}{i:03d}")))


def _intake(**kw) -> ReleaseIntake:
    base = dict(agency="Metro Police Department", requester_name="Det. Pat Lee", purpose="Robbery investigation",
                legal_basis="Law enforcement request", ori="TX0000001", requester_title="Detective",
                requester_contact="plee@metro.example", case_number="M-77", scope=ReleaseScope(plates=("REL123",)))
    base.update(kw)
    return ReleaseIntake(**base)


# --- monthly audits (002 IV.Q.2) ---------------------------------------------------------------------------


def test_an_audit_of_a_sliver_of_the_month_does_not_clear_the_month(w):
    """002 IV.Q.2: an audit of each month's inquiries. An audit of one empty hour must not hide the month."""
    _searches(w, w.inv, 12, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    sliver = w.svc.audits.start(w.auditor, start, start + timedelta(hours=1))
    assert sliver.population == 0
    w.svc.audits.complete(w.auditor, sliver.id, "", "Nothing to sample")
    missed = w.svc.audits.overdue(w.auditor)
    assert (start, datetime(2026, 11, 1, tzinfo=UTC)) in missed
    # the month's own audit can still be drawn: it samples what the sliver did not cover
    month = w.svc.audits.start(w.auditor)
    assert month.population == 12 and len(month.items) == 10
    with pytest.raises(Conflict, match="drawn already"):
        w.svc.audits.start(w.auditor)
    assert (start, datetime(2026, 11, 1, tzinfo=UTC)) not in w.svc.audits.overdue(w.auditor)


def test_an_auditor_cannot_judge_their_own_sampled_inquiry(w):
    """002 IV.Q.2: inquiries are checked by the audit, not by the member who made them."""
    both = _user(w, "invaud", {Role.INVESTIGATOR, Role.AUDITOR})
    _searches(w, both, 10, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)  # invaud's inquiries are in the sample: the auditor did not make them
    mine = [i for i in audit.items if i.username == "invaud"]
    assert mine
    with pytest.raises(Conflict, match="own"):
        w.svc.audits.mark(both, mine[0].id, True, "")
    assert w.svc.audits.get(w.auditor, audit.id).items[0].compliant is None


# --- accounts ----------------------------------------------------------------------------------------------


def test_an_administrator_cannot_grant_themselves_a_role(w):
    """Separation of duties (DESIGN roles; 003 462.4 authorized users): nobody widens their own access."""
    me, admin = w.sup, AdministrationService(w.ctx, PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1))
    with pytest.raises(Conflict, match="own"):
        admin.update_user(me, me.user_id, "Sup1", None, frozenset({Role.SUPERVISOR, Role.INVESTIGATOR}))
    with w.ctx.uow() as uow:
        assert UserRepository(uow.s).get(me.user_id).roles == frozenset({Role.SUPERVISOR})
    # another administrator may
    admin.update_user(w.sup2, me.user_id, "Sup1", None, frozenset({Role.SUPERVISOR, Role.INVESTIGATOR}))


# --- evidence holds (000 433.5, 003 462.12) ---------------------------------------------------------------


def test_the_member_who_placed_a_hold_cannot_release_it(w):
    """Holds: released by an administrator, never by the member who placed it (a second person)."""
    both = _user(w, "supinv", {Role.SUPERVISOR, Role.INVESTIGATOR})
    rid = add_read(w, "HOLD01", w.ctx.clock.now() - timedelta(days=1))
    found(w, both, [rid])
    hold = w.svc.holds.place(both, "26-001234", "Evidence in a burglary case", None, [rid])
    with pytest.raises(Conflict, match="placed"):
        w.svc.holds.release(both, hold.id, "Case closed by the prosecutor")
    assert w.svc.holds.release(w.sup, hold.id, "Case closed by the prosecutor").active is False


def test_a_hold_on_reads_that_do_not_exist_is_refused(w):
    """A hold protects stored data: a hold naming purged or never-stored reads protects nothing."""
    rid = add_read(w, "HOLD02", w.ctx.clock.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="exist"):
        w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid, rid + 1000])


# --- release of data (003 462.14, Civil Code 1798.90.55) ----------------------------------------------------


def test_california_never_approves_a_release_to_a_private_requester(w):
    """Civil Code 1798.90.55(b): a California agency shares ALPR data only with public agencies."""
    w.svc.retention.set_jurisdiction(w.sup, "california", "The agency is under Government Code 34090")
    assert w.svc.releases.public_agencies_only()
    req = w.svc.releases.intake(w.clerk, _intake(agency="Acme Repo LLC", law_enforcement=False,
                                                 public_agency=False))
    with pytest.raises(Conflict, match="public agencies"):
        w.svc.releases.review(w.sup, req.id, True, "They have a lien on the vehicle")
    with pytest.raises(Conflict, match="California"):
        w.svc.releases.set_public_agencies_only(w.sup, False)


def test_an_approved_release_is_not_fulfilled_once_sharing_is_restricted(w):
    """1798.90.55(b): the restriction binds the release itself, not only the review."""
    add_read(w, "REL123", w.ctx.clock.now() - timedelta(days=1))
    req = w.svc.releases.intake(w.clerk, _intake(agency="Acme Repo LLC", public_agency=False))
    w.svc.releases.review(w.sup, req.id, True, "Approved before the restriction")
    w.svc.releases.set_public_agencies_only(w.sup, True)
    with pytest.raises(Conflict, match="public agencies"):
        w.svc.releases.fulfil(w.clerk, req.id)
    assert [r.outcome for r in access_rows(w.ctx, "release.fulfil")] == ["refused"]


def test_a_release_packet_holds_nothing_captured_after_the_approval(w):
    """003 462.14(b): the request is reviewed and approved before it is fulfilled: what was approved, no more."""
    now = w.ctx.clock.now()
    add_read(w, "REL123", now - timedelta(days=1))
    req = w.svc.releases.intake(w.clerk, _intake(scope=ReleaseScope(plates=("REL123",),
                                                                     start=now - timedelta(days=5))))
    w.svc.releases.review(w.sup, req.id, True, "Verified law enforcement purpose")
    w.ctx.clock.advance(days=10)
    add_read(w, "REL123", w.ctx.clock.now() - timedelta(hours=1))  # captured after the approval
    w.svc.releases.fulfil(w.clerk, req.id)
    assert access_rows(w.ctx, "release.fulfil")[0].detail["reads"] == 1


# --- the access record's tamper evidence (003 462.6, 000 433.6(a)) ------------------------------------------


def test_wiping_every_checkpoint_and_the_newest_rows_is_detected(ctx, engine):
    """A record cut short and stripped of its signed checkpoints must not verify as intact."""
    actor = Actor(None, "tester", "WS1")
    for i in range(12):
        audit_trail.record_alone(ctx, actor, "search", terms=f"ABC{i}", reason="case 26-123")
        ctx.clock.advance(seconds=1)
    assert audit_trail.verify_chain(ctx).intact
    with engine.begin() as c:
        c.execute(text("delete from access_checkpoints"))
        c.execute(text("delete from access_log where id > 9"))
    verdict = audit_trail.verify_chain(ctx)
    assert not verdict.intact, verdict.describe()
    audit_trail.record_alone(ctx, actor, "search", terms="LATER", reason="case 26-123")
    assert not audit_trail.verify_chain(ctx).intact


def test_a_hold_reaches_only_reads_the_investigator_found_by_a_recorded_inquiry(w, tmp_path):
    """002 IV.Q.1, 000 433.4(g): detection browsing needs a recorded inquiry (with its reason), which the
    monthly audit samples. Holding and exporting read ids never found by a search bypassed both."""
    rid = add_read(w, "HOLD03", w.ctx.clock.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="inquir"):
        w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid])
    assert not access_rows(w.ctx, "evidence.export")
    # found by a recorded inquiry first, it may be held
    w.svc.search.search(w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("HOLD03")))
    assert w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid]).read_ids == (rid,)
    # another investigator's inquiry does not open it to this one
    other = _user(w, "inv2", {Role.INVESTIGATOR})
    with pytest.raises(ValidationFailed, match="inquir"):
        w.svc.holds.place(other, "26-001234", "Evidence in a burglary case", None, [rid])


def test_the_hit_of_a_held_read_stays_in_the_evidence(w, tmp_path):
    """000 433.5, 003 462.12: held data is exempt from the purge. The hold's evidence package carries the hits
    of its reads (who verified, the NCIC steps); the purge must not strip them from a later export."""
    now = w.ctx.clock.now()
    rid = add_read(w, "HELD77", now - timedelta(days=10))
    add_hit(w, rid, now - timedelta(days=10), status="closed")
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a robbery case", None, [rid])
    w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "before.zip")
    w.ctx.clock.advance(days=60)
    w.svc.purge.purge(w.sup)
    w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "after.zip")
    before, after = (r.detail["hits"] for r in reversed(access_rows(w.ctx, "evidence.export")))
    assert before == after == 1


def test_a_redraw_cannot_discard_recorded_findings(w):
    """002 IV.Q.2-3: the memo reports what the audit found. A redraw after marking an inquiry non-compliant
    erased that finding from the audit and its memo."""
    _searches(w, w.inv, 25, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)
    w.svc.audits.mark(w.auditor, audit.items[0].id, False, "No case number and a vague reason")
    with pytest.raises(Conflict, match="finding"):
        w.svc.audits.redraw(w.auditor, audit.id, "The sample does not look representative")
    assert w.svc.audits.get(w.auditor, audit.id).items[0].compliant is False


def test_the_chiefs_review_is_not_by_the_member_who_judged_the_sample(w):
    """002 IV.Q.3: the memorandum is reviewed by the chief or a designee: not by who did the audit's work."""
    _searches(w, w.inv, 10, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)
    for item in audit.items:
        w.svc.audits.mark(w.sup2, item.id, True, "")
    w.svc.audits.complete(w.auditor, audit.id, "", "All compliant")
    with pytest.raises(Conflict, match="own"):
        w.svc.audits.chief_review(w.sup2, audit.id, "Reviewed, file it")
    w.svc.audits.chief_review(w.sup, audit.id, "Reviewed, file it")


def test_an_administrator_cannot_reset_their_own_password(w):
    """003 462.7/462.7.1: a password is changed by its owner knowing the current one. An unattended
    administrator console could otherwise take the account over without it."""
    admin = AdministrationService(w.ctx, PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1))
    with pytest.raises(Conflict, match="own"):
        admin.reset_password(w.sup, w.sup.user_id, "correct horse battery staple 9")
    admin.reset_password(w.sup, w.inv.user_id, "correct horse battery staple 9")


def _admin(w) -> AdministrationService:
    return AdministrationService(w.ctx, PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1))


def test_training_not_yet_completed_opens_nothing(w):
    """000/001/004 433.4(d), 003 462.5: no access to ALPR data before completing the training. A training
    record dated next week made the account current today."""
    from app.domain.users import TrainingRecord

    admin = _admin(w)
    today = w.ctx.clock.now().date()
    new = admin.create_user(w.sup, "newdisp", "New Dispatcher", "correct horse battery staple 9",
                            frozenset({Role.DISPATCHER}))
    with pytest.raises(ValidationFailed, match="future"):
        admin.record_training(w.sup, new.id, TrainingRecord("ALPR operator", today + timedelta(days=7),
                                                             today + timedelta(days=372)))
    assert next(u for u in admin.list_users(w.sup) if u.id == new.id).training == ()


def test_nobody_records_their_own_training(w):
    """003 462.15 / 462.5: training is department-approved and recorded for the member, not by the member."""
    from app.domain.users import TrainingRecord

    today = w.ctx.clock.now().date()
    record = TrainingRecord("ALPR operator", today, today + timedelta(days=3650))
    with pytest.raises(Conflict, match="own"):
        _admin(w).record_training(w.sup, w.sup.user_id, record)
    _admin(w).record_training(w.sup2, w.sup.user_id, TrainingRecord("ALPR operator", today,
                                                                    today + timedelta(days=365)))


def test_a_search_for_an_outside_agency_names_the_requester_whatever_the_flag_says(w):
    """000 433.4(h): a search on behalf of an outside agency names the agency, the requester and the written
    request. Passing outside=False let a search be recorded for 'Metro PD' with no requester or request."""
    partial = SearchReason(purpose="Criminal investigation", case_number="26-001234", outside_agency="Metro PD")
    with pytest.raises(ValidationFailed, match="requested the search"):
        w.svc.search.search(w.inv, partial, SearchCriteria(plate=parse_plate_pattern("ABC123")), outside=False)


def test_a_released_hold_is_no_longer_exported(w, tmp_path):
    """000 433.5, 003 462.12: once released, held data is ordinary data again; the hold no longer gives a
    reason to export it as evidence."""
    rid = add_read(w, "HOLD09", w.ctx.clock.now() - timedelta(days=1))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid])
    w.svc.holds.release(w.sup, hold.id, "Case closed by the prosecutor")
    with pytest.raises(Conflict, match="released"):
        w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "late.zip")
    assert not (tmp_path / "late.zip").exists()
    assert [r.outcome for r in access_rows(w.ctx, "evidence.export")] == ["refused"]


def test_guessing_the_current_password_through_a_password_change_locks_the_account(ctx, fast_hashing):
    """003 462.7.1 / the lockout after failed sign-ins: change_password checked the old password with no limit,
    no lockout and no record, an unlimited guessing oracle that ended in a takeover of the account."""
    from app.domain.errors import LoginRefused
    from app.services.accounts import AccountService
    from tests.app.conftest import current_training, signed_in

    accounts = AccountService(ctx, fast_hashing)
    accounts.create_first_admin("sup1", "Sam Supervisor", "correct horse battery", current_training())
    victim = signed_in(accounts, "sup1", "correct horse battery")
    for i in range(ctx.security.max_failed_attempts):
        with pytest.raises(ValidationFailed):
            accounts.change_password(victim, f"guess number {i}", "staple orbit canyon lantern")
    with pytest.raises((LoginRefused, ValidationFailed)):  # locked: even the right password is refused now
        accounts.change_password(victim, "correct horse battery", "staple orbit canyon lantern")
    with pytest.raises(LoginRefused):
        accounts.login("sup1", "correct horse battery")
    assert len([r for r in access_rows(ctx, "password.changed") if r.outcome == "failed"]) >= 5


def test_released_data_and_evidence_packages_open_only_to_their_custodians(w, tmp_path):
    """003 462.6(d), 462.13(b), DESIGN roles: ALPR data is reached for a purpose by the roles that handle it. The
    read-only auditor and an investigator opened a release's data export (every read and image released to
    another agency) through the documents list, with no purpose recorded."""
    from app.domain.errors import PermissionDenied

    rid = add_read(w, "REL123", w.ctx.clock.now() - timedelta(days=1))
    req = w.svc.releases.intake(w.clerk, _intake())
    w.svc.releases.review(w.sup, req.id, True, "Verified law enforcement purpose")
    packet = w.svc.releases.fulfil(w.clerk, req.id)
    data_id = packet.related["data_document_id"]
    for who in (w.auditor, w.inv):
        with pytest.raises(PermissionDenied):
            w.svc.documents.open(who, data_id)
        assert data_id not in {d.id for d in w.svc.documents.list(who)}
    assert w.svc.documents.open(w.clerk, data_id).is_file()
    # and the investigator's own evidence package stays out of the auditor's reach too
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a robbery case", None, [rid])
    doc = w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "ev.zip")
    with pytest.raises(PermissionDenied):
        w.svc.documents.open(w.auditor, doc.id)
    assert w.svc.documents.open(w.inv, doc.id).is_file()


def _covert_hit(w, read_id: int, at: datetime) -> int:
    from app.domain.hits import COVERT_CATEGORIES

    hid = add_hit(w, read_id, at)
    with w.ctx.uow() as uow:
        uow.s.execute(text("update hits set category = :c where id = :i"),
                      {"c": sorted(COVERT_CATEGORIES)[0], "i": hid})
    return hid


def test_a_covert_hit_never_leaves_in_a_release_or_reaches_an_unprivileged_export(w, tmp_path):
    """000 433.4(e) (NCIC confidential information rules), DESIGN: terrorist-screening/gang hits are covert, seen
    only by privileged users. A release to another agency and an investigator's evidence package carried them."""
    import json
    import zipfile

    now = w.ctx.clock.now()
    rid = add_read(w, "REL123", now - timedelta(days=1))
    covert = _covert_hit(w, rid, now - timedelta(days=1))
    req = w.svc.releases.intake(w.clerk, _intake())
    w.svc.releases.review(w.sup, req.id, True, "Verified law enforcement purpose")
    packet = w.svc.releases.fulfil(w.clerk, req.id)
    data = w.svc.documents.open(w.clerk, packet.related["data_document_id"])
    with zipfile.ZipFile(data) as zf:
        assert covert not in {h["id"] for h in json.loads(zf.read("hits.json"))}
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a robbery case", None, [rid])
    with zipfile.ZipFile(w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "ev.zip").path) as zf:
        assert covert not in {h["id"] for h in json.loads(zf.read("hits.json"))}


def test_the_public_summary_does_not_itemise_covert_hits(w):
    """003 462.11 (public web page) vs 000 433.4(e): the public summary counts hits, but never discloses hits on
    the covert (terrorist screening / gang) lists by name, nor does a clerk's usage report."""
    from pathlib import Path

    from app.domain.hits import COVERT_CATEGORIES

    now = w.ctx.clock.now()
    rid = add_read(w, "COV123", now - timedelta(days=1))
    _covert_hit(w, rid, now - timedelta(days=1))
    start, end = now - timedelta(days=5), now + timedelta(days=1)
    _pdf, html = w.svc.reports.transparency(w.clerk, start, end, "test period")
    page = Path(html.path).read_text().lower()
    usage = w.svc.reports.usage_report(w.clerk, start, end, "test period")
    from tests.app.records_fixtures import pdf_text

    for category in COVERT_CATEGORIES:
        for shown in (category, category.replace("_", " ")):
            assert shown not in page
            assert shown not in pdf_text(Path(usage.path)).lower()


def test_another_investigator_exports_a_hold_only_for_reads_their_own_inquiries_found(w, tmp_path):
    """002 IV.Q.1, 003 462.6(d): reaching reads needs one's own recorded inquiry. Exporting a colleague's hold
    packaged reads the exporter never searched for."""
    rid = add_read(w, "HOLD11", w.ctx.clock.now() - timedelta(days=1))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid])
    other = _user(w, "inv2", {Role.INVESTIGATOR})
    with pytest.raises(ValidationFailed, match="inquir"):
        w.svc.evidence.export_hold(other, hold.id, tmp_path / "other.zip")
    assert not (tmp_path / "other.zip").exists()
    found(w, other, [rid])
    assert w.svc.evidence.export_hold(other, hold.id, tmp_path / "other.zip").path


@pytest.mark.parametrize("rehash", [False, True])
def test_reordering_two_rows_of_the_access_record_is_detected(ctx, engine, rehash):
    """000 433.6(a), 003 462.6: the record of who searched what, when. Swapping two rows (e.g. to move a search
    before a case number existed), with or without recomputing the chain, must be seen. (Held: a guard.)"""
    from tests.app.test_access_tamper import rehash_from

    actor = Actor(None, "tester", "WS1")
    for i in range(12):
        audit_trail.record_alone(ctx, actor, "search", terms=f"ABC{i}", reason="case 26-123")
        ctx.clock.advance(seconds=1)
    assert audit_trail.verify_chain(ctx).intact
    cols = "at, username, terms, reason, prev_hash, hash"
    with engine.begin() as c:
        a, b = (dict(c.execute(text(f"select {cols} from access_log where id = :i"), {"i": i}).mappings().one())
                for i in (5, 6))
        for row_id, values in ((5, b), (6, a)):
            c.execute(text("update access_log set at=:at, username=:username, terms=:terms, reason=:reason, "
                           "prev_hash=:prev_hash, hash=:hash where id=:i"), {**values, "i": row_id})
        if rehash:
            rehash_from(c, 5)
    assert not audit_trail.verify_chain(ctx).intact


def test_a_reseal_stays_visible_in_every_later_verify(ctx, engine):
    """000 433.6(a), 003 462.6: deleting the newest rows, then resealing 'because the keyring was locked', made
    every later verify print a plain 'intact'. The reseal and what it covered must stay in the verdict."""
    from tests.app.test_access_tamper import _admin

    actor = Actor(None, "tester", "WS1")
    for i in range(12):
        audit_trail.record_alone(ctx, actor, "search", terms=f"ABC{i}", reason="case 26-123")
        ctx.clock.advance(seconds=1)
    admin = _admin(ctx)
    with engine.begin() as c:
        c.execute(text("delete from access_log where id > (select max(id) - 3 from access_log)"))
    audit_trail.reseal(ctx, admin, "keyring was locked during an ssh session")
    for _ in range(2):
        text_out = audit_trail.verify_chain(ctx).describe()
        assert "resealed" in text_out and admin.username in text_out and "deleted" in text_out, text_out
        audit_trail.record_alone(ctx, actor, "search", terms="LATER", reason="case 26-123")


def test_an_audit_opened_and_never_completed_shows_overdue_once_its_month_is_past(w):
    """002 IV.Q.2-3: an audit at least once a month, documented by a memorandum. Drawing October's sample and
    never filing the memo kept October off the overdue list for ever."""
    _searches(w, w.inv, 12, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    w.svc.audits.start(w.auditor)
    october = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert october not in w.svc.audits.overdue(w.auditor)  # being worked on during November
    w.ctx.clock.t = datetime(2026, 12, 5, 10, tzinfo=UTC)
    assert october in w.svc.audits.overdue(w.auditor)  # a month later, still no memorandum


def test_an_export_cannot_overwrite_the_database_or_a_filed_document(w, tmp_path):
    """000 433.6, 003 462.6 / 462.13: the access record and filed documents are kept. The export's save dialog
    took any path: an evidence package or an access-record export written over alpr.db (or over a filed
    destruction report) destroyed the record of every access."""
    from app.domain.access_query import AccessFilter

    with w.ctx.uow() as uow:
        db = Path(uow.s.get_bind().url.database)
    rid = add_read(w, "HOLD12", w.ctx.clock.now() - timedelta(days=1))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid])
    before = db.read_bytes()[:16]
    with pytest.raises(ValidationFailed, match="database"):
        w.svc.evidence.export_hold(w.inv, hold.id, db)
    with pytest.raises(ValidationFailed, match="database"):
        w.svc.access.export(w.auditor, AccessFilter(), "csv", "Monthly review of the access record", db)
    assert db.read_bytes()[:16] == before == b"SQLite format 3\x00"
    report = w.svc.purge.purge(w.sup).document
    with pytest.raises(ValidationFailed, match="on file"):
        w.svc.access.export(w.auditor, AccessFilter(), "csv", "Monthly review of the access record",
                            Path(report.path))
    assert Path(report.path).read_bytes().startswith(b"%PDF")


def test_reading_the_access_record_with_a_made_up_cursor_is_recorded(w):
    """000 433.6(a), 003 462.6: every access to the record is documented. Only a browse's first page was
    recorded, so a call with an invented cursor read the record (plates, reasons) without a trace."""
    from app.domain.access_query import AccessFilter

    _searches(w, w.inv, 3, OCT)
    before = len(access_rows(w.ctx, "access_log.view"))
    page = w.svc.access.page(w.auditor, AccessFilter(), 10**9, 50)
    assert page.entries
    views = access_rows(w.ctx, "access_log.view")
    assert len(views) == before + 1


def test_listing_the_audits_is_recorded_like_opening_one(w):
    """003 462.6: the sampled inquiries (who searched which plate, why) are ALPR query data: opening an audit was
    recorded, but the list returned every audit's sample with no record."""
    _searches(w, w.inv, 10, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    w.svc.audits.start(w.auditor)
    listed = w.svc.audits.list(w.clerk)
    assert listed[0].items and listed[0].items[0].terms
    assert [r.username for r in access_rows(w.ctx, "audit.list") if r.outcome == "ok"] == ["clerk1"]


def test_a_hold_on_hits_reaches_only_hits_of_reads_the_member_found(w, tmp_path):
    """002 IV.Q.1: a hit is reached through the read a recorded inquiry found. Holding hit ids never seen, then
    exporting the hold, packaged hit records (the hot-list entry, who verified, the NCIC steps)."""
    now = w.ctx.clock.now()
    rid = add_read(w, "HIT777", now - timedelta(days=1))
    hid = add_hit(w, rid, now - timedelta(days=1))
    other = add_read(w, "OTHER1", now - timedelta(days=1))
    found(w, w.inv, [other])
    with pytest.raises(ValidationFailed, match="inquir"):
        w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [other], [hid])
    found(w, w.inv, [rid])
    assert w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [other], [hid]).hit_ids == (hid,)


def test_an_evidence_package_whose_record_fails_is_not_left_behind(w, tmp_path, monkeypatch):
    """003 462.6, 000 433.6(a): no access without its record. When the record could not be written (here the
    account was disabled while the package was being built), the package stayed at the target, unrecorded."""
    from app.domain.errors import SessionRevoked
    from app.services import evidence_export

    rid = add_read(w, "HOLD13", w.ctx.clock.now() - timedelta(days=1))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [rid])
    real_write = evidence_export.write_zip_atomically

    def write_then_disable(path, fill):  # noqa: ANN001, ANN202
        out = real_write(path, fill)
        with w.ctx.uow() as uow:
            UserRepository(uow.s).set_active(w.inv.user_id, False, w.ctx.clock.now())
        return out

    monkeypatch.setattr(evidence_export, "write_zip_atomically", write_then_disable)
    target = tmp_path / "evidence.zip"
    with pytest.raises(SessionRevoked):
        w.svc.evidence.export_hold(w.inv, hold.id, target)
    assert not target.exists()
    assert [r.outcome for r in access_rows(w.ctx, "evidence.export")] == ["failed"]


def test_a_release_whose_record_fails_leaves_no_data_export_behind(w, monkeypatch):
    """003 462.14(c), 462.6: a release is fulfilled and recorded together. When the record failed, the data export
    and the packet stayed in the documents folder, unrecorded and unfiled."""
    from app.domain.errors import SessionRevoked
    from app.services import releases

    add_read(w, "REL123", w.ctx.clock.now() - timedelta(days=1))
    req = w.svc.releases.intake(w.clerk, _intake())
    w.svc.releases.review(w.sup, req.id, True, "Verified law enforcement purpose")
    real_write, written = releases.write_zip_atomically, []

    def write_then_disable(path, fill):  # noqa: ANN001, ANN202
        out = real_write(path, fill)
        written.append(out.path)
        with w.ctx.uow() as uow:
            UserRepository(uow.s).set_active(w.clerk.user_id, False, w.ctx.clock.now())
        return out

    monkeypatch.setattr(releases, "write_zip_atomically", write_then_disable)
    with pytest.raises(SessionRevoked):
        w.svc.releases.fulfil(w.clerk, req.id)
    assert written and not Path(written[0]).exists()
    assert not list(w.documents.rglob("release-R*"))
    assert [r.outcome for r in access_rows(w.ctx, "release.fulfil")] == ["failed"]


def test_a_sample_drawn_before_its_period_ended_is_not_filed_as_the_periods_audit(w):
    """002 IV.Q.2: the audit randomly selects inquiries conducted during the period. Drawn on the 2nd of the month,
    the sample held only the first day's inquiries, yet it was judged and filed as the whole month's audit."""
    nov = datetime(2026, 11, 2, 9, tzinfo=UTC)
    _searches(w, w.inv, 12, nov)
    audit = w.svc.audits.start(w.auditor, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(Conflict, match="not over"):
        w.svc.audits.mark(w.auditor, audit.items[0].id, True)
    _searches(w, w.inv, 30, datetime(2026, 11, 20, 9, tzinfo=UTC), prefix="LT")
    w.ctx.clock.t = datetime(2026, 12, 2, 9, tzinfo=UTC)
    with pytest.raises(Conflict, match="after the sample was drawn"):
        w.svc.audits.mark(w.auditor, audit.items[0].id, True)
    with pytest.raises(ValidationFailed, match="after the sample was drawn"):
        w.svc.audits.complete(w.auditor, audit.id, "", "All compliant")
    # redrawn once the month is over, it samples the whole month and is filed as November's audit
    fresh = w.svc.audits.redraw(w.auditor, audit.id, "Drawn before the month ended, redrawn over all of it")
    for item in fresh.items:
        w.svc.audits.mark(w.auditor, item.id, True)
    w.svc.audits.complete(w.auditor, audit.id, "", "All compliant")
    assert (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)) not in w.svc.audits.overdue(w.auditor)


def test_an_audit_completed_before_its_month_ended_does_not_clear_the_month(w):
    """002 IV.Q.2: drawn on the 1st (nothing to sample yet) and filed at once, an audit cleared the whole month."""
    w.ctx.clock.t = datetime(2026, 11, 1, 0, 5, tzinfo=UTC)
    early = w.svc.audits.start(w.auditor, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    w.svc.audits.complete(w.auditor, early.id, "", "Nothing to sample")
    _searches(w, w.inv, 12, datetime(2026, 11, 10, 9, tzinfo=UTC))
    w.ctx.clock.t = datetime(2026, 12, 5, 9, tzinfo=UTC)
    assert (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)) in w.svc.audits.overdue(w.auditor)
    # and November can still be audited properly
    november = w.svc.audits.start(w.auditor)
    assert november.population == 12

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.hotlist_admin import EntryStatus, LocalEntryDraft, SourceKind
from app.domain.hotlists.records import RecordCategory
from app.domain.roles import Role
from app.persistence.repositories.access_log import AccessLogRepository
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from tests.app.conftest import current_training, signed_in

PW = "correct horse battery"


def ncic(nic, plate, state="CA", make="HOND"):
    return (f"{nic:<10}CA0570200{'20190509'}{plate:<10}{state}2019PC2015{make:<4}CIVSDBLK").rstrip()


@pytest.fixture
def world(any_ctx, fast_hashing):
    accounts = AccountService(any_ctx, fast_hashing)
    admin = AdministrationService(any_ctx, fast_hashing)
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    sup = signed_in(accounts, "sup1", PW)
    admin.create_user(sup, "sup2", "Sue Second", PW, frozenset({Role.SUPERVISOR}), training=current_training())
    admin.create_user(sup, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}), training=current_training())
    retro_calls = []

    def retro(index, hours):
        retro_calls.append((len(index), hours))
        return 0

    holder = HotListIndexHolder(any_ctx)
    svc = HotListService(any_ctx, holder, retroactive=retro)
    return dict(svc=svc, holder=holder, sup=sup, sup2=signed_in(accounts, "sup2", PW),
                disp=signed_in(accounts, "disp1", PW), ctx=any_ctx, retro=retro_calls)


def test_import_replaces_list_and_bad_file_keeps_previous(world, tmp_path):
    svc, sup = world["svc"], world["sup"]
    good = tmp_path / "ncic.txt"
    good.write_text("\n".join(ncic(f"V{i:09d}", f"ABC{i:03d}") for i in range(50)) + "\n")
    src = svc.add_source(sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", str(good))
    report = svc.import_source(sup, src.id)
    assert report.accepted and report.imported == 50
    assert world["holder"].matcher.match("ABC007", "CA")[0].kind == "exact"
    assert world["retro"] == [(50, 72)]
    # Given a truncated file (empty)
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    report2 = svc.import_source(sup, src.id, bad)
    # Then it is refused with a reason and the previous 50 entries stay active and matching
    assert not report2.accepted and "empty" in report2.refusal
    assert svc.entry_count(sup, src.id) == 50
    assert world["holder"].matcher.match("ABC007", "CA")
    reports = svc.imports(sup, src.id)
    assert [r.accepted for r in reports] == [False, True]
    # And a much smaller good file is held (previous list intact) until an administrator confirms it
    good.write_text("\n".join(ncic(f"V{i:09d}", f"XYZ{i:03d}") for i in range(5)) + "\n")
    held = svc.import_source(sup, src.id)
    assert not held.accepted and held.refusal.startswith("shrank") and "90% fewer" in held.refusal
    assert svc.entry_count(sup, src.id) == 50
    assert svc.import_source(sup, src.id, confirm_shrink=True).imported == 5
    assert svc.entry_count(sup, src.id) == 5
    assert not world["holder"].matcher.match("ABC007", "CA")


def test_only_supervisors_import(world, tmp_path):
    with pytest.raises(PermissionDenied):
        world["svc"].add_source(world["disp"], "x", SourceKind.NCIC, "ncic_fixed", str(tmp_path / "f"))


def _draft(**kw):
    base = dict(requesting_officer="Ofc. Ana Reyes", requesting_agency="Metro PD", case_number="26-001234", synopsis="Armed robbery at 5th and Main",
                category=RecordCategory.LOCAL_BOLO, priority=2, plate="7ABC123", state="CA")
    base.update(kw)
    return LocalEntryDraft(**base)


def test_local_entry_needs_fields_and_major_crime_for_partials(world):
    svc, disp = world["svc"], world["disp"]
    with pytest.raises(ValidationFailed, match="Case number"):
        svc.submit_local(disp, _draft(case_number=""))
    with pytest.raises(ValidationFailed, match="major crimes"):
        svc.submit_local(disp, _draft(plate="7AB*"))
    e = svc.submit_local(disp, _draft(plate="7AB*23", major_crime=True))
    assert e.status is EntryStatus.PENDING and e.plate == "7AB*23"
    with pytest.raises(ValidationFailed, match="90 days"):
        svc.submit_local(disp, _draft(expires_on=date(2026, 11, 2) + timedelta(days=200)))


def test_approval_rules_self_approval_refused_and_edit_resets(world):
    svc, ctx = world["svc"], world["ctx"]
    # Given a supervisor enters a BOLO themself
    mine = svc.submit_local(world["sup"], _draft())
    assert svc.pending_count(world["sup2"]) == 1
    assert not world["holder"].matcher.match("7ABC123", "CA")  # pending entries do not alert
    with pytest.raises(Conflict, match="another supervisor"):
        svc.decide(world["sup"], mine.id, True, "ok")
    # And an entry where the approver is named as requesting officer
    requested = svc.submit_local(world["disp"], _draft(requesting_user_id=world["sup2"].user_id, plate="8XYZ999"))
    with pytest.raises(Conflict):
        svc.decide(world["sup2"], requested.id, True, "ok")
    with pytest.raises(PermissionDenied):
        svc.decide(world["disp"], mine.id, True, "ok")
    # When a different supervisor approves
    approved = svc.decide(world["sup2"], mine.id, True, "Case verified with detective")
    assert approved.status is EntryStatus.ACTIVE
    assert world["holder"].matcher.match("7ABC123", "CA")[0].entry_id == mine.id
    assert world["retro"][-1] == (1, 72)
    # Then an edit sends it back to pending and it stops alerting
    edited = svc.edit_local(world["disp"], mine.id, _draft(synopsis="Armed robbery; suspect vehicle grey"))
    assert edited.status is EntryStatus.PENDING and edited.revision == 2
    assert not world["holder"].matcher.match("7ABC123", "CA")
    with ctx.uow() as uow:
        log = AccessLogRepository(uow.s).recent(limit=200)
    assert any(e.action == "hotlist.approve" and e.outcome == "refused" for e in log)
    assert any(e.action == "hotlist.approve" and e.outcome == "ok" and e.reason for e in log)


def test_expired_entries_stop_alerting(world, clock):
    svc = world["svc"]
    e = svc.submit_local(world["disp"], _draft(expires_on=date(2026, 11, 5)))
    svc.decide(world["sup2"], e.id, True, "ok")
    assert world["holder"].matcher.match("7ABC123", "CA")
    clock.advance(days=4)
    assert svc.expire(world["sup"]) == 1
    assert not world["holder"].matcher.match("7ABC123", "CA")
    assert svc.entry(world["sup"], e.id).status is EntryStatus.EXPIRED

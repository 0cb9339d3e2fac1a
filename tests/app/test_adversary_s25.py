"""Session 25 adversarial review: the headless CLI, settings changes, detection search and sessions.

Each test tries to break one rule through the service calls the UI or ``python main.py admin``
makes, on a real database; the rule is named in each test's docstring.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.domain.agency import AgencyProfile
from app.domain.errors import NotFound, SessionRevoked, ValidationFailed
from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists import preset_settings
from app.domain.hotlists.categories import RecordTypeMap, TypeRule
from app.domain.hotlists.records import RecordCategory
from app.domain.records.plates import PlatePattern, parse_plate_pattern
from app.domain.records.search import SearchCriteria, SearchReason
from app.domain.roles import Role
from app.domain.users import Actor, TrainingRecord
from app.persistence.repositories.users import UserRepository
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.cameras import CameraDraft, CameraService
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.workstation_settings import WorkstationSettingsService
from app.settings.model import AppSettings
from app.settings.secrets import MemorySecretStore
from tests.app.conftest import signed_in
from tests.app.records_fixtures import (  # noqa: F401
    access_rows,
    add_read,
    make_world,
    rctx,
    records_template_db,
)

REASON = SearchReason(purpose="Criminal investigation", case_number="26-001234")
PW = "correct horse battery staple"


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


# ---- detection search ---------------------------------------------------------------------------


def test_an_inquiry_does_not_reach_reads_captured_after_it_was_recorded(w):
    """002 IV.Q.1 / 000 433.4(g): every query is recorded; a recorded inquiry is not a standing watch.

    An inquiry without an end time must not show, on a later page or image view, reads that the
    cameras captured after the search was made (that would be live tracking without a new query).
    """
    now = w.ctx.clock.now()
    add_read(w, "ABC123", now - timedelta(hours=2))
    page = w.svc.search.search(w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert page.total == 1
    later = add_read(w, "ABC123", now + timedelta(hours=3))
    w.ctx.clock.advance(hours=4)
    assert [r.id for r in w.svc.search.page(w.inv, page.inquiry_id, 0).reads] != [later] and \
        later not in {r.id for r in w.svc.search.page(w.inv, page.inquiry_id, 0).reads}
    with pytest.raises(NotFound):
        w.svc.search.thumbnail(w.inv, page.inquiry_id, later)


@pytest.mark.parametrize("text", ["*", "?*", "[A-Z]*", "A%"])
def test_a_scripted_plate_pattern_obeys_the_rules_of_the_search_form(w, text):
    """Search limits: a plate pattern needs 2 letters or digits besides wildcards, and nothing but A-Z 0-9 * ?.

    The form parses the pattern; a script hands the service a PlatePattern it built itself.
    """
    add_read(w, "ABC123", w.ctx.clock.now() - timedelta(hours=1))
    cut = min((i for i, c in enumerate(text) if c in "*?"), default=len(text))
    pattern = PlatePattern(text=text, prefix=text[:cut], exact=cut == len(text), folded=False)
    with pytest.raises(ValidationFailed):
        w.svc.search.search(w.inv, REASON, SearchCriteria(plate=pattern))


def test_reads_past_their_retention_are_not_browsed_while_the_purge_is_late(w):
    """000 433.5 / 003 462.12: reads past the retention period are not ALPR data to browse, purged yet or not.

    The purge runs on a schedule and refuses after a clock gap; until it runs, a search, its
    pages and its images must not show reads the agency's retention says are gone. A read under
    an evidence hold stays findable.
    """
    now = w.ctx.clock.now()
    _preset, periods = w.svc.retention.current()
    old = add_read(w, "ABC123", now - timedelta(days=periods.reads_days + 5))
    held = add_read(w, "ABC123", now - timedelta(days=periods.reads_days + 3))
    fresh = add_read(w, "ABC123", now - timedelta(days=1))
    page = w.svc.search.search(w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert {r.id for r in page.reads} == {fresh}
    with pytest.raises(NotFound):
        w.svc.search.thumbnail(w.inv, page.inquiry_id, old)
    # an evidence hold (placed while the read was findable) keeps it findable
    w.ctx.clock.t = now - timedelta(days=periods.reads_days)
    found_then = w.svc.search.search(w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert held in {r.id for r in found_then.reads}
    w.svc.holds.place(w.inv, "26-001234", "Evidence in a burglary case", None, [held])
    w.ctx.clock.t = now
    later = w.svc.search.search(w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert {r.id for r in later.reads} == {held, fresh}
    # a page of the older inquiry, asked for now, no longer shows what expired since
    assert old not in {r.id for r in w.svc.search.page(w.inv, found_then.inquiry_id, 0).reads}


@pytest.mark.parametrize("case", ["00000", "11111-111", "123456789", "0000-000000", "98765"])
def test_a_placeholder_case_number_does_not_pass_for_a_case(w, case):
    """002 IV.P.4 / 003 462.6: a case/CFS number, not digits typed to get past the field."""
    with pytest.raises(ValidationFailed):
        w.svc.search.search(w.inv, SearchReason(purpose="Criminal investigation", case_number=case),
                            SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert access_rows(w.ctx, "search")[0].outcome == "refused"


@pytest.mark.parametrize("field", ["outside_agency", "outside_requester", "request_reference"])
def test_an_outside_agency_search_names_a_real_agency_requester_and_request(w, field):
    """000 433.4(h): a search for another agency records that agency, the requester and the request."""
    fields = {"outside_agency": "Metro Police Department", "outside_requester": "Det. Pat Lee",
              "request_reference": "REQ-2026-113", field: "x"}
    with pytest.raises(ValidationFailed):
        w.svc.search.search(w.inv, SearchReason(purpose="Request from an outside agency", case_number="26-001234",
                                                **fields), SearchCriteria(plate=parse_plate_pattern("ABC123")))


# ---- settings ----------------------------------------------------------------------------------


def test_a_workstation_settings_change_records_the_old_and_new_values(w, tmp_path):
    """Settings changes are recorded with what they were and what they became (speech turned off)."""
    svc = WorkstationSettingsService(w.ctx, tmp_path / "settings.json")
    svc.save_section(w.sup, AppSettings(), "alerts", {"speech_enabled": False})
    row, = access_rows(w.ctx, "settings.alerts.update")
    assert row.detail["before"] == {"speech_enabled": True} and row.detail["after"] == {"speech_enabled": False}


def test_a_changed_policy_text_needs_a_new_policy_version(w):
    """002 IV.A: users accept the agency's ALPR policy; a new text under the old version is never accepted."""
    admin = AdministrationService(w.ctx, None)  # type: ignore[arg-type]
    before = admin.agency_profile(w.sup)
    changed = AgencyProfile(**{**{k: getattr(before, k) for k in before.__slots__},
                               "policy_text": before.policy_text + "\nNew: reads may be shared with vendors."})
    with pytest.raises(ValidationFailed):
        admin.save_agency_profile(w.sup, changed)
    assert admin.agency_profile(w.sup).policy_text == before.policy_text


def test_a_new_policy_text_cannot_reuse_a_version_members_already_accepted(w):
    """002 IV.A: a version number names one text; reusing an accepted number for a new text skips its reading."""
    admin = AdministrationService(w.ctx, None)  # type: ignore[arg-type]
    v1 = admin.agency_profile(w.sup)
    fields = {k: getattr(v1, k) for k in v1.__slots__}
    admin.save_agency_profile(w.sup, AgencyProfile(**{**fields, "policy_version": "2", "policy_text": "Text two."}))
    AccountService(w.ctx, None).acknowledge_policy(w.sup, "2")  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        admin.save_agency_profile(w.sup, AgencyProfile(**{**fields, "policy_version": v1.policy_version,
                                                          "policy_text": "Text three, never read."}))


@pytest.mark.parametrize("junk", ["", "   ", "x"])
def test_a_search_purpose_list_holds_only_real_purposes(w, junk):
    """002 IV.P.4: a search states its purpose; an empty entry in the list lets a search state none."""
    rules = w.svc.search.reason_rules()
    with pytest.raises(ValidationFailed):
        w.svc.search.set_reason_rules(w.sup, dataclasses.replace(rules, purposes=(*rules.purposes, junk)))
    assert junk not in w.svc.search.reason_rules().purposes


def test_an_agency_profile_change_records_the_old_and_new_values(w):
    """The ORI heads every release and NCIC record: its change is recorded with both values."""
    admin = AdministrationService(w.ctx, None)  # type: ignore[arg-type]
    before = admin.agency_profile(w.sup)
    admin.save_agency_profile(w.sup, AgencyProfile(**{**{k: getattr(before, k) for k in before.__slots__},
                                                      "ori": "TX7654321"}))
    row, = access_rows(w.ctx, "agency.update")
    assert row.detail["before"]["ori"] == "TX1234567" and row.detail["after"]["ori"] == "TX7654321"


def test_a_camera_change_records_the_old_and_new_values(w):
    """A camera moved or switched off changes what reads mean as evidence: both values are recorded."""
    svc = CameraService(w.ctx, MemorySecretStore())
    rtsp = {"type": "rtsp", "url": "rtsp://10.0.0.5:554/stream1"}
    cam = svc.add(w.sup, CameraDraft("elm-nb", "Elm St", rtsp, location="Elm & 1st", direction="NB"))
    svc.update(w.sup, cam.id, CameraDraft("elm-nb", "Elm St", rtsp, location="Elm & 9th", direction="NB",
                                          enabled=False))
    row, = access_rows(w.ctx, "cameras.update")
    assert row.detail["before"]["location"] == "Elm & 1st" and row.detail["after"]["location"] == "Elm & 9th"
    assert row.detail["before"]["enabled"] is True and row.detail["after"]["enabled"] is False


def test_an_audit_settings_change_records_the_old_and_new_values(w):
    """002 IV.Q.2: monthly audits of at least 10 inquiries; moving to quarterly is recorded with what it was."""
    w.svc.audits.change_settings(w.sup, 12, 3)
    row, = access_rows(w.ctx, "settings.audit")
    assert row.detail["before"] == {"sample_size": 10, "period_months": 1}
    assert row.detail["after"] == {"sample_size": 12, "period_months": 3}


def test_pointing_a_camera_at_another_host_does_not_send_it_the_stored_login(w):
    """Camera logins go to the recognition runtime only; administrators set them, never read them back.

    Re-pointing a camera's URL at a server of one's own made the runtime hand that server the
    stored camera password.
    """
    from app.domain.users import Actor as A

    secrets = MemorySecretStore()
    svc = CameraService(w.ctx, secrets)
    rtsp = {"type": "rtsp", "url": "rtsp://10.0.0.5:554/stream1", "use_credentials": True}
    cam = svc.add(w.sup, CameraDraft("elm-nb", "Elm St", rtsp))
    svc.set_credentials(w.sup, cam.id, "admin", "camera-secret-9")
    svc.update(w.sup, cam.id, CameraDraft("elm-nb", "Elm St", {**rtsp, "url": "rtsp://10.0.0.5:554/stream2"}))
    assert svc.credentials(A.system("TEST-WS", "recognition"), "elm-nb") == ("admin", "camera-secret-9")
    svc.update(w.sup, cam.id, CameraDraft("elm-nb", "Elm St", {**rtsp, "url": "rtsp://203.0.113.9:554/stream1"}))
    assert svc.credentials(A.system("TEST-WS", "recognition"), "elm-nb") is None
    assert access_rows(w.ctx, "cameras.update")[0].detail.get("credentials_cleared") is True


def _hot(w) -> HotListService:
    return HotListService(w.ctx, HotListIndexHolder(w.ctx))


def test_a_hotlist_source_is_recorded_with_its_guards_and_type_map(w, tmp_path):
    """Shrink guard, bad-row threshold and type map decide what reaches the matcher: they are recorded."""
    settings = preset_settings("ncic_fixed", max_shrink_fraction=1.0, max_bad_row_fraction=0.5)
    src = _hot(w).add_source(w.sup, "NCIC weak", SourceKind.NCIC, "ncic_fixed", str(tmp_path / "x.txt"),
                             settings=settings)
    row, = access_rows(w.ctx, "hotlist.source_add")
    assert row.object_id == str(src.id)
    assert row.detail["settings"]["max_shrink_fraction"] == 1.0
    assert row.detail["settings"]["max_bad_row_fraction"] == 0.5
    assert "T" in row.detail["settings"]["type_map"]["rules"]


@pytest.mark.parametrize("how", ["remapped", "dropped"])
def test_a_source_type_map_cannot_declassify_the_presets_covert_records(w, tmp_path, how):
    """Covert categories (gang / terrorist screening) are seen by privileged users only.

    Mapping NCIC type T to a stolen vehicle, or dropping it so its rows import as 'unknown',
    would show those records and their hits to every dispatcher.
    """
    rules = dict(preset_settings("ncic_fixed").type_map.rules)
    if how == "remapped":
        rules["T"] = TypeRule(category=RecordCategory.STOLEN_VEHICLE, priority=4)
    else:
        del rules["T"]
    settings = preset_settings("ncic_fixed", type_map=RecordTypeMap(rules=rules))
    with pytest.raises(ValidationFailed):
        _hot(w).add_source(w.sup, "NCIC open", SourceKind.NCIC, "ncic_fixed", str(tmp_path / "x.txt"),
                           settings=settings)


@pytest.mark.parametrize(("location", "daily_at"), [("lists/ncic.txt", ""), ("lists/ncic.txt", "25:00"),
                                                   ("lists/ncic.txt", "5am"), ("", "05:00")])
def test_a_list_source_is_imported_automatically_every_day(w, location, daily_at):
    """002 IV.I.4: hot lists are downloaded automatically at least once daily.

    A source without a file location or a valid daily time was never due: it went stale silently.
    """
    with pytest.raises(ValidationFailed):
        _hot(w).add_source(w.sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", location, daily_at)


def _ncic(nic: str, plate: str) -> str:
    return f"{nic:<10}CA057020020190509{plate:<10}CA2019PC2015HONDCIVSDBLK"


def test_a_shrunken_list_is_confirmed_only_after_it_was_held_and_only_that_file(w, tmp_path):
    """Shrink guard: an administrator confirms the held import they were shown, not any smaller file up front.

    ``admin hotlist import --confirm-shrink`` passed on the first run replaced a national list by a
    tenth of it without the import ever being held and reported.
    """
    hot = _hot(w)
    f = tmp_path / "ncic.txt"
    f.write_text("\n".join(_ncic(f"V{i:09d}", f"ABC{i:03d}") for i in range(50)) + "\n")
    src = hot.add_source(w.sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", str(f))
    assert hot.import_source(w.sup, src.id).imported == 50
    f.write_text("\n".join(_ncic(f"V{i:09d}", f"XYZ{i:03d}") for i in range(5)) + "\n")
    first = hot.import_source(w.sup, src.id, confirm_shrink=True)
    assert not first.accepted and first.refusal.startswith("shrank")
    other = tmp_path / "other.txt"
    other.write_text("\n".join(_ncic(f"V{i:09d}", f"QRS{i:03d}") for i in range(4)) + "\n")
    assert not hot.import_source(w.sup, src.id, other, confirm_shrink=True).accepted
    assert hot.entry_count(w.sup, src.id) == 50
    assert not hot.import_source(w.sup, src.id, f, confirm_shrink=True).accepted  # the newest held is 'other'
    assert not hot.import_source(w.sup, src.id, f).accepted
    assert hot.import_source(w.sup, src.id, f, confirm_shrink=True).imported == 5
    confirmed = [e for e in access_rows(w.ctx, "hotlist.import") if e.detail.get("shrink_confirmed")]
    assert len(confirmed) == 1 and confirmed[0].outcome == "ok"


def test_the_purge_commits_its_deletions_only_with_their_access_record_row(w, monkeypatch):
    """Every change writes its access-record row in the same transaction as the change.

    A purge cut short after it deleted (its report failed, the process died) still names who
    destroyed what, and that a clock gap was accepted.
    """
    now = w.ctx.clock.now()
    _preset, periods = w.svc.retention.current()
    gone = add_read(w, "OLD111", now - timedelta(days=periods.reads_days + 10))

    def dies(*_a, **_k):
        raise RuntimeError("power cut after the deletion committed")

    monkeypatch.setattr(type(w.svc.purge), "_report", dies)
    with pytest.raises(RuntimeError):
        w.svc.purge.purge(w.sup, trigger="cli", accept_clock_gap=True)
    from app.persistence.repositories.reads_query import ReadsQuery

    with w.ctx.uow() as uow:
        assert ReadsQuery(uow.s).get(gone) is None
    rows = [e for e in access_rows_all(w.ctx) if e.action.startswith("retention.purge") and e.outcome == "ok"]
    assert rows and rows[0].username == "sup1" and rows[0].detail["reads"] == 1
    assert rows[0].detail["clock_gap_accepted"] is True


def test_the_demo_mode_does_not_seed_an_agencys_database(w, tmp_path):
    """No change without a login: ``main.py --demo`` starts the runtime before anyone signs in.

    On an agency's data folder it imported a 'Demo NCIC extract' source (fake wanted and Amber
    plates) into the live hot lists and let synthetic cameras write reads.
    """
    from app.domain.errors import Conflict
    from app.services.demo_seed import DEMO_SOURCE, seed_demo

    hot = _hot(w)
    hot.add_source(w.sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", str(tmp_path / "ncic.txt"))
    with pytest.raises(Conflict):
        seed_demo(hot, w.ctx.uow, tmp_path / "demo", "TEST-WS")
    assert DEMO_SOURCE not in {s.name for s in hot.sources(w.sup)}


# ---- sessions / first administrator ------------------------------------------------------------


def test_the_first_administrators_training_has_believable_dates(ctx, fast_hashing):
    """000 (d): training before any access; the first administrator's record follows everyone's date rules."""
    accounts = AccountService(ctx, fast_hashing)
    today = ctx.clock.now().date()
    with pytest.raises(ValidationFailed):
        accounts.create_first_admin("sup1", "Sam Lee", PW, TrainingRecord("ALPR", today + timedelta(days=30),
                                                                          today + timedelta(days=400)))
    with pytest.raises(ValidationFailed):
        accounts.create_first_admin("sup1", "Sam Lee", PW, TrainingRecord("ALPR", today, today - timedelta(days=1)))
    assert accounts.needs_first_admin()


def test_a_policy_version_not_yet_published_cannot_be_accepted_in_advance(w):
    """002 IV.A: each user reads and accepts the policy in force; accepting a future version skips the next one."""
    accounts = AccountService(w.ctx, None)  # type: ignore[arg-type]
    admin = AdministrationService(w.ctx, None)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        accounts.acknowledge_policy(w.disp, "2")
    before = admin.agency_profile(w.sup)
    admin.save_agency_profile(w.sup, AgencyProfile(**{**{k: getattr(before, k) for k in before.__slots__},
                                                      "policy_version": "2", "policy_text": "A new policy."}))
    with pytest.raises(SessionRevoked):
        w.svc.search.cameras(w.disp)


def test_an_actor_cannot_act_under_another_members_name(w):
    """Access record (who): a call made as user 5 is written as user 5's name, not a name the caller chose."""
    forged = Actor(w.inv.user_id, "sup1", w.inv.workstation, w.inv.roles)
    with pytest.raises(SessionRevoked):
        w.svc.search.search(forged, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert not [e for e in access_rows(w.ctx, "search") if e.outcome == "ok"]


@pytest.mark.parametrize("call", ["logout", "lock_screen", "acknowledge_policy"])
def test_a_sign_out_or_lock_cannot_be_written_under_another_members_name(w, call):
    """Access record (who): the rows a refused session may still write name the account that wrote them."""
    accounts = AccountService(w.ctx, None)  # type: ignore[arg-type]
    forged = Actor(w.inv.user_id, "sup1", w.inv.workstation, w.inv.roles)
    args = ("1",) if call == "acknowledge_policy" else ()
    with pytest.raises(SessionRevoked):
        getattr(accounts, call)(forged, *args)
    assert not [e for e in access_rows_all(w.ctx) if e.username == "sup1" and e.user_id == w.inv.user_id]


# ---- the headless CLI --------------------------------------------------------------------------


def _cli(ctx, tmp_path, fast_hashing, argv: list[str], stdin: str, monkeypatch) -> int:
    from app import cli

    parser = argparse.ArgumentParser()
    cli.add_admin_parser(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["admin", *argv])
    services = SimpleNamespace(ctx=ctx, accounts=AccountService(ctx, fast_hashing),
                               administration=AdministrationService(ctx, fast_hashing), hotlists=None)
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    assembly = SimpleNamespace(paths=SimpleNamespace(data=data, config=data), connect=lambda: services,
                               close=lambda: None)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.run_admin(args, assembly)


def _admin_and_user(ctx, fast_hashing) -> None:
    accounts = AccountService(ctx, fast_hashing)
    today = ctx.clock.now().date()
    accounts.create_first_admin("sup1", "Sam Lee", PW, TrainingRecord("ALPR", today, today + timedelta(days=300)))
    signed_in(accounts, "sup1", PW)
    with ctx.uow() as uow:
        UserRepository(uow.s).add("disp1", "Dee Dee", "x", frozenset({Role.DISPATCHER}), None, ctx.clock.now())


@pytest.mark.parametrize("reason", ["x x x", "test test test", "a b c d"])
def test_an_access_record_reseal_needs_a_real_reason(w, reason):
    """``admin audit reseal --reason``: the reason is what a later auditor reads about a break; 'x x x' is none."""
    from app.services import audit_trail

    with pytest.raises(ValidationFailed):
        audit_trail.reseal(w.ctx, w.sup, reason)


def test_a_cli_command_ends_the_session_it_signed_in(ctx, tmp_path, fast_hashing, monkeypatch):
    """Access record (who, when, what): a command line that signs in also signs out when it is done."""
    _admin_and_user(ctx, fast_hashing)
    rc = _cli(ctx, tmp_path, fast_hashing, ["--as", "sup1", "--admin-password-stdin", "unlock", "--username", "disp1"],
              PW + "\n", monkeypatch)
    assert rc == 0
    actions = [(e.action, e.username) for e in reversed(access_rows_all(ctx))]
    last_login = max(i for i, a in enumerate(actions) if a == ("login", "sup1"))
    assert ("users.unlock", "sup1") in actions[last_login:]
    assert actions[-1] == ("logout", "sup1")


def test_a_cli_sign_in_refused_for_a_temporary_password_is_signed_out(ctx, tmp_path, fast_hashing, monkeypatch):
    """A CLI sign-in with a temporary password is refused, and the session it opened is closed in the record."""
    _admin_and_user(ctx, fast_hashing)
    with ctx.uow() as uow:
        users = UserRepository(uow.s)
        users._row(users.by_username("sup1").id).must_change_password = True
    rc = _cli(ctx, tmp_path, fast_hashing, ["--as", "sup1", "--admin-password-stdin", "unlock", "--username", "disp1"],
              PW + "\n", monkeypatch)
    assert rc == 1
    last = access_rows_all(ctx)[0]
    assert (last.action, last.username) == ("logout", "sup1")


def access_rows_all(ctx) -> list:
    from app.persistence.repositories.access_log import AccessLogRepository

    with ctx.uow() as uow:
        return list(AccessLogRepository(uow.s).recent(1000))

"""Issue 12: the records services publish the Changes they cause (the screens no longer build them)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain.changes import Changes
from app.domain.errors import PermissionDenied, ValidationFailed
from app.domain.records.releases import ReleaseIntake, ReleaseScope
from tests.app.records_fixtures import add_read, found, make_world, rctx, records_template_db  # noqa: F401

SCREENS = ("records.py", "search.py", "audit.py", "agency_panel.py", "access_browser.py")


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


@pytest.fixture
def heard(w):
    got: list[Changes] = []
    w.ctx.changes.subscribe(got.append)
    return got


def _intake() -> ReleaseIntake:
    return ReleaseIntake(agency="Metro Police Department", requester_name="Det. Pat Lee",
                         purpose="Robbery investigation", legal_basis="Law enforcement request", ori="TX0000001",
                         requester_title="Detective", requester_contact="plee@metro.example", case_number="M-77",
                         scope=ReleaseScope(plates=("REL123",)))


def test_each_records_mutation_publishes_a_records_change_once_it_committed(w, heard, tmp_path):
    rid = add_read(w, "HLD001", w.ctx.clock.now() - timedelta(hours=1))
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "24-555", "Evidence for the DA", date(2027, 1, 1), [rid])
    assert heard == [Changes(records=True)]
    w.svc.releases.intake(w.clerk, _intake())
    w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "case.zip")
    w.svc.holds.release(w.sup, hold.id, "The case was closed by the prosecutor")
    w.svc.audits.start(w.auditor)
    w.svc.reports.usage_report(w.sup)
    assert heard == [Changes(records=True)] * 6


def test_a_refused_or_failed_mutation_publishes_nothing(w, heard):
    with pytest.raises(PermissionDenied):
        w.svc.holds.place(w.disp, "24-555", "Evidence for the DA", None, [])
    with pytest.raises(ValidationFailed):
        w.svc.releases.intake(w.clerk, ReleaseIntake(agency="", requester_name="", purpose="", legal_basis="",
                                                     scope=ReleaseScope()))
    assert heard == []


def test_the_records_screens_build_no_changes_of_their_own():
    folder = Path(__file__).parents[2] / "app" / "ui" / "screens"
    offenders = [name for name in SCREENS if "Changes(" in (folder / name).read_text()]
    assert offenders == []

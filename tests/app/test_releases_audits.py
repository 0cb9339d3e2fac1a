from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.records.audits import draw_sample
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.releases import ReleaseIntake, ReleaseScope
from app.domain.records.search import SearchCriteria, SearchReason
from app.domain.roles import Role
from app.domain.users import Actor
from app.services.records_files import ExportWriteError
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


def _intake(**kw) -> ReleaseIntake:
    base = dict(agency="Metro Police Department", requester_name="Det. Pat Lee", purpose="Robbery investigation",
                legal_basis="Law enforcement request, Civil Code 1798.90.55", ori="TX0000001",
                requester_title="Detective", requester_contact="plee@metro.example", case_number="M-77",
                scope=ReleaseScope(plates=("REL123",)))
    base.update(kw)
    return ReleaseIntake(**base)


def test_release_flow_packet_and_self_approval_refused(w):
    now = w.ctx.clock.now()
    rid = add_read(w, "REL123", now - timedelta(days=1))
    add_hit(w, rid, now - timedelta(days=1))
    # a supervisor who also takes in requests may not approve their own
    both = Actor(w.sup.user_id, w.sup.username, "TEST-WS", frozenset({Role.SUPERVISOR, Role.RECORDS_CLERK}))
    with w.ctx.uow() as uow:  # roles are read from the account at each call
        from app.persistence.repositories.users import UserRepository

        UserRepository(uow.s).set_roles(w.sup.user_id, both.roles)
    own = w.svc.releases.intake(both, _intake())
    with pytest.raises(Conflict, match="entered yourself"):
        w.svc.releases.review(both, own.id, True, "Looks fine to me")
    assert access_rows(w.ctx, "release.approve")[0].outcome == "refused"
    req = w.svc.releases.intake(w.clerk, _intake())
    with pytest.raises(PermissionDenied):
        w.svc.releases.review(w.clerk, req.id, True, "approve it please")
    with pytest.raises(Conflict, match="only an approved"):
        w.svc.releases.fulfil(w.clerk, req.id)
    w.svc.releases.review(w.sup, req.id, True, "Verified law enforcement purpose")
    doc = w.svc.releases.fulfil(w.clerk, req.id)
    text = pdf_text(__import__("pathlib").Path(doc.path))
    assert "Metro Police Department" in text and "REL123" in text
    listed = {d.kind for d in w.svc.documents.list(w.clerk)}
    assert {"release_packet", "release_data"} <= listed
    assert access_rows(w.ctx, "release.fulfil")[0].detail["reads"] == 1


def test_non_law_enforcement_flagged_and_public_only_restriction(w):
    req = w.svc.releases.intake(w.clerk, _intake(law_enforcement=False, public_agency=False,
                                                 agency="Acme Towing LLC"))
    assert any("Non-law-enforcement" in f for f in req.flags)
    w.svc.releases.set_public_agencies_only(w.sup, True)
    with pytest.raises(Conflict, match="public agencies"):
        w.svc.releases.review(w.sup, req.id, True, "They asked nicely")
    assert w.svc.releases.review(w.sup, req.id, False, "Not a public agency").status.value == "denied"


def test_intake_requires_the_written_request_fields(w):
    with pytest.raises(ValidationFailed) as e:
        w.svc.releases.intake(w.clerk, _intake(agency="", requester_name="", scope=ReleaseScope()))
    assert "agency name" in str(e.value) and "scope" in str(e.value)


def _searches(w, n, when):
    reason = SearchReason(purpose="Criminal investigation", case_number="C-26-0001")
    for i in range(n):
        w.ctx.clock.t = when + timedelta(hours=i)
        w.svc.search.search(w.inv, reason, SearchCriteria(plate=parse_plate_pattern(f"AU{i:03d}")))


def test_audit_sample_size_reproducible_and_memo(w):
    _searches(w, 25, datetime(2026, 10, 3, 9, tzinfo=UTC))
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)
    assert audit.population == 25 and len(audit.items) == 10 and audit.seed > 0
    assert audit.period_start == datetime(2026, 10, 1, tzinfo=UTC)
    # the recorded seed reproduces the sample from the period's inquiries
    with w.ctx.uow() as uow:
        from app.persistence.repositories.records import InquiryRepository
        population = InquiryRepository(uow.s).ids_between(audit.period_start, audit.period_end)
    assert draw_sample(population, 10, audit.seed) == [i.inquiry_id for i in audit.items]
    with pytest.raises(ValidationFailed, match="Review every"):
        w.svc.audits.complete(w.auditor, audit.id, "", "")
    for k, item in enumerate(audit.items):
        w.svc.audits.mark(w.auditor, item.id, k != 3, "" if k != 3 else "Reason too vague for a plate query")
    doc = w.svc.audits.complete(w.auditor, audit.id, "Read 17 plate misread as 8 instead of B", "One finding")
    text = pdf_text(__import__("pathlib").Path(doc.path))
    assert "Chief Casey Stone" in text and str(audit.seed) in text and "misread" in text
    with pytest.raises(Conflict):
        w.svc.audits.mark(w.auditor, audit.items[0].id, True)


def test_sample_takes_everything_when_population_is_small():
    assert draw_sample([5, 3, 9], 10, 1) == [3, 5, 9]
    assert draw_sample(list(range(100)), 10, 7) == draw_sample(list(reversed(range(100))), 10, 7)


def test_evidence_export_zip_with_manifest_and_summary(w, tmp_path):
    now = w.ctx.clock.now()
    r1 = add_read(w, "EVD001", now - timedelta(hours=3))
    r2 = add_read(w, "EVD002", now - timedelta(hours=2))
    add_hit(w, r1, now - timedelta(hours=3))
    found(w, w.inv, [r1, r2])
    hold = w.svc.holds.place(w.inv, "24-555", "Evidence for the DA", date(2027, 1, 1), [r1, r2])
    target = tmp_path / "out" / "case.zip"
    target.parent.mkdir()
    doc = w.svc.evidence.export_hold(w.inv, hold.id, target)
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        assert {"reads.csv", "reads.json", "hits.csv", "hits.json", "manifest.json", "summary.pdf"} <= names
        import hashlib
        import json
        man = json.loads(zf.read("manifest.json"))
        for f in man["files"]:
            assert hashlib.sha256(zf.read(f["name"])).hexdigest() == f["sha256"]
        assert b"visual_verify" in zf.read("hits.csv")
        assert len([n for n in names if n.startswith("images/")]) == 2
    assert doc.kind == "evidence_package" and access_rows(w.ctx, "evidence.export")[0].case_number == "24-555"


def test_export_to_read_only_or_full_disk_leaves_nothing(w, tmp_path, monkeypatch):
    rid = add_read(w, "EVD003", w.ctx.clock.now())
    found(w, w.inv, [rid])
    hold = w.svc.holds.place(w.inv, "24-556", "Evidence for the DA", None, [rid])
    target = tmp_path / "full" / "case.zip"
    target.parent.mkdir()
    real = zipfile.ZipFile.writestr
    calls = []

    def full(self, name, data, *a, **k):  # the disk fills up after the first file
        calls.append(name)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real(self, name, data, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(ExportWriteError, match="No space left"):
        w.svc.evidence.export_hold(w.inv, hold.id, target)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", real)
    assert list(target.parent.iterdir()) == []
    assert access_rows(w.ctx, "evidence.export")[0].outcome == "failed"
    with pytest.raises(ExportWriteError, match="does not exist"):
        w.svc.evidence.export_hold(w.inv, hold.id, tmp_path / "missing" / "x.zip")


def test_usage_and_transparency_reports(w):
    now = w.ctx.clock.now()
    w.ctx.clock.t = datetime(2026, 8, 5, tzinfo=UTC)
    add_read(w, "USE001", w.ctx.clock.now())
    _searches(w, 2, datetime(2026, 8, 6, tzinfo=UTC))
    w.ctx.clock.t = now
    doc = w.svc.reports.usage_report(w.clerk)
    text = pdf_text(__import__("pathlib").Path(doc.path))
    assert "Q3 2026" in text and "Inv1" in text  # named by full name, not login
    pdf, html = w.svc.reports.transparency(w.clerk, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                                           "2026")
    public = pdf_text(__import__("pathlib").Path(pdf.path)) + open(html.path).read()
    assert "USE001" not in public and "AU000" not in public and "inv1" not in public

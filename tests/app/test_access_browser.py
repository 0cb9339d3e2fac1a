"""The access record browser (issue 11): filters, keyset paging without a fixed limit, recorded exports."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta

import pytest

from app.domain.access import AccessEntry
from app.domain.access_query import AccessFilter
from app.domain.errors import PermissionDenied, ValidationFailed
from app.persistence.repositories.access_log import AccessLogRepository
from app.services import audit_trail
from app.services.records_files import ExportWriteError
from tests.app.records_fixtures import access_rows, make_world, pdf_text, rctx, records_template_db  # noqa: F401

WHY = "Quarterly review of image views for the chief"


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _bulk(w, n: int, action: str = "hit.view") -> None:
    """``n`` chained rows by the dispatcher, one second apart, in one transaction."""
    start = w.ctx.clock.now()
    entries = [AccessEntry(at=start + timedelta(seconds=i), user_id=w.disp.user_id, username=w.disp.username,
                           workstation="WS-2", action=action, outcome="ok", object_type="hit", object_id=str(i))
               for i in range(n)]
    with w.ctx.uow() as uow:
        AccessLogRepository(uow.s, w.ctx.sealer()).append_many(entries)


def _walk(w, flt: AccessFilter, size: int) -> list[AccessEntry]:
    out, cursor = [], None
    while True:
        page = w.svc.access.page(w.auditor, flt, cursor, size)
        out += page.entries
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


@pytest.fixture
def w_any(any_ctx, tmp_path):
    """The world on SQLite and (with DATABASE_URL) PostgreSQL: LIKE escaping and time bounds differ."""
    return make_world(any_ctx, tmp_path)


def test_filters_by_user_action_object_and_date_range(w_any):
    w = w_any
    clock = w.ctx.clock
    t0 = clock.now()
    # Given rows by several users, actions and objects at different times
    audit_trail.record_alone(w.ctx, w.inv, "search", object_type="inquiry", object_id=7)
    clock.advance(hours=1)
    audit_trail.record_alone(w.ctx, w.inv, "read.image_view", object_type="read", object_id=42)
    clock.advance(hours=1)
    audit_trail.record_alone(w.ctx, w.disp, "hits.claim", object_type="hit", object_id=42)
    audit_trail.record_alone(w.ctx, w.disp, "hits", object_type="hit", object_id=43)
    audit_trail.record_alone(w.ctx, w.disp, "hitsx.other")
    clock.advance(hours=1)
    flt = AccessFilter

    def actions(f: AccessFilter) -> list[str]:
        return [e.action for e in _walk(w, f, 50)]

    # Then each filter keeps exactly its rows (newest first)
    assert actions(flt(username="inv1")) == ["read.image_view", "search"]
    assert actions(flt(action="hits")) == ["hits", "hits.claim"]  # the action and those under it, not "hitsx"
    assert actions(flt(action="hits.")) == ["hits", "hits.claim"]
    assert actions(flt(object_type="hit", object_id="42")) == ["hits.claim"]
    assert actions(flt(object_id="42")) == ["hits.claim", "read.image_view"]
    between = flt(start=t0 + timedelta(minutes=30), end=t0 + timedelta(hours=2))
    assert actions(between) == ["read.image_view"]
    assert actions(flt(username="inv1", action="search", end=t0 + timedelta(minutes=1))) == ["search"]
    # A wildcard typed in the action is text, not a pattern
    assert actions(flt(action="hit%")) == []
    with pytest.raises(ValidationFailed, match="before its start"):
        w.svc.access.page(w.auditor, flt(start=t0, end=t0 - timedelta(hours=1)))


def test_paging_walks_every_row_past_the_old_500_row_limit(w):
    # Given 1,234 rows of one action (the browser used to stop at 500)
    _bulk(w, 1234)
    # When the auditor pages through them 200 at a time
    rows = _walk(w, AccessFilter(action="hit.view"), 200)
    # Then every row comes exactly once, newest first
    ids = [e.id for e in rows]
    assert len(ids) == 1234 and len(set(ids)) == 1234
    assert ids == sorted(ids, reverse=True)
    # And the browse was recorded once per filter, not once per page
    views = access_rows(w.ctx, "access_log.view")
    assert len(views) == 1 and views[0].detail["filter"] == {"action": "hit.view"}
    with pytest.raises(ValidationFailed):
        w.svc.access.page(w.auditor, AccessFilter(), None, 100_000)


@pytest.mark.parametrize("who", ["disp", "inv", "clerk"])
def test_only_roles_that_may_read_the_access_record_browse_or_export(w, who, tmp_path):
    actor = getattr(w, who)
    with pytest.raises(PermissionDenied):
        w.svc.access.page(actor, AccessFilter())
    with pytest.raises(PermissionDenied):
        w.svc.access.export(actor, AccessFilter(), "csv", WHY, tmp_path / "x.csv")
    with pytest.raises(PermissionDenied):
        w.svc.access.filter_choices(actor)
    assert not (tmp_path / "x.csv").exists()
    refused = [e for e in access_rows(w.ctx, "access_log.export") + access_rows(w.ctx, "access_log.view")
               if e.username == actor.username]
    assert refused and all(e.outcome == "refused" for e in refused)


def test_csv_export_is_the_filtered_set_and_is_recorded_with_its_reason(w, tmp_path):
    _bulk(w, 30)
    _bulk(w, 5, action="search")
    target = tmp_path / "access.csv"
    out = w.svc.access.export(w.auditor, AccessFilter(action="search", username="disp1"), "csv", WHY, target)
    data = target.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0][:4] == ["When (UTC)", "User", "Workstation", "Action"]
    assert [r[3] for r in rows[1:]] == ["search"] * 5 and out.rows == 5
    assert out.sha256 == hashlib.sha256(data).hexdigest()
    rec = access_rows(w.ctx, "access_log.export")
    assert len(rec) == 1 and rec[0].outcome == "ok" and rec[0].username == "aud1"
    assert rec[0].reason == WHY
    assert rec[0].detail["filter"] == {"username": "disp1", "action": "search"}
    assert rec[0].detail["rows"] == 5 and rec[0].detail["sha256"] == out.sha256 and rec[0].detail["format"] == "csv"


def test_export_without_a_reason_is_refused_and_writes_nothing(w, tmp_path):
    target = tmp_path / "access.csv"
    with pytest.raises(ValidationFailed, match="reason"):
        w.svc.access.export(w.auditor, AccessFilter(), "csv", "  ", target)
    with pytest.raises(ValidationFailed):
        w.svc.access.export(w.auditor, AccessFilter(), "xlsx", WHY, target)
    assert not target.exists()
    assert [e.outcome for e in access_rows(w.ctx, "access_log.export")] == ["refused"]


def test_an_export_that_cannot_be_written_leaves_no_ok_record_and_no_file(w, tmp_path):
    folder = tmp_path / "unplugged-usb-stick"  # the folder is gone
    with pytest.raises(ExportWriteError, match="Nothing was written"):
        w.svc.access.export(w.auditor, AccessFilter(), "csv", WHY, folder / "access.csv")
    assert not folder.exists()
    # the "ok" row rolled back with the failed write; the failure is recorded on its own
    assert [e.outcome for e in access_rows(w.ctx, "access_log.export")] == ["failed"]


def test_an_export_that_fails_mid_write_says_once_that_nothing_was_written(w, tmp_path):
    folder = tmp_path / "exports"
    target = folder / "access.csv"
    target.mkdir(parents=True)  # the rename onto it fails after the data was written to a temporary file
    with pytest.raises(ExportWriteError) as refused:
        w.svc.access.export(w.auditor, AccessFilter(), "csv", WHY, target)
    assert str(refused.value).count("Nothing was written") == 1, str(refused.value)
    assert [p.name for p in folder.iterdir()] == ["access.csv"] and not any(target.iterdir())  # no temp file left
    assert [e.outcome for e in access_rows(w.ctx, "access_log.export")] == ["failed"]


def test_a_failed_commit_removes_the_written_file(w, tmp_path, monkeypatch):
    from sqlalchemy.orm import Session

    from app.services import access_browser

    real_write, real_commit = access_browser.write_atomically, Session.commit
    armed: list[bool] = []

    def write(path, data):  # noqa: ANN001, ANN202
        out = real_write(path, data)
        armed.append(True)  # the next commit (the export's own) fails
        return out

    def commit(self):  # noqa: ANN001, ANN202
        if armed:
            armed.clear()
            raise RuntimeError("database connection lost at commit")
        return real_commit(self)

    monkeypatch.setattr(access_browser, "write_atomically", write)
    monkeypatch.setattr(Session, "commit", commit)
    target = tmp_path / "access.csv"
    with pytest.raises(RuntimeError, match="lost at commit"):
        w.svc.access.export(w.auditor, AccessFilter(), "csv", WHY, target)
    # Then neither the file nor an "ok" row is left; the failure is recorded
    assert not target.exists()
    assert [e.outcome for e in access_rows(w.ctx, "access_log.export")] == ["failed"]


def test_pdf_export_shows_filter_reason_and_rows(w, tmp_path):
    _bulk(w, 60)
    target = tmp_path / "access.pdf"
    out = w.svc.access.export(w.auditor, AccessFilter(action="hit.view", username="disp1"), "pdf", WHY, target)
    text = pdf_text(target)
    assert "Access record export" in text and WHY in text and "hit.view" in text and "disp1" in text
    assert "60 row(s)" in text and out.rows == 60

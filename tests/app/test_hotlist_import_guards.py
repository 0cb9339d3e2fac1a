"""Import service guards: regular files only, database errors refused with a report, sources independent."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DataError

from app.domain.hotlist_admin import SourceKind
from app.persistence.repositories.hotlists import HotListRepository
from app.services.hotlist_import import ListFileRefused, read_list_file
from app.services.hotlists import HotListService
from tests.app.hotlist_support import import_audit, ncic_lines


def test_fifo_and_devices_are_refused_at_once(tmp_path):
    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ListFileRefused, match="a pipe"):
        read_list_file(fifo)  # no writer: a blocking open would hang here forever
    with pytest.raises(ListFileRefused, match="a device"):
        read_list_file("/dev/zero")
    with pytest.raises(ListFileRefused, match="a folder"):
        read_list_file(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1000)
    with pytest.raises(ListFileRefused, match="limit"):
        read_list_file(big, max_bytes=999)


def test_a_slow_read_is_cut_off(tmp_path):
    f = tmp_path / "slow.txt"
    f.write_bytes(b"x" * (20 * 1024 * 1024))
    ticks = iter(range(0, 10_000, 100))
    with pytest.raises(ListFileRefused, match="longer than"):
        read_list_file(f, timeout_s=50, monotonic=lambda: next(ticks))


def test_fifo_source_is_a_refused_import_with_report_and_access_row(ctx, hotlist_svc, hotlist_admin, tmp_path):
    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)
    src = hotlist_svc.add_source(hotlist_admin, "Pipe", SourceKind.NCIC, "ncic_fixed", str(fifo))
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("not_a_file")
    assert [r.accepted for r in hotlist_svc.imports(hotlist_admin, src.id)] == [False]
    assert import_audit(ctx)[-1].outcome == "failed"


def test_database_error_becomes_a_refused_import_and_the_list_stays(ctx, hotlist_svc, hotlist_admin, tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text(ncic_lines(30))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(good))
    assert hotlist_svc.import_source(hotlist_admin, src.id).imported == 30
    good.write_text(ncic_lines(30, "XYZ"))

    def refuse(self, source_id, rows):
        self.s.execute(__import__("sqlalchemy").text("DELETE FROM hotlist_entries"))  # half done, then:
        raise DataError("INSERT", {}, Exception("value too long for type character varying(24)"))

    real_append, calls = HotListRepository.append_rows, []

    def refuse_second_chunk(self, rows):  # the SQLite path writes in chunks
        calls.append(len(rows))
        if len(calls) == 2:
            raise DataError("INSERT", {}, Exception("value too long for type character varying(24)"))
        return real_append(self, rows)

    monkeypatch.setattr("app.services.hotlist_import.CHUNK_ROWS", 10)
    monkeypatch.setattr(HotListRepository, "replace_with_rows", refuse)
    monkeypatch.setattr(HotListRepository, "append_rows", refuse_second_chunk)
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("database_error") and "too long" in report.refusal
    assert hotlist_svc.entry_count(hotlist_admin, src.id) == 30  # the previous list is intact, the first chunk removed again
    assert {e.plate for e in hotlist_svc.entries_page(hotlist_admin, source_id=src.id)} == {f"ABC{i:03d}" for i in range(30)}
    assert [r.accepted for r in hotlist_svc.imports(hotlist_admin, src.id)] == [False, True]
    assert import_audit(ctx)[-1].outcome == "failed" and import_audit(ctx)[-1].detail["refusal"].startswith("database_error")


def test_each_source_is_imported_on_its_own(ctx, hotlist_svc, hotlist_admin, tmp_path, monkeypatch):
    files = []
    for name in ("A", "B", "C"):
        f = tmp_path / f"{name}.txt"
        f.write_text(ncic_lines(10, name * 3))
        files.append(f)
        hotlist_svc.add_source(hotlist_admin, name, SourceKind.NCIC, "ncic_fixed", str(f), daily_at="05:00")
    real = HotListService.import_source

    def flaky(self, actor, source_id, *a, **kw):
        if source_id == 1:
            raise RuntimeError("unexpected failure in source A")
        return real(self, actor, source_id, *a, **kw)

    monkeypatch.setattr(HotListService, "import_source", flaky)
    done = hotlist_svc.import_due(hotlist_admin, datetime(2026, 11, 3, 6, 0, tzinfo=UTC))
    assert [s.source_name for s in done] == ["B", "C"] and all(s.accepted for s in done)


def test_shrink_limit_is_configurable_and_a_small_drop_passes(ctx, hotlist_svc, hotlist_admin, tmp_path):
    from app.domain.hotlists import SourceParseSettings

    f = tmp_path / "l.txt"
    f.write_text(ncic_lines(100))
    src = hotlist_svc.add_source(hotlist_admin, "S", SourceKind.NCIC, "ncic_fixed", str(f),
                         settings=SourceParseSettings(max_shrink_fraction=0.5))
    assert hotlist_svc.import_source(hotlist_admin, src.id).accepted
    f.write_text(ncic_lines(60))
    assert hotlist_svc.import_source(hotlist_admin, src.id).accepted  # 40 % smaller: within this source's 50 %
    f.write_text(ncic_lines(1))
    held = hotlist_svc.import_source(hotlist_admin, src.id)
    assert not held.accepted and hotlist_svc.entry_count(hotlist_admin, src.id) == 60
    assert import_audit(ctx)[-1].outcome == "held"

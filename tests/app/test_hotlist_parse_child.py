"""The hot-list parse runs in a child process; a failing child is a refused import, never a crash."""

from __future__ import annotations

import os
import signal

import pytest

from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists import parse_hotlist, preset
from app.persistence.repositories.hotlists import HotListRepository
from app.services.hotlist_files import ListFileRefused
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlist_parse_child import CHILD_NICE, parse_in_child
from app.services.hotlists import HotListService
from tests.app.hotlist_support import import_audit, ncic_lines


def parse_and_tell(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201 - runs in the child
    outcome = parse_hotlist(data, spec, settings, as_of=as_of)
    return outcome if os.getpid() != int(os.environ["ALPR_TEST_PARENT_PID"]) else None


def parser_that_raises(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201
    raise MemoryError("parser ran out of memory")


def parser_that_dies(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_parse_runs_in_another_process_and_sorts_a_whole_file_parse(tmp_path, monkeypatch):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(4500, "ZZ") + ncic_lines(10, "AA"))
    monkeypatch.setenv("ALPR_TEST_PARENT_PID", str(os.getpid()))  # inherited by the spawned child
    parsed = parse_in_child(f, preset("ncic_fixed"), None, None, sort=True, parse=parse_and_tell)
    try:
        assert parsed.pid != os.getpid() and parsed.outcome.accepted and parsed.count == 4510
        assert parsed.outcome.records == ()  # the verdict comes alone; the records follow on demand
        chunks = list(parsed.chunks())
    finally:
        parsed.close()
    assert len(chunks) > 1 and sum(len(c) for c in chunks) == 4510
    plates = [r.plate for c in chunks for r in c]
    assert plates == sorted(plates)


def test_a_parse_in_this_process_would_be_caught(tmp_path, monkeypatch):
    # the check above can fail: run in this process, the parser returns None and the child path errs
    monkeypatch.setenv("ALPR_TEST_PARENT_PID", str(os.getpid()))
    assert parse_and_tell(ncic_lines(3).encode(), preset("ncic_fixed")) is None


@pytest.mark.parametrize("parser", [parser_that_raises, parser_that_dies], ids=["raises", "killed"])
def test_a_failing_parser_child_is_a_refused_import_with_report_and_access_row(ctx, hotlist_svc, hotlist_admin, tmp_path, parser):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert hotlist_svc.import_source(hotlist_admin, src.id).imported == 30
    f.write_text(ncic_lines(30, "XYZ"))

    hotlist_svc.parse = parser
    hotlist_svc.inline_below_bytes = 0  # this small file goes to the child too
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("parse_failed"), report.refusal
    assert report.report_lines[0].startswith("REFUSED (parse_failed)")
    assert hotlist_svc.imports(hotlist_admin, src.id)[0].report_lines[0].startswith("REFUSED (parse_failed)")  # the report is kept
    assert [r.accepted for r in hotlist_svc.imports(hotlist_admin, src.id)] == [False, True]
    assert import_audit(ctx)[-1].outcome == "failed"
    with ctx.uow() as uow:  # the previous list is intact
        assert HotListRepository(uow.s).count(src.id) == 30
        assert {e.plate for e in HotListRepository(uow.s).page(0, 100, "ABC")} and not HotListRepository(
            uow.s).page(0, 100, "XYZ")


def test_a_small_file_is_parsed_inline_with_the_same_refusal_for_a_parser_failure(ctx, hotlist_svc, hotlist_admin, tmp_path):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    hotlist_svc.parse = parser_that_raises
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("parse_failed")
    assert import_audit(ctx)[-1].outcome == "failed"


def test_a_file_refused_while_reading_in_the_child_keeps_its_reason(tmp_path):
    with pytest.raises(ListFileRefused) as err:
        parse_in_child(tmp_path, preset("ncic_fixed"), None, None)
    assert str(err.value.reason) == "not_a_file"


def test_rows_from_the_child_land_the_same_on_sqlite_and_postgresql(any_ctx, hotlist_admin, tmp_path):
    hotlist_svc = HotListService(any_ctx, HotListIndexHolder(any_ctx))
    hotlist_svc.inline_below_bytes = 0
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(25, "QR"))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    assert report.accepted and report.imported == 25
    entry = hotlist_svc.entries_page(hotlist_admin, source_id=src.id, plate_prefix="QR0007")[0]
    full = hotlist_svc.entry(hotlist_admin, entry.id)
    assert (full.plate, full.state, full.vehicle_make) == ("QR0007", "CA", "YAMA")
    assert hotlist_svc.index.matcher.match("QR0007", "CA")  # the live index was rebuilt from the rows


def parse_if_nicer(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201 - runs in the child
    outcome = parse_hotlist(data, spec, settings, as_of=as_of)
    return outcome if os.nice(0) > int(os.environ["ALPR_TEST_PARENT_NICE"]) else None


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priorities only")
def test_the_parser_child_runs_at_a_lower_priority_than_the_console(tmp_path, monkeypatch):
    # on a busy machine the GUI thread and dispatcher actions must get the CPU before the parse
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(20))
    monkeypatch.setenv("ALPR_TEST_PARENT_NICE", str(os.nice(0)))
    if os.nice(0) >= CHILD_NICE:
        pytest.skip("the console already runs at the parser's priority")
    parsed = parse_in_child(f, preset("ncic_fixed"), None, None, parse=parse_if_nicer)
    parsed.close()
    assert parsed.outcome.accepted  # None (-> the child's error) when the child ran at the console's priority

"""The hot-list parse runs in a child process; a failing child is a refused import, never a crash."""

from __future__ import annotations

import os
import signal

import pytest

from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists import parse_hotlist, preset
from app.domain.users import Actor
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.repositories.hotlists import HotListRepository
from app.services.hotlist_files import ListFileRefused
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlist_parse_child import parse_in_child
from app.services.hotlists import HotListService


def _ncic(n: int, prefix: str = "ABC") -> str:
    """NCIC lines with six-character plates ``prefix`` + number (n <= 10 ** (6 - len(prefix)))."""
    return "".join(f"V{i:09d}CA057020020190509{prefix}{i:0{6 - len(prefix)}d}    CA2009MC2009YAMACYLMCBLK\n"
                   for i in range(n))


def parse_and_tell(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201 - runs in the child
    outcome = parse_hotlist(data, spec, settings, as_of=as_of)
    return outcome if os.getpid() != int(os.environ["ALPR_TEST_PARENT_PID"]) else None


def parser_that_raises(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201
    raise MemoryError("parser ran out of memory")


def parser_that_dies(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def svc(ctx):
    return HotListService(ctx, HotListIndexHolder(ctx))


@pytest.fixture
def admin(ctx):
    return Actor.system(ctx.workstation, "admin-test")


def _audit(ctx):
    with ctx.uow() as uow:
        return [e for e in AccessLogRepository(uow.s).iter_all() if e.action == "hotlist.import"]


def test_the_parse_runs_in_another_process_and_streams_sorted_chunks(tmp_path, monkeypatch):
    f = tmp_path / "list.txt"
    f.write_text(_ncic(4500, "ZZ") + _ncic(10, "AA"))
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
    assert parse_and_tell(_ncic(3).encode(), preset("ncic_fixed")) is None


@pytest.mark.parametrize("parser", [parser_that_raises, parser_that_dies], ids=["raises", "killed"])
def test_a_failing_parser_child_is_a_refused_import_with_report_and_access_row(ctx, svc, admin, tmp_path, parser):
    f = tmp_path / "list.txt"
    f.write_text(_ncic(30))
    src = svc.add_source(admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert svc.import_source(admin, src.id).imported == 30
    f.write_text(_ncic(30, "XYZ"))

    svc.parse = parser
    svc.inline_below_bytes = 0  # this small file goes to the child too
    report = svc.import_source(admin, src.id)
    assert not report.accepted and report.refusal.startswith("parse_failed"), report.refusal
    assert report.report_lines[0].startswith("REFUSED (parse_failed)")
    assert svc.imports(admin, src.id)[0].report_lines[0].startswith("REFUSED (parse_failed)")  # the report is kept
    assert [r.accepted for r in svc.imports(admin, src.id)] == [False, True]
    assert _audit(ctx)[-1].outcome == "failed"
    with ctx.uow() as uow:  # the previous list is intact
        assert HotListRepository(uow.s).count(src.id) == 30
        assert {e.plate for e in HotListRepository(uow.s).page(0, 100, "ABC")} and not HotListRepository(
            uow.s).page(0, 100, "XYZ")


def test_a_small_file_is_parsed_inline_with_the_same_refusal_for_a_parser_failure(ctx, svc, admin, tmp_path):
    f = tmp_path / "list.txt"
    f.write_text(_ncic(30))
    src = svc.add_source(admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    svc.parse = parser_that_raises
    report = svc.import_source(admin, src.id)
    assert not report.accepted and report.refusal.startswith("parse_failed")
    assert _audit(ctx)[-1].outcome == "failed"


def test_a_file_refused_while_reading_in_the_child_keeps_its_reason(tmp_path):
    with pytest.raises(ListFileRefused) as err:
        parse_in_child(tmp_path, preset("ncic_fixed"), None, None)
    assert str(err.value.reason) == "not_a_file"


def test_rows_from_the_child_land_the_same_on_sqlite_and_postgresql(any_ctx, admin, tmp_path):
    svc = HotListService(any_ctx, HotListIndexHolder(any_ctx))
    svc.inline_below_bytes = 0
    f = tmp_path / "list.txt"
    f.write_text(_ncic(25, "QR"))
    src = svc.add_source(admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    report = svc.import_source(admin, src.id)
    assert report.accepted and report.imported == 25
    entry = svc.entries_page(admin, source_id=src.id, plate_prefix="QR0007")[0]
    full = svc.entry(admin, entry.id)
    assert (full.plate, full.state, full.vehicle_make) == ("QR0007", "CA", "YAMA")
    assert svc.index.matcher.match("QR0007", "CA")  # the live index was rebuilt from the rows

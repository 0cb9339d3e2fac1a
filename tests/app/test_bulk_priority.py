"""Bulk processes start below the console: the parse of an import runs niced, its copy does not."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists import parse_hotlist
from app.services import bulk_priority, hotlist_import
from app.services.bulk_priority import LOWEST, run_below, thread_niceness
from tests.app.hotlist_support import ncic_lines

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="niceness per thread is Linux's")


def _below(steps: int) -> int:
    return min(LOWEST, thread_niceness() + steps)


@linux
def test_the_step_runs_on_another_thread_below_the_caller_which_keeps_its_priority():
    before = thread_niceness()
    seen = run_below(lambda: (threading.get_ident(), thread_niceness()), steps=3)
    assert seen[0] != threading.get_ident()
    assert seen[1] == min(LOWEST, before + 3)
    assert thread_niceness() == before


@linux
def test_a_process_started_by_the_step_inherits_its_niceness():
    # Given a step that starts a child process, When it runs below the caller
    child = run_below(subprocess.run, [sys.executable, "-c", "import os; print(os.nice(0))"],
                      capture_output=True, text=True, check=True, steps=5)
    # Then the child runs at the step's niceness
    assert int(child.stdout) == _below(5)


def test_the_steps_error_reaches_the_caller_as_raised():
    error = ValueError("bad list")

    def fails() -> None:
        raise error

    with pytest.raises(ValueError, match="bad list") as raised:
        run_below(fails)
    assert raised.value is error


def test_no_steps_runs_on_the_calling_thread():
    assert run_below(threading.get_ident, steps=0) == threading.get_ident()


@linux
def test_an_import_parses_below_the_console_and_copies_at_its_priority(hotlist_svc, hotlist_admin, tmp_path,
                                                                         monkeypatch):
    # Given a list big enough for the parser child and probes on the parse and the copy
    hotlist_svc.inline_below_bytes = 0
    seen: dict[str, int | None] = {}
    parse, copy = hotlist_import.parse_in_child, hotlist_import._replace_from_stage

    def parse_probe(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen["parse"] = thread_niceness()
        return parse(*args, **kwargs)

    def copy_probe(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen["copy"] = thread_niceness()
        return copy(*args, **kwargs)

    monkeypatch.setattr(hotlist_import, "parse_in_child", parse_probe)
    monkeypatch.setattr(hotlist_import, "_replace_from_stage", copy_probe)
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(50, "N"))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    # When it is imported
    report = hotlist_svc.import_source(hotlist_admin, src.id)
    # Then the parse (which starts the child) ran below this thread, the copy at this thread's priority
    assert report.accepted and report.imported == 50
    assert seen == {"parse": _below(bulk_priority.STEPS), "copy": thread_niceness()}


@linux
def test_a_small_list_parsed_in_the_console_is_not_niced(hotlist_svc, hotlist_admin, tmp_path, monkeypatch):
    # its Python holds the interpreter lock: niced, it would stall the GUI whenever it waited for a core
    hotlist_svc.inline_below_bytes = 1 << 20
    seen: list[int | None] = []
    parse = hotlist_import.parse_in_child
    monkeypatch.setattr(hotlist_import, "parse_in_child",
                        lambda *a, **k: seen.append(thread_niceness()) or parse(*a, **k))
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(20, "S"))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert hotlist_svc.import_source(hotlist_admin, src.id).imported == 20
    assert seen == [thread_niceness()]


def parse_if_at_the_expected_niceness(data, spec, settings=None, *, as_of=None):  # noqa: ANN001, ANN201 - in the child
    outcome = parse_hotlist(data, spec, settings, as_of=as_of)
    return outcome if os.nice(0) == int(os.environ["ALPR_TEST_CHILD_NICE"]) else None  # None: a refused import


@linux
def test_a_console_at_nice_12_starts_its_parser_child_below_itself(hotlist_svc, hotlist_admin, tmp_path, monkeypatch):
    # Given a console thread already at niceness 12 (before: the child stayed at max(console's, 10) = 12)
    if thread_niceness() >= LOWEST:
        pytest.skip("this test process already runs at the lowest priority")
    hotlist_svc.inline_below_bytes = 0
    hotlist_svc.parse = parse_if_at_the_expected_niceness
    monkeypatch.setenv("ALPR_TEST_CHILD_NICE", str(LOWEST))  # inherited by the spawned child
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30, "C"))
    src = hotlist_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))

    def import_from_a_console_at_12():  # noqa: ANN202
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(12, thread_niceness()))
        return hotlist_svc.import_source(hotlist_admin, src.id)

    # When it imports the list
    with ThreadPoolExecutor(1) as console:
        report = console.submit(import_from_a_console_at_12).result()
    # Then the parser child ran at min(19, 12 + 10): accepted only there
    assert report.accepted and report.imported == 30

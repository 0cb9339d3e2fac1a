"""Shared fixtures. Qt-free: tests/recognition must run with PySide6 uninstalled."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import
os.environ.setdefault("QT_API", "pyside6")

import pytest

#: Threads that live for the whole test process by design (started once, shared by many tests).
_PROCESS_WIDE = ("QDBusConnection", "pydevd", "asyncio_", "Dummy-", "QThread", "Thread-PgPool", "pytest_timeout")
#: Child processes that live for the whole test process by design (multiprocessing's helpers).
_PROCESS_WIDE_CHILDREN = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")
_GRACE_S = 5.0


def _child_pids() -> set[int]:
    """Live child processes of this test process (Linux /proc; empty where it is not available)."""
    pids: set[int] = set()
    try:
        for task in Path("/proc/self/task").iterdir():
            try:
                pids.update(int(p) for p in (task / "children").read_text().split())
            except OSError:
                continue
    except OSError:
        return set()
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and not any(h in _process_name(pid) for h in _PROCESS_WIDE_CHILDREN):
            alive.add(pid)  # (a zombie has ended; only its exit status is uncollected)
    return alive


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
    except OSError:
        return "?"


@pytest.fixture(autouse=True)
def _no_leftover_threads_or_processes():
    """Fail a test that leaves a thread (daemon or not) or a child process running.

    Daemon threads count: all the code's worker threads are daemons, so a missing ``stop()`` would
    otherwise go unnoticed. Each leftover gets a grace period to finish (a thread that was told to
    stop and is on its last loop, a child that is exiting).
    """
    before = {t.ident for t in threading.enumerate()}
    children_before = _child_pids()
    yield
    deadline = time.monotonic() + _GRACE_S
    leftover = [
        t for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and not t.name.startswith(_PROCESS_WIDE)
    ]
    for t in leftover:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    still = [f"{t.name} (daemon)" if t.daemon else t.name for t in leftover if t.is_alive()]
    new_children = _child_pids() - children_before
    while new_children and time.monotonic() < deadline:
        time.sleep(0.05)  # noqa: TID251 - polling the OS with a deadline, not a wait for the code under test
        new_children = _child_pids() - children_before
    assert not still, f"test left threads running: {still}"
    assert not new_children, f"test left child processes running: {[_process_name(p) for p in sorted(new_children)]}"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="DATABASE_URL not set (the CI script starts a throwaway PostgreSQL)")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)

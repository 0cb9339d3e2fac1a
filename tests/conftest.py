"""Shared fixtures. Qt-free: tests/recognition must run with PySide6 uninstalled."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import
os.environ.setdefault("QT_API", "pyside6")

import pytest


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    """Fail a test that leaves a non-daemon thread running."""
    before = {t.ident for t in threading.enumerate()}
    yield
    leftover = [
        t for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and not t.daemon
    ]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="DATABASE_URL not set (the CI script starts a throwaway PostgreSQL)")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)

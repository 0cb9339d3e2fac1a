from __future__ import annotations

import asyncio

import pytest

from app.paths import AppPaths
from app.services.bundle import ServiceBundle
from app.settings.model import AppSettings
from app.settings.secrets import MemorySecretStore
from app.ui.context import UiContext
from app.workers.db_executor import DbExecutor
from app.workers.signals import AppSignals
from tests.app.conftest import current_training

PW = "correct horse battery"


@pytest.fixture
def qloop(qapp):
    from app.ui.asyncio_qt import new_event_loop

    qapp.setQuitOnLastWindowClosed(False)  # dialogs close between steps, as in the app
    loop = new_event_loop(qapp)  # the app's loop: guarded against modal boxes opened in coroutines
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def executor():
    ex = DbExecutor()
    yield ex
    ex.shutdown()


@pytest.fixture
def bundle(ctx, fast_hashing, tmp_path) -> ServiceBundle:
    paths = AppPaths(tmp_path / "data", tmp_path / "cfg").ensure()
    return ServiceBundle.build(ctx, paths, MemorySecretStore(), fast_hashing)


@pytest.fixture
def admin_login(bundle):
    bundle.accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    result = bundle.accounts.login("sup1", PW)
    bundle.accounts.acknowledge_policy(result.actor, result.policy_version)
    return result


@pytest.fixture
def ui_ctx(bundle, executor, admin_login, tmp_path) -> UiContext:
    signals = AppSignals()
    signals.follow(bundle.ctx.changes)  # as the runtime does: the services' Changes reach the screens
    return UiContext(bundle, executor, signals, AppSettings(), AppPaths(tmp_path / "data", tmp_path / "cfg"),
                     admin_login.user, admin_login.actor, "Test County Sheriff")


def run_until(qloop, qtbot, predicate, timeout=5000):
    """Spin the qasync loop until predicate() holds and the async work it started has settled.

    qasync's run_until_complete processes events once more after the loop stops, with no running
    loop: a task step that is ready then fails ("no running event loop"). So return only when no
    other task is in flight (tasks parked on an open dialog excepted) for a few polls in a row.
    """
    from PySide6.QtWidgets import QApplication, QDialog

    async def wait():
        quiet = 0
        for _ in range(timeout // 10):
            dialog_open = any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
            me = asyncio.current_task()
            busy = not dialog_open and any(t is not me and not t.done() for t in asyncio.all_tasks())
            quiet = quiet + 1 if predicate() and not busy else 0
            if quiet == 3:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("condition not reached (or async work still running)")

    qloop.run_until_complete(wait())

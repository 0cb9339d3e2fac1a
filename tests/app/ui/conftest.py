from __future__ import annotations

import asyncio

import pytest

from app.paths import AppPaths
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.bundle import ServiceBundle
from app.settings.model import AppSettings
from app.ui.context import UiContext
from app.workers.db_executor import DbExecutor
from app.workers.signals import AppSignals
from tests.app.conftest import current_training

PW = "correct horse battery"


@pytest.fixture
def qloop(qapp):
    import qasync

    qapp.setQuitOnLastWindowClosed(False)  # dialogs close between steps, as in the app
    loop = qasync.QEventLoop(qapp)
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
def bundle(ctx, fast_hashing) -> ServiceBundle:
    return ServiceBundle(ctx, AccountService(ctx, fast_hashing), AdministrationService(ctx, fast_hashing))


@pytest.fixture
def admin_login(bundle):
    bundle.accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    return bundle.accounts.login("sup1", PW)


@pytest.fixture
def ui_ctx(bundle, executor, admin_login, tmp_path) -> UiContext:
    return UiContext(bundle, executor, AppSignals(), AppSettings(), AppPaths(tmp_path / "data", tmp_path / "cfg"),
                     admin_login.user, admin_login.actor, "Test County Sheriff")


def run_until(qloop, qtbot, predicate, timeout=5000):
    """Spin the qasync loop until predicate() is true."""
    async def wait():
        for _ in range(timeout // 20):
            if predicate():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("condition not reached")

    qloop.run_until_complete(wait())

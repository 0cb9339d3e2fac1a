"""Sign-out then sign-in: the old session's screens hear nothing (issue 11: "Internal C++ object
(AuditScreen) already deleted" printed for every records change after a second sign-in)."""

from __future__ import annotations

import pytest

from app.domain.changes import Changes
from app.persistence.repositories.access_log import AccessLogRepository
from app.ui.context import UiContext
from app.ui.main_window import MainWindow
from app.ui.screens.audit import AuditScreen
from app.ui.screens_registry import default_screens
from app.ui.session_hub import SessionSignals
from app.workers.signals import AppSignals
from tests.app.ui.conftest import run_until


def _access_views(bundle) -> int:  # noqa: ANN001
    """How many times the access record was browsed (read without recording a browse)."""
    with bundle.ctx.uow(read_only=True) as uow:
        return sum(1 for e in AccessLogRepository(uow.s).iter_all() if e.action == "access_log.view")


def _sign_in(ui_ctx: UiContext, hub: AppSignals, session: bool) -> MainWindow:
    """What ConsoleApp.login does: a UiContext on a session hub (or, ``session=False``, on the hub itself)."""
    signals = SessionSignals(hub) if session else hub
    ui = UiContext(ui_ctx.services, ui_ctx.executor, signals, ui_ctx.settings, ui_ctx.paths, ui_ctx.user,
                   ui_ctx.actor, ui_ctx.agency_name)
    w = MainWindow(ui, default_screens("sqlite:///x"))
    w.show()
    w.show_screen("audit")
    return w


def _sign_out(qtbot, w: MainWindow) -> None:  # noqa: ANN001
    """What ConsoleApp.logout does with the window."""
    w.shutdown()
    w.ui.close()
    w.close()
    with qtbot.waitSignal(w.destroyed):
        w.deleteLater()


@pytest.mark.parametrize("session", [True, False], ids=["session-hub", "screens-on-the-app-hub"])
def test_records_change_after_sign_out_and_sign_in_reaches_only_the_new_screens(qtbot, qloop, ui_ctx, bundle,
                                                                                session):
    hub = AppSignals()
    hub.follow(bundle.ctx.changes)  # as the runtime does
    try:
        # Given a first session on the Audit screen, signed out (its window deleted)
        first = _sign_in(ui_ctx, hub, session)
        run_until(qloop, qtbot, lambda: first.screens["audit"].access.rowCount() > 0)
        _sign_out(qtbot, first)
        # And a second session on the Audit screen
        second = _sign_in(ui_ctx, hub, session)
        qtbot.addWidget(second)
        audit: AuditScreen = second.screens["audit"]
        run_until(qloop, qtbot, lambda: audit.access.rowCount() > 0)
        before = _access_views(bundle)
        # When a records change is broadcast (pytest-qt fails the test on any exception in a slot)
        hub.changed.emit(Changes(records=True))
        # Then the new Audit screen reloads its access record, once, and nothing of the old session ran
        run_until(qloop, qtbot, lambda: _access_views(bundle) >= before + 1)
        assert _access_views(bundle) == before + 1
        second.shutdown()
    finally:
        hub.unfollow(bundle.ctx.changes)

"""Session 25: a session that ends without the Sign out question (the lock's Sign out) hands held hits back."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.domain.hit_steps import StepKind
from app.domain.hits import HitStatus
from tests.app.records_fixtures import access_rows
from tests.app.ui.conftest import run_until
from tests.app.ui.test_adversary_s24_ui import _close_app, _console_app
from tests.app.ui.test_console import K, press, raise_hit, status_of, world  # noqa: F401 - world is a fixture


def test_signing_out_at_the_lock_screen_hands_held_hits_back_to_the_queue(qtbot, qloop, world):  # noqa: F811
    """The lock's Sign out button left the hits the dispatcher held claimed by someone gone: no console alerts
    anyone to a claimed hit, F2 skips it. They go back to the queue, each release recorded with the reason."""
    from app.ui.asyncio_qt import start
    from app.ui.dialogs.login import LoginDialog

    app = _console_app(world)
    window = app.window
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    signed_out: list[bool] = []

    async def login() -> bool:
        signed_out.append(True)
        return True

    app.login = login
    try:
        window.show()
        screen = window.screens["console"]
        window.activateWindow()
        run_until(qloop, qtbot, window.isActiveWindow)
        screen.queue.setFocus()
        [hit] = raise_hit(world, "7XYZ001")
        press(qloop, qtbot, screen, K.Key_F2)
        assert status_of(world, hit.id) is HitStatus.CLAIMED
        start(app.lock("idle"))
        run_until(qloop, qtbot, lambda: isinstance(app.current, LoginDialog) and app.current.isVisible())
        lock = app.current
        qtbot.mouseClick(lock.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
        run_until(qloop, qtbot, lambda: bool(signed_out))
        qloop.run_until_complete(asyncio.sleep(0.05))
        summary = world.svc.hits.summary(world.disp.actor, hit.id)
        assert summary.claimed_by is None and summary.status is HitStatus.NEW
        steps = world.svc.hits.view(world.disp.actor, hit.id).steps
        assert steps[-1].kind is StepKind.RELEASED and steps[-1].payload.get("at_sign_out") == "lock_abandoned"
        assert any(r.object_id == str(hit.id) or r.object_id == hit.id
                   for r in access_rows(world.ctx, "hit.release")), "the release is not in the access record"
    finally:
        _close_app(app)


def _asks_first_then_acts(qtbot, qloop, screen, trigger, calls):  # noqa: ANN001, ANN202
    """Enter and Escape at the question keep everything; the action button, chosen deliberately, acts once."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def box():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)

    for key in (K.Key_Return, K.Key_Escape):
        trigger()
        run_until(qloop, qtbot, lambda: box() is not None or bool(calls))
        asked = box()
        assert asked is not None and not calls, "acted at one keystroke"
        assert asked.defaultButton() is asked.escapeButton()
        qtbot.keyClick(QApplication.focusWidget() or asked, key)
        run_until(qloop, qtbot, lambda: box() is None)
        qloop.run_until_complete(asyncio.sleep(0.05))
        assert not calls
    trigger()
    run_until(qloop, qtbot, lambda: box() is not None)
    asked = box()
    text = asked.text()
    go = next(b for b in asked.buttons() if asked.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: bool(calls))
    return text


def test_fulfilling_a_release_asks_first(qtbot, qloop, ui_ctx, monkeypatch):
    """Alt+F filed the release packet (ALPR data leaving the agency) at one keystroke, beside Approve and Deny."""
    from types import SimpleNamespace

    from app.ui.screens import records

    screen = records.RecordsScreen(ui_ctx)
    qtbot.addWidget(screen)
    calls: list = []

    async def spy(fn, *args, done=""):  # noqa: ANN001, ANN202
        calls.append((fn.__name__, args))

    request = SimpleNamespace(id=42, intake=SimpleNamespace(requester_name="Det. Pat Lee", agency="Metro PD"))
    monkeypatch.setattr(records, "selected", lambda _table, _model: [request])
    monkeypatch.setattr(screen, "_do", spy)
    text = _asks_first_then_acts(qtbot, qloop, screen, screen.fulfil, calls)
    assert "R-42" in text and "Det. Pat Lee" in text and calls == [("fulfil", (42,))]


def test_completing_an_audit_asks_first(qtbot, qloop, ui_ctx, monkeypatch):
    """'Complete and file memorandum' froze the findings at one keystroke."""
    from types import SimpleNamespace

    from app.ui.screens.audit import AuditScreen

    screen = AuditScreen(ui_ctx)
    qtbot.addWidget(screen)
    calls: list = []

    async def spy(fn, *args, done=""):  # noqa: ANN001, ANN202
        calls.append(fn.__name__)

    screen.audit = SimpleNamespace(id=7)
    monkeypatch.setattr(screen, "_do", spy)
    text = _asks_first_then_acts(qtbot, qloop, screen, screen.complete, calls)
    assert "A-7" in text and calls == ["complete"]

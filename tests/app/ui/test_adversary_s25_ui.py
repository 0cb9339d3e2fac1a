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

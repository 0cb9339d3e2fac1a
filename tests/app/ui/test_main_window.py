from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain.roles import Role
from app.ui.context import UiContext
from app.ui.idle import IdleWatcher
from app.ui.main_window import MainWindow
from app.ui.screens.users_panel import STATUS_COLUMN
from app.ui.screens_registry import default_screens
from tests.app.conftest import current_training
from tests.app.ui.conftest import PW, run_until

SHOTS = os.environ.get("ALPR_SHOTS")


def _nav_titles(w: MainWindow) -> list[str]:
    return [w.nav.item(i).text() for i in range(w.nav.count())]


def test_navigation_follows_roles(qtbot, qloop, ui_ctx, bundle):
    w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
    qtbot.addWidget(w)
    assert "Administration" in _nav_titles(w) and "Console" in _nav_titles(w)
    bundle.administration.create_user(ui_ctx.actor, "inv1", "Ivy Investigator", PW,
                                      frozenset({Role.INVESTIGATOR}), training=current_training())
    inv = bundle.accounts.login("inv1", PW)
    ui2 = UiContext(bundle, ui_ctx.executor, ui_ctx.signals, ui_ctx.settings, ui_ctx.paths, inv.user, inv.actor)
    w2 = MainWindow(ui2, default_screens("sqlite:///x"))
    qtbot.addWidget(w2)
    assert _nav_titles(w2) == ["Hot lists", "Search", "Records"]
    run_until(qloop, qtbot, lambda: True)  # the console's first queue load runs inside the loop
    w.shutdown()


def test_admin_screen_lists_users_and_unlocks(qtbot, qloop, ui_ctx, bundle, qapp):
    if SHOTS:
        from app.ui.theme import apply_theme

        apply_theme(qapp, "dark")
    bundle.administration.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", PW,
                                      frozenset({Role.DISPATCHER}), training=current_training())
    for _ in range(5):
        try:
            bundle.accounts.login("disp1", "wrong wrong wrong")
        except Exception:  # noqa: BLE001
            pass
    w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
    qtbot.addWidget(w)
    w.show()
    admin = w.show_screen("admin")
    panel = admin.users
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == 2)
    row = [u.username for u in panel.model.users].index("disp1")
    assert panel.model.data(panel.model.index(row, STATUS_COLUMN)) == "Locked (failed sign-ins)"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        w.grab().save(str(Path(SHOTS) / "admin_users.png"))
    # When the administrator selects the locked user and clicks Unlock
    panel.table.selectRow(row)
    qtbot.mouseClick(panel.actions["unlock"], Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: panel.model.data(panel.model.index(row, STATUS_COLUMN)) == "Active")
    assert bundle.accounts.login("disp1", PW).user.username == "disp1"
    if SHOTS:
        admin.tabs.setCurrentWidget(admin.agency)
        run_until(qloop, qtbot, lambda: admin.agency.policy.toPlainText() != "")
        w.grab().save(str(Path(SHOTS) / "admin_agency.png"))


def test_idle_watcher_fires_and_activity_resets(qtbot, qapp):
    watcher = IdleWatcher(minutes=0.005)  # 300 ms
    qapp.installEventFilter(watcher)
    try:
        watcher.start()
        with qtbot.waitSignal(watcher.idle, timeout=2000):
            pass
        watcher.pause()
        with qtbot.assertNotEmitted(watcher.idle, wait=500):
            pass
    finally:
        qapp.removeEventFilter(watcher)

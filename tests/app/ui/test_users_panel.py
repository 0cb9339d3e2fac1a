"""Administration > Users: editing a user through the real dialog (issue 13: user_roles IntegrityError)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.domain.roles import Role
from app.ui.dialogs.user_editor import UserDialog
from tests.app.conftest import current_training
from tests.app.ui.conftest import run_until
from tests.app.ui.forms_kit import open_dialog, users_panel


def test_edit_user_keeping_a_role_renames_rebadges_and_adds_a_role(qtbot, qloop, ui_ctx, monkeypatch):
    # Given a dispatcher account listed in the Users panel
    admin = ui_ctx.services.administration
    disp = admin.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", "Temp-Passw0rd-99",
                             frozenset({Role.DISPATCHER}), "B-100", current_training())
    warnings: list[str] = []
    monkeypatch.setattr("app.ui.screens.users_panel.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    panel = users_panel(qloop, qtbot, ui_ctx, select="disp1")

    # When the administrator changes the name and badge and adds a role, keeping "dispatcher"
    dlg = open_dialog(qloop, qtbot, UserDialog, panel.edit_user)
    dlg.full_name.clear()
    qtbot.keyClicks(dlg.full_name, "Dana Q. Dispatcher")
    dlg.badge.clear()
    qtbot.keyClicks(dlg.badge, "B-200")
    qtbot.keyClick(dlg.role_checks[Role.INVESTIGATOR], Qt.Key.Key_Space)
    assert dlg.role_checks[Role.DISPATCHER].isChecked()
    ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    # Then the change is stored, no error was shown, and the table shows it
    run_until(qloop, qtbot, lambda: any(u.full_name == "Dana Q. Dispatcher" for u in panel.model.users)
              or bool(warnings))
    assert warnings == []
    after = next(u for u in admin.list_users(ui_ctx.actor) if u.id == disp.id)
    assert after.full_name == "Dana Q. Dispatcher"
    assert after.badge_number == "B-200"
    assert after.roles == frozenset({Role.DISPATCHER, Role.INVESTIGATOR})


def test_edit_user_removing_one_role_keeps_the_other(qtbot, qloop, ui_ctx, monkeypatch):
    admin = ui_ctx.services.administration
    u = admin.create_user(ui_ctx.actor, "clerk1", "Cleo Clerk", "Temp-Passw0rd-99",
                          frozenset({Role.RECORDS_CLERK, Role.AUDITOR}), None, current_training())
    warnings: list[str] = []
    monkeypatch.setattr("app.ui.screens.users_panel.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    panel = users_panel(qloop, qtbot, ui_ctx, select="clerk1")
    dlg = open_dialog(qloop, qtbot, UserDialog, panel.edit_user)
    qtbot.keyClick(dlg.role_checks[Role.AUDITOR], Qt.Key.Key_Space)
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: any(x.id == u.id and x.roles == frozenset({Role.RECORDS_CLERK})
                                        for x in panel.model.users) or bool(warnings))
    assert warnings == []

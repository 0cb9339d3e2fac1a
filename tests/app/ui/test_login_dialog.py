from __future__ import annotations

from PySide6.QtCore import Qt

from app.persistence.repositories.access_log import AccessLogRepository
from app.ui.dialogs.login import LoginDialog
from tests.app.ui.conftest import PW, run_until


def _dialog(bundle, executor):
    async def authenticate(u, p):
        return await executor.run(bundle.accounts.login, u, p)

    return LoginDialog(authenticate, "Test County Sheriff", "WS-1")


def test_wrong_password_shows_reason_then_right_password_signs_in(qtbot, qloop, bundle, executor, admin_login):
    dlg = _dialog(bundle, executor)
    qtbot.addWidget(dlg)
    dlg.show()
    # Given a wrong password typed and Enter pressed
    qtbot.keyClicks(dlg.username, "sup1")
    qtbot.keyClicks(dlg.password, "not the password")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: "wrong password" in dlg.message.text())
    assert dlg.password.text() == ""  # cleared for the next attempt
    # When the right password is typed and Sign in clicked
    qtbot.keyClicks(dlg.password, PW)
    qtbot.mouseClick(dlg.sign_in, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: dlg.result_value is not None)
    # Then the dialog accepted with the user, and both attempts are in the access record
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.result_value.user.username == "sup1"
    with bundle.ctx.uow() as uow:
        outcomes = [(e.action, e.outcome) for e in AccessLogRepository(uow.s).recent()]
    assert ("login", "failed") in outcomes and outcomes.count(("login", "ok")) >= 2


def test_untrained_user_sees_training_message(qtbot, qloop, bundle, executor, admin_login):
    from app.domain.roles import Role

    bundle.administration.create_user(admin_login.actor, "disp9", "Dee Dispatcher", PW,
                                      frozenset({Role.DISPATCHER}))
    dlg = _dialog(bundle, executor)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.username, "disp9")
    qtbot.keyClicks(dlg.password, PW)
    qtbot.mouseClick(dlg.sign_in, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: "training" in dlg.message.text().lower())
    assert dlg.result_value is None

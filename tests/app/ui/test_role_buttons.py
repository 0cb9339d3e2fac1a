"""Issue 11: buttons a role cannot use are disabled, the tooltip naming the permission and the roles that hold it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.domain.errors import PermissionDenied
from app.domain.records.releases import ReleaseIntake, ReleaseScope
from app.domain.records.retention import RetentionPeriods
from app.domain.roles import ROLE_PERMISSIONS, Role
from app.domain.roles import Permission as P
from app.persistence.repositories.access_log import AccessLogRepository
from app.ui.dialogs.records_dialogs import ReasonDialog
from app.ui.main_window import MainWindow
from app.ui.permission_gate import is_gated, roles_with
from app.ui.screens.audit import AuditScreen
from app.ui.screens.records import DOCUMENT_VIEWERS, RecordsScreen
from app.ui.screens_registry import default_screens
from tests.app.ui.conftest import run_until
from tests.app.ui.forms_kit import ui_as

RECORDS = {"new_request": (P.INTAKE_RELEASE,), "approve": (P.APPROVE_RELEASE,), "deny": (P.APPROVE_RELEASE,),
           "fulfil": (P.FULFIL_RELEASE,), "export_hold": (P.EXPORT_EVIDENCE,), "release_hold": (P.RELEASE_HOLD,),
           "save_retention": (P.MANAGE_RETENTION,), "run_purge": (P.RUN_PURGE,), "open": DOCUMENT_VIEWERS,
           "print": DOCUMENT_VIEWERS, "usage_report": (P.PRINT_RECORDS,), "transparency": (P.PRINT_RECORDS,)}
AUDIT = {"start": P.RUN_AUDIT, "compliant": P.RUN_AUDIT, "non_compliant": P.RUN_AUDIT, "redraw": P.RUN_AUDIT,
         "complete": P.RUN_AUDIT, "review": P.MANAGE_AGENCY}
ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.RECORDS_CLERK, Role.INVESTIGATOR, Role.AUDITOR)


def _as(ui_ctx, role):  # noqa: ANN001, ANN202
    return ui_ctx if role is Role.SUPERVISOR else ui_as(ui_ctx, role)


def _check(button: QPushButton, needs: tuple[P, ...], perms: frozenset[P]) -> None:
    allowed = any(p in perms for p in needs)
    assert button.isEnabled() is allowed, button.text()
    if not allowed:  # the tooltip names the permission and every role that holds it
        tip = button.toolTip()
        assert all(p.value.replace("_", " ") in tip for p in needs), tip
        assert all(r.label in tip for r in roles_with(needs)), tip


@pytest.mark.parametrize("role", ROLES)
def test_records_and_audit_buttons_follow_the_role(qtbot, ui_ctx, role):
    ui = _as(ui_ctx, role)
    perms = ROLE_PERMISSIONS[role]
    records = RecordsScreen(ui)
    qtbot.addWidget(records)
    for key, needs in RECORDS.items():
        _check(records.actions[key], needs, perms)
    audit = AuditScreen(ui)
    qtbot.addWidget(audit)
    for key, needs in AUDIT.items():
        _check(audit.audit_buttons[key], (needs,), perms)


def test_a_clerk_cannot_press_approve_and_is_told_who_can(qtbot, qloop, ui_ctx):
    # Given a records clerk on the Records screen
    clerk = ui_as(ui_ctx, Role.RECORDS_CLERK, "clerk1")
    screen = RecordsScreen(clerk)
    qtbot.addWidget(screen)
    screen.show()
    approve = screen.actions["approve"]
    # Then Approve and Deny are disabled and say why; intake and fulfil are not
    assert not approve.isEnabled() and not screen.actions["deny"].isEnabled()
    assert approve.toolTip() == ('Your roles do not allow this. It needs the "approve release" permission, '
                                 "held by: Supervisor / ALPR administrator.")
    assert screen.actions["new_request"].isEnabled() and screen.actions["fulfil"].isEnabled()
    # and screen code that enables buttons (a reload, a selection) cannot bring it back
    approve.setEnabled(True)
    assert not approve.isEnabled() and is_gated(approve)
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    assert not any(isinstance(w, ReasonDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_a_role_reaches_explains_each_disabled_action(qtbot, qloop, ui_ctx, role):
    # Given the main window of each role, walking every screen in its navigation
    ui = _as(ui_ctx, role)
    window = MainWindow(ui, default_screens("sqlite:///x"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    for key in list(window.screens):
        screen = window.show_screen(key)
        run_until(qloop, qtbot, lambda: True)
        # Then a button the role is not allowed to use is never enabled, and always says why
        for b in screen.findChildren(QPushButton):
            if is_gated(b):
                assert not b.isEnabled() and "held by:" in b.toolTip(), (key, b.text())


def _intake() -> ReleaseIntake:
    return ReleaseIntake("Metro PD", "Det. Ray Vance", "Robbery investigation", "Subpoena 26-S-14",
                         ReleaseScope(plates=("ABC123",)))


#: what each gated button asks of the service, called directly (ids need not exist: the check comes first)
SERVICE_CALLS = {
    "new_request": lambda s, a, tmp: s.releases.intake(a, _intake()),
    "approve": lambda s, a, tmp: s.releases.review(a, 1, True, "Lawful request, scope checked"),
    "deny": lambda s, a, tmp: s.releases.review(a, 1, False, "No legal basis given for it"),
    "fulfil": lambda s, a, tmp: s.releases.fulfil(a, 1),
    "export_hold": lambda s, a, tmp: s.evidence.export_hold(a, 1, tmp / "hold.zip"),
    "release_hold": lambda s, a, tmp: s.holds.release(a, 1, "Case closed by the court"),
    "save_retention": lambda s, a, tmp: s.retention.change(a, "default", RetentionPeriods()),
    "run_purge": lambda s, a, tmp: s.purge.purge(a),
    "open": lambda s, a, tmp: s.documents.open(a, 1, "view"),
    "print": lambda s, a, tmp: s.documents.open(a, 1, "print"),
    "usage_report": lambda s, a, tmp: s.reports.usage_report(a),
    "transparency": lambda s, a, tmp: s.reports.transparency(a),
    "start": lambda s, a, tmp: s.audits.start(a),
    "compliant": lambda s, a, tmp: s.audits.mark(a, 1, True),
    "non_compliant": lambda s, a, tmp: s.audits.mark(a, 1, False, "No case number given"),
    "redraw": lambda s, a, tmp: s.audits.redraw(a, 1, "Sample drawn from the wrong month"),
    "complete": lambda s, a, tmp: s.audits.complete(a, 1, "", "Two inquiries lacked a case number"),
    "review": lambda s, a, tmp: s.audits.chief_review(a, 1, "Reviewed; training ordered"),
}


@pytest.mark.parametrize("role", ROLES)
def test_what_a_gated_button_refuses_the_service_refuses_when_called_directly(qtbot, ui_ctx, role, tmp_path):
    # Given the Records and Audit screens of a role, and each button the gate disabled for it
    ui = _as(ui_ctx, role)
    records, audit = RecordsScreen(ui), AuditScreen(ui)
    qtbot.addWidget(records)
    qtbot.addWidget(audit)
    buttons = {**records.actions, **audit.audit_buttons}
    assert set(SERVICE_CALLS) == set(buttons)
    gated = [key for key, b in buttons.items() if is_gated(b)]
    assert gated or role is Role.SUPERVISOR
    # When the same role calls the service behind each of them directly (a script, a stale screen)
    for key in gated:
        refused_before = len(_refusals(ui, ui.actor.username))
        with pytest.raises(PermissionDenied):
            SERVICE_CALLS[key](ui.services.records, ui.actor, tmp_path)
        # Then the service refuses it too, and records the refusal
        assert len(_refusals(ui, ui.actor.username)) == refused_before + 1, key
    assert not (tmp_path / "hold.zip").exists()


def _refusals(ui, username: str) -> list:  # noqa: ANN001
    with ui.services.ctx.uow() as uow:
        return [e for e in AccessLogRepository(uow.s).recent(5000)
                if e.username == username and e.outcome == "refused"]

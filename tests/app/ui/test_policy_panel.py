"""Administration > Policy: case number format (try, save, refusal kept) and jurisdiction change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.records.search import DEFAULT_CASE_PATTERN
from app.domain.roles import Role
from app.ui.context import UiContext
from app.ui.dialogs.jurisdiction import JurisdictionDialog
from app.ui.screens.policy_panel import PolicyPanel
from tests.app.conftest import current_training, signed_in
from tests.app.ui.conftest import PW, run_until


def _rows(bundle, action):
    from app.persistence.repositories.access_log import AccessLogRepository

    with bundle.ctx.uow() as uow:
        return [e.outcome for e in AccessLogRepository(uow.s).recent(action=action)]


def _panel(qtbot, qloop, ui):
    panel = PolicyPanel(ui)
    qtbot.addWidget(panel)
    panel.resize(1100, 650)
    panel.show()
    panel.reload()
    run_until(qloop, qtbot, lambda: panel.pattern.text() == DEFAULT_CASE_PATTERN)
    return panel


def test_try_field_says_whether_a_case_number_matches(qtbot, qloop, ui_ctx):
    panel = _panel(qtbot, qloop, ui_ctx)
    assert "Accepted" in panel.try_result.text()  # the example itself
    panel.try_case.clear()
    qtbot.keyClicks(panel.try_case, "N/A")
    assert panel.try_result.text().startswith("Refused")
    panel.pattern.setText("CFS(")
    assert "not a valid regular expression" in panel.try_result.text()


def test_a_refused_format_keeps_what_was_typed_and_a_good_one_is_saved(qtbot, qloop, ui_ctx, bundle):
    panel = _panel(qtbot, qloop, ui_ctx)
    panel.pattern.clear()
    qtbot.keyClicks(panel.pattern, "..+")
    qtbot.mouseClick(panel.save_case, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: panel.case_error.isVisible())
    assert "placeholder" in panel.case_error.text() and panel.pattern.text() == "..+"
    assert bundle.records.search.reason_rules().case_pattern == DEFAULT_CASE_PATTERN
    panel.pattern.clear()
    qtbot.keyClicks(panel.pattern, r"CFS\d{6}")
    panel.example.clear()
    qtbot.keyClicks(panel.example, "CFS123456")
    qtbot.mouseClick(panel.save_case, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: "Saved" in panel.case_message.text())
    assert bundle.records.search.reason_rules().case_pattern == r"CFS\d{6}"
    assert _rows(bundle, "settings.search_reasons") == ["ok", "refused"]


def _dialog(qloop, qtbot, panel):
    panel.change_jurisdiction.click()
    run_until(qloop, qtbot, lambda: any(isinstance(w, JurisdictionDialog) and w.isVisible()
                                        for w in QApplication.topLevelWidgets()))
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, JurisdictionDialog) and w.isVisible())


def test_jurisdiction_change_needs_a_reason_and_keeps_the_typing(qtbot, qloop, ui_ctx, bundle):
    panel = _panel(qtbot, qloop, ui_ctx)
    dlg = _dialog(qloop, qtbot, panel)
    dlg.choice.setCurrentIndex(dlg.choice.findData("maine"))
    assert "at most 21 days" in dlg.bounds.text()
    qtbot.keyClicks(dlg.reason, "because")
    dlg.accept()
    run_until(qloop, qtbot, lambda: "reason" in dlg.errors["reason"].text())
    assert dlg.isVisible() and dlg.reason.text() == "because" and dlg.choice.currentData() == "maine"
    dlg.reason.clear()
    qtbot.keyClicks(dlg.reason, "Agency operates under 29-A M.R.S. 2117-A")
    dlg.accept()
    run_until(qloop, qtbot, lambda: "Maine" in panel.jurisdiction_in_force.text())
    assert bundle.records.retention.jurisdiction().key == "maine"
    assert "at most 21 days" in panel.jurisdiction_bounds.text()
    assert _rows(bundle, "retention.jurisdiction") == ["ok", "refused"]


def test_a_dispatcher_is_refused_by_the_service_with_its_text(qtbot, qloop, ui_ctx, bundle):
    bundle.administration.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                                      training=current_training())
    disp = signed_in(bundle.accounts, "disp1", PW, result=True)
    ui2 = UiContext(bundle, ui_ctx.executor, ui_ctx.signals, ui_ctx.settings, ui_ctx.paths, disp.user, disp.actor)
    panel = _panel(qtbot, qloop, ui2)
    dlg = _dialog(qloop, qtbot, panel)
    dlg.choice.setCurrentIndex(dlg.choice.findData("maine"))
    qtbot.keyClicks(dlg.reason, "Agency operates under 29-A M.R.S. 2117-A")
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    assert "permission" in " ".join(dlg.problem_texts().values()).lower()
    assert dlg.reason.text() == "Agency operates under 29-A M.R.S. 2117-A"
    dlg.reject()
    assert bundle.records.retention.jurisdiction().key == "none"

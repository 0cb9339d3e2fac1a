"""Audit > Access record driven with qtbot: filters, keyset paging past the old 500-row limit, recorded export."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QApplication

from app.domain.access import AccessEntry
from app.domain.roles import Role
from app.persistence.repositories.access_log import AccessLogRepository
from app.ui.context import UiContext
from app.ui.dialogs.records_dialogs import ReasonDialog
from app.ui.screens.audit import AuditScreen
from tests.app.conftest import current_training
from tests.app.ui.conftest import PW, run_until

SHOTS = os.environ.get("ALPR_SHOTS")
WHY = "Internal affairs review of image views, case 24-001234"


def _seed(bundle, n: int, start: datetime) -> None:  # noqa: ANN001
    disp = bundle.administration.create_user(bundle_admin(bundle), "disp1", "Dana Dispatcher", PW,
                                             frozenset({Role.DISPATCHER}), "B-1", current_training())
    entries = [AccessEntry(at=start + timedelta(minutes=i), user_id=disp.id, username="disp1", workstation="WS-2",
                           action="hit.view", outcome="ok", object_type="hit", object_id=str(i)) for i in range(n)]
    with bundle.ctx.uow() as uow:
        AccessLogRepository(uow.s, bundle.ctx.sealer()).append_many(entries)


def bundle_admin(bundle):  # noqa: ANN001, ANN202
    return bundle.accounts.login("sup1", PW).actor


def _rows(bundle, action: str) -> list[AccessEntry]:  # noqa: ANN001
    with bundle.ctx.uow(read_only=True) as uow:
        return [e for e in AccessLogRepository(uow.s).iter_all() if e.action == action]


def _screen(qtbot, ui: UiContext) -> AuditScreen:  # noqa: ANN001
    a = AuditScreen(ui)
    qtbot.addWidget(a)
    a.resize(1366 - 190, 768 - 90)  # the screen's share of a 1366x768 console (navigation, header)
    a.show()
    a.activate()
    return a


def test_filters_paging_and_recorded_export_through_the_widgets(qtbot, qloop, ui_ctx, bundle, tmp_path,
                                                                 monkeypatch):
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    _seed(bundle, 450, start)
    a = _screen(qtbot, ui_ctx)
    b = a.browser
    run_until(qloop, qtbot, lambda: b.model.rowCount() > 0 and b.user.count() >= 2)

    # When the auditor filters by user and action with the keyboard and applies
    qtbot.keyClicks(b.user.lineEdit(), "disp1")
    qtbot.keyClicks(b.action.lineEdit(), "hit.view")
    qtbot.mouseClick(b.apply_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text().startswith("Page 1: rows 1-200"))
    seen = [e.object_id for e in b.model.items]
    # Then pages of 200 walk the whole set (450 rows; the old browser stopped at 500 of everything)
    qtbot.mouseClick(b.older_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text().startswith("Page 2: rows 201-400"))
    seen += [e.object_id for e in b.model.items]
    qtbot.mouseClick(b.older_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text().startswith("Page 3: rows 401-450."))
    seen += [e.object_id for e in b.model.items]
    assert seen == [str(i) for i in range(449, -1, -1)]
    assert not b.older_btn.isEnabled() and b.newer_btn.isEnabled()
    qtbot.mouseClick(b.newer_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text().startswith("Page 2: rows 201-400"))
    assert b.model.items[0].object_id == "249"

    # When a date range is added: 60 minutes from 09:00 UTC hold rows 60..119
    b.use_dates.setChecked(True)
    b.start.setDateTime(QDateTime(start + timedelta(hours=1)).toLocalTime())
    b.end.setDateTime(QDateTime(start + timedelta(hours=2)).toLocalTime())
    qtbot.mouseClick(b.apply_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text() == "Page 1: rows 1-60.")
    assert {e.object_id for e in b.model.items} == {str(i) for i in range(60, 120)}
    # and browsing was itself recorded: who looked, with which filter, once per filter (not per page)
    views = [e for e in _rows(bundle, "access_log.view") if e.username == "sup1"]
    assert [v.detail["filter"] for v in views if v.detail["filter"].get("username") == "disp1"] == [
        {"username": "disp1", "action": "hit.view"},
        {"username": "disp1", "action": "hit.view", "start": "2026-11-01T09:00:00+00:00",
         "end": "2026-11-01T10:00:00+00:00"}]
    if SHOTS:
        a.grab().save(os.path.join(SHOTS, "audit_access_browser.png"))

    # When the filtered set is exported as CSV with a reason
    target = tmp_path / "access.csv"
    monkeypatch.setattr(b, "choose_path", lambda fmt: str(target))
    qtbot.mouseClick(b.csv_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: isinstance(QApplication.activeModalWidget(), ReasonDialog))
    dlg = QApplication.activeModalWidget()
    qtbot.keyClicks(dlg.text, WHY)
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: "exported" in b.message.text())
    # Then the file holds exactly the filtered rows and the export is recorded with filter and reason
    rows = list(csv.reader(io.StringIO(target.read_text())))[1:]
    assert len(rows) == 60 and {r[1] for r in rows} == {"disp1"}
    rec = _rows(bundle, "access_log.export")
    assert len(rec) == 1 and rec[0].reason == WHY and rec[0].detail["rows"] == 60
    assert rec[0].detail["filter"]["username"] == "disp1" and rec[0].detail["filter"]["action"] == "hit.view"
    assert "start" in rec[0].detail["filter"] and "end" in rec[0].detail["filter"]


def test_a_reason_too_thin_keeps_the_export_dialog_open(qtbot, qloop, ui_ctx, bundle, tmp_path, monkeypatch):
    a = _screen(qtbot, ui_ctx)
    b = a.browser
    run_until(qloop, qtbot, lambda: b.model.rowCount() > 0)
    target = tmp_path / "access.pdf"
    monkeypatch.setattr(b, "choose_path", lambda fmt: str(target))
    qtbot.mouseClick(b.pdf_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: isinstance(QApplication.activeModalWidget(), ReasonDialog))
    dlg = QApplication.activeModalWidget()
    qtbot.keyClicks(dlg.text, "because")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: dlg.isVisible() and any(e.isVisible() for e in dlg.errors.values())
              or dlg.general.isVisible())
    assert dlg.isVisible() and dlg.text.toPlainText() == "because" and not target.exists()
    dlg.reject()
    run_until(qloop, qtbot, lambda: not dlg.isVisible())


def test_a_role_without_the_access_record_gets_no_browser(qtbot, qloop, ui_ctx, bundle):
    disp = bundle.administration.create_user(ui_ctx.actor, "disp2", "Dee Dispatcher", PW,
                                             frozenset({Role.DISPATCHER}), "B-2", current_training())
    login = bundle.accounts.login("disp2", PW)
    bundle.accounts.acknowledge_policy(login.actor, login.policy_version)
    ui = UiContext(bundle, ui_ctx.executor, ui_ctx.signals, ui_ctx.settings, ui_ctx.paths, login.user, login.actor)
    a = _screen(qtbot, ui)
    run_until(qloop, qtbot, lambda: not a.tabs.isTabEnabled(0))
    b = a.browser
    assert not b.csv_btn.isEnabled() and "view access log" in b.csv_btn.toolTip()
    assert b.model.rowCount() == 0 and disp.id is not None


def test_the_browser_fits_a_1366x768_console(qtbot, qloop, ui_ctx, bundle):
    from PySide6.QtCore import QPoint

    from app.ui.main_window import MainWindow
    from app.ui.screens_registry import default_screens

    _seed(bundle, 30, datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    b = w.show_screen("audit").browser
    run_until(qloop, qtbot, lambda: b.model.rowCount() > 0)
    if SHOTS:
        w.grab().save(os.path.join(SHOTS, "audit_access_1366x768.png"))
    # every control of the browser is on the window, none cut off at the right or the bottom
    for control in (b.user, b.action, b.object_type, b.object_id, b.use_dates, b.start, b.end, b.apply_btn,
                    b.clear_btn, b.newer_btn, b.older_btn, b.csv_btn, b.pdf_btn, b.status):
        corner = control.mapTo(w, QPoint(control.width(), control.height()))
        assert control.isVisible() and 0 < corner.x() <= w.width() and 0 < corner.y() <= w.height(), control
    w.shutdown()


def test_dates_look_off_until_between_is_ticked_and_the_filter_reads_whole_in_light(qtbot, qloop, ui_ctx, bundle,
                                                                                  qapp):
    from app.ui.theme import apply_theme

    apply_theme(qapp, "light")  # the browser was only looked at in the dark theme
    try:
        a = _screen(qtbot, ui_ctx)
        b = a.browser
        run_until(qloop, qtbot, lambda: b.model.rowCount() > 0)
        # Given no date range ticked: the date fields do not filter, so they must not look as if they did
        assert not b.use_dates.isChecked()
        assert not b.start.isEnabled() and not b.end.isEnabled()
        # When the auditor ticks Between with the keyboard, the dates become editable
        qtbot.keyClick(b.use_dates, Qt.Key.Key_Space)
        assert b.use_dates.isChecked() and b.start.isEnabled() and b.end.isEnabled()
        # and Clear takes the range off again
        qtbot.mouseClick(b.clear_btn, Qt.MouseButton.LeftButton)
        run_until(qloop, qtbot, lambda: not b.use_dates.isChecked())
        assert not b.start.isEnabled() and not b.end.isEnabled()
        # the filter boxes' hints read whole at 1366x768 (the action hint was cut to "any action (e.g. search, h...")
        for box in (b.user, b.action):
            edit = box.lineEdit()
            assert edit.fontMetrics().horizontalAdvance(edit.placeholderText()) < edit.width() - 8, edit.placeholderText()
    finally:
        apply_theme(qapp, "dark")


def test_disabled_date_fields_look_disabled_in_both_themes(qtbot, qapp):
    # The access browser's date fields were disabled (Between not ticked) but drawn like enabled ones
    from PySide6.QtGui import QColor

    from app.ui.dialogs.date_fields import DateTimeField
    from app.ui.theme import apply_theme

    try:
        for theme in ("dark", "light"):
            p = apply_theme(qapp, theme)
            field = DateTimeField(QDateTime.currentDateTime(), accessible_name="From")
            qtbot.addWidget(field)
            field.resize(200, 30)
            field.setEnabled(False)
            inside = field.grab().toImage().pixelColor(40, 4)  # inside the frame, above the text
            assert inside == QColor(p.window), (theme, inside.name())  # the disabled inputs' look: no input fill
    finally:
        apply_theme(qapp, "dark")


def test_a_records_change_leaves_the_page_being_read_and_records_no_browse(qtbot, qloop, ui_ctx, bundle):
    from app.domain.changes import Changes

    # Given the auditor reading page 2 of the access record on the Audit screen
    _seed(bundle, 450, datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    a = _screen(qtbot, ui_ctx)
    b = a.browser
    run_until(qloop, qtbot, lambda: b.model.rowCount() > 0)
    qtbot.mouseClick(b.older_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: b.status.text().startswith("Page 2:"))
    page_two = [e.id for e in b.model.items]
    views = len(_rows(bundle, "access_log.view"))
    # When a records change is heard (another clerk entered a release request): the audits reload
    ui_ctx.signals.changed.emit(Changes(records=True))
    run_until(qloop, qtbot, lambda: True)
    # Then the page being read stays (it is read again in place, not from page 1: no new browse recorded)
    assert b.status.text().startswith("Page 2:") and [e.id for e in b.model.items] == page_two
    assert len(_rows(bundle, "access_log.view")) == views

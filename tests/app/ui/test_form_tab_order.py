"""Issue 11 (forms): dates in the configured style (ISO by default), Tab from field to field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication

from app.domain import display_dates
from app.settings.model import AppSettings
from app.ui.dialogs.date_fields import DateField
from app.ui.dialogs.first_admin import FirstAdminDialog
from app.ui.dialogs.records_dialogs import HoldDialog, ReleaseIntakeDialog
from app.ui.dialogs.user_editor import UserDialog


@pytest.fixture(autouse=True)
def _iso():
    yield
    display_dates.set_date_style("iso")


def _tab_through(qtbot, dlg, presses: int) -> list:
    """Focus the first field, press Tab ``presses`` times, return the widgets focus visited."""
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    dlg.tab_chain[0].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.tab_chain[0])
    seen = [QApplication.focusWidget()]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_walks_the_release_intake_field_by_field_through_the_date_inputs(qtbot):
    dlg = ReleaseIntakeDialog()
    qtbot.addWidget(dlg)
    assert not dlg.start.isEnabled()  # the range applies only when ticked
    dlg.use_range.setChecked(True)
    chain = dlg.tab_chain
    seen = _tab_through(qtbot, dlg, len(chain) - 1)
    # every press lands on the next field: never twice on a date input (no day/month/year stops)
    assert seen == chain
    assert seen.index(dlg.end) == seen.index(dlg.start) + 1
    assert chain[:9] == list(dlg.f.values())
    assert chain[-2:] == [dlg.ok, dlg.cancel]


def test_tab_leaves_the_review_date_of_the_hold_dialog_in_one_press(qtbot):
    dlg = HoldDialog(2, "26-1")
    qtbot.addWidget(dlg)
    seen = _tab_through(qtbot, dlg, len(dlg.tab_chain) - 1)
    assert seen == [dlg.case, dlg.reason, dlg.review_on, dlg.review, dlg.ok, dlg.cancel]


def test_tab_from_cancel_comes_back_to_the_first_field_with_no_hidden_stop(qtbot, qapp):
    from app.ui.theme import DEFAULT_FONT_PT, apply_theme

    apply_theme(qapp, "dark", DEFAULT_FONT_PT)  # the console's style: OK is laid out before Cancel
    # the fields' scroller was a Tab stop of its own after Cancel (a press that seemed to do nothing),
    # and with the console's style Tab from Cancel went back to OK
    dlg = HoldDialog(2, "26-1")
    qtbot.addWidget(dlg)
    seen = _tab_through(qtbot, dlg, len(dlg.tab_chain))
    assert seen[-2:] == [dlg.cancel, dlg.case]
    # and Shift+Tab from the first field goes to Cancel
    qtbot.keyClick(dlg.case, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dlg.cancel


def test_new_user_tab_order_is_the_reading_order(qtbot):
    dlg = UserDialog(None, None)
    qtbot.addWidget(dlg)
    seen = _tab_through(qtbot, dlg, 6)
    assert seen == [dlg.username, dlg.full_name, dlg.title, dlg.badge, dlg.password,
                    *list(dlg.role_checks.values())[:2]]


@pytest.mark.parametrize("locale", ["C", "de_DE", "en_US"])
def test_date_inputs_show_iso_whatever_the_locale(qtbot, locale):
    before = QLocale()
    QLocale.setDefault(QLocale(locale))  # a stock QDateEdit: "4 12 2026", "04.12.26", "12/4/26"
    try:
        dlg = FirstAdminDialog(lambda *a: None)
        qtbot.addWidget(dlg)
        dlg.trained_on.setDate(QDate(2026, 12, 4))
        assert dlg.trained_on.text() == "2026-12-04"
    finally:
        QLocale.setDefault(before)


def test_the_configured_style_reaches_inputs_and_text(qtbot):
    display_dates.set_date_style(AppSettings(ui={"date_format": "us"}).ui.date_format)
    field = DateField(QDate(2026, 12, 4))
    qtbot.addWidget(field)
    assert field.text() == "12/04/2026"
    assert display_dates.date_text(date(2026, 12, 4)) == "12/04/2026"
    stamp = datetime(2026, 12, 4, 21, 7, 45, tzinfo=UTC)
    assert display_dates.datetime_text(stamp, seconds=True, local=False) == "12/04/2026 21:07:45"
    display_dates.set_date_style("iso")
    assert display_dates.datetime_text(stamp, local=False, zone=True) == "2026-12-04 21:07 UTC"
    with pytest.raises(ValueError):
        display_dates.set_date_style("mdy-ish")


def test_the_administrator_sets_the_date_format_in_appearance(qtbot, qloop, ui_ctx):
    from app.settings.store import load_settings
    from app.ui.screens.workstation_panels import AppearancePanel
    from tests.app.ui.conftest import run_until

    # Given Administration > Appearance (generated from the settings schema)
    panel = AppearancePanel(ui_ctx)
    qtbot.addWidget(panel)
    panel.show()
    fmt = panel.form.editors["date_format"]
    # When the administrator picks month/day/year and saves
    fmt.setCurrentIndex(fmt.findData("us"))
    qtbot.mouseClick(panel.save_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: "Saved" in panel.message.text())
    # Then it is stored and dates are written that way from now on
    assert load_settings(ui_ctx.paths.settings_file).settings.ui.date_format == "us"
    assert display_dates.date_text(date(2026, 12, 4)) == "12/04/2026"
    assert DateField(QDate(2026, 12, 4)).text() == "12/04/2026"


def _walk(qtbot, dlg, presses: int) -> list[str]:
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dlg.isAncestorOf(QApplication.focusWidget()))
    seen = [QApplication.focusWidget().accessibleName()]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().accessibleName())
    return seen


def test_console_step_dialogs_tab_field_to_field_through_the_time(qtbot):
    from app.ui.dialogs.console_dispatch import DispatchDialog
    from app.ui.dialogs.console_notified import AgencyNotifiedDialog

    async def submit(value):  # noqa: ANN001, ANN202
        return value

    notified = AgencyNotifiedDialog(submit, "CA0570200", datetime(2026, 12, 4, 21, 7, tzinfo=UTC))
    qtbot.addWidget(notified)
    assert notified.at.text().startswith("2026-12-0")  # ISO, local time
    walk = _walk(qtbot, notified, 3)
    assert walk[1:3] == ["Notified at", "Contact"]  # one stop on the time, then the next field
    notified.close()
    dispatch = DispatchDialog(submit, "Stop with caution", "2019 HOND", False, ncic_confirmed=False)
    qtbot.addWidget(dispatch)
    assert _walk(qtbot, dispatch, 3) == ["Unit ids", "Instructions relayed to units", "Exigent circumstances",
                                         "Record"]

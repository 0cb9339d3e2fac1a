"""The header names the agency, the signed-in person, their roles and the workstation readably at 1366x768."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QLabel

from app.domain.roles import Role
from app.ui.main_window import MainWindow
from app.ui.screens_registry import default_screens
from app.ui.theme import apply_theme
from tests.app.ui.conftest import run_until


def shown_whole(label) -> bool:  # noqa: ANN001
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_header_names_are_not_cut_at_1366(qtbot, qloop, ui_ctx, qapp, theme):
    apply_theme(qapp, theme)
    try:
        # Given a supervisor who is also an investigator, at a sheriff's office with a long name (as in the shots)
        user = dataclasses.replace(ui_ctx.user, roles=ui_ctx.user.roles | {Role.INVESTIGATOR})
        ui = dataclasses.replace(ui_ctx, user=user, agency_name="Demo County Sheriff's Office (demo data)")
        window = MainWindow(ui, default_screens("sqlite:///x"))
        qtbot.addWidget(window)
        # When the console opens on a 1366x768 workstation screen
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        run_until(qloop, qtbot, lambda: window.who.width() > 40)
        names = [w for w in window.findChildren(QLabel) if w.objectName() in ("HeaderAgency", "HeaderUser")]
        text = " ".join(label.text() for label in names)
        # Then the agency, the name, username and workstation, and every role are shown whole
        for part in ("Demo County Sheriff's Office (demo data)", "Sam Supervisor (sup1)", ui.actor.workstation, "Investigator",
                     "Supervisor / ALPR administrator"):
            assert part in text
        for label in names:
            assert label.isVisible()
            assert shown_whole(label), (label.text(), label.contentsRect().width())
        # and the header stays one button row tall (the console below needs the height)
        assert window.centralWidget().layout().itemAt(0).widget().height() <= window.logout_btn.height() + 20  # as the one-line header was
        window.shutdown()
    finally:
        apply_theme(qapp, "dark")

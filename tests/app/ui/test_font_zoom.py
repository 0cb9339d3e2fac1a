"""Ctrl+Plus / Ctrl+Minus / Ctrl+0 change the reading size everywhere and keep it for the next start."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.settings.store import load_settings
from app.ui.main_window import MainWindow
from app.ui.screens_registry import default_screens
from app.ui.theme import DEFAULT_FONT_PT, apply_theme, font_pt
from tests.app.ui.conftest import run_until

C = Qt.KeyboardModifier.ControlModifier


def test_default_size_reads_at_a_metre(qapp):
    apply_theme(qapp, "light", DEFAULT_FONT_PT)
    assert DEFAULT_FONT_PT > 10.5
    assert QApplication.font().pointSizeF() == DEFAULT_FONT_PT
    assert f"font-size: {DEFAULT_FONT_PT:g}pt" in qapp.styleSheet()
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def test_ctrl_plus_minus_zero_change_and_keep_the_size(qtbot, qloop, ui_ctx, qapp):
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)
    w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    run_until(qloop, qtbot, w.isActiveWindow)
    label = w.who
    before = label.fontInfo().pointSizeF()
    row_before = w.screens["console"].queue.verticalHeader().defaultSectionSize()
    # When the dispatcher presses Ctrl+Plus twice
    qtbot.keyClick(w, Qt.Key.Key_Plus, C)
    qtbot.keyClick(w, Qt.Key.Key_Equal, C)
    assert font_pt() == DEFAULT_FONT_PT + 2, font_pt()
    run_until(qloop, qtbot, lambda: ui_ctx.paths.settings_file.exists())
    # Then the text is larger on screen, and the size is kept in the workstation settings
    assert font_pt() == DEFAULT_FONT_PT + 2
    assert label.fontInfo().pointSizeF() > before
    assert w.screens["console"].queue.verticalHeader().defaultSectionSize() > row_before  # rows grow with it
    assert load_settings(ui_ctx.paths.settings_file).settings.ui.font_pt == DEFAULT_FONT_PT + 2
    # Ctrl+Minus takes one point off, Ctrl+0 goes back to the default
    qtbot.keyClick(w, Qt.Key.Key_Minus, C)
    assert font_pt() == DEFAULT_FONT_PT + 1
    qtbot.keyClick(w, Qt.Key.Key_0, C)
    run_until(qloop, qtbot, lambda: load_settings(ui_ctx.paths.settings_file).settings.ui.font_pt == DEFAULT_FONT_PT)
    assert font_pt() == DEFAULT_FONT_PT
    w.shutdown()


def test_font_size_stays_within_bounds(qtbot, qloop, ui_ctx, qapp):
    apply_theme(qapp, "light", 23.0)
    w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
    qtbot.addWidget(w)
    for _ in range(4):
        w.zoom_font(+1)
    assert font_pt() == 24.0
    run_until(qloop, qtbot, lambda: True)
    w.shutdown()
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)

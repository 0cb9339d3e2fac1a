"""The console in both themes: queue rows, the open hit and the NCIC checklist follow a theme change."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton, QScrollArea

from app.domain.alerts import ChimeBand
from app.ui.colour_checks import contrast
from app.ui.palette import DARK, LIGHT, PALETTES
from app.ui.screens.console_look import type_icon
from app.ui.theme import DEFAULT_FONT_PT, apply_theme
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import K, make_screen, press, raise_hit, world  # noqa: F401

BG = Qt.ItemDataRole.BackgroundRole
FG = Qt.ItemDataRole.ForegroundRole


@pytest.fixture
def dark_then_restore(qapp):
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)
    yield
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def _colours(html: str) -> list[str]:
    return re.findall(r"color:\s*(#[0-9a-fA-F]{6})", html)


def test_theme_change_repaints_queue_and_open_hit(qtbot, qloop, world, qapp, dark_then_restore):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    # Given an Amber alert (urgent) in the queue, opened, in the dark theme
    raise_hit(world, "7XYZ001")
    model = screen.ctrl.model
    run_until(qloop, qtbot, lambda: len(model.rows) == 1)
    assert model.data(model.index(0, 0), BG).name() == DARK.band_tint[ChimeBand.URGENT]
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None)
    # When the administrator switches this workstation to the light theme
    apply_theme(qapp, "light", DEFAULT_FONT_PT)
    # Then the row, the priority word, the checklist and the title are painted in light colours that read
    tint = model.data(model.index(0, 0), BG).name()
    word = model.data(model.index(0, 0), FG).name()
    assert tint == LIGHT.band_tint[ChimeBand.URGENT] and contrast(word, tint) >= 4.5
    for html in (screen.ncic.checklist.text(), screen.verify.title.text()):
        colours = _colours(html)
        assert colours and all(contrast(c, LIGHT.window) >= 4.5 for c in colours), (colours, html)


def _rgb(image) -> np.ndarray:  # noqa: ANN001
    img = image.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)


def test_priority_icons_differ_in_shape(qapp, dark_then_restore):
    masks = {}
    for name, priority in (("urgent", 1), ("high", 4), ("normal", 6)):
        pix = type_icon("stolen_vehicle", priority, 32).pixmap(32, 32)
        masks[name] = _rgb(pix.toImage())[:, :, 3] > 128  # the drawn shape, without colour
    for a, b in (("urgent", "high"), ("urgent", "normal"), ("high", "normal")):
        differing = (masks[a] != masks[b]).mean()
        assert differing > 0.08, (a, b, differing)  # octagon, triangle, diamond: told apart in grey too


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_disabled_buttons_do_not_look_pressable(qtbot, qapp, theme):
    apply_theme(qapp, theme, DEFAULT_FONT_PT)
    try:
        shots = {}
        for enabled in (True, False):
            b = QPushButton("NCIC query result  [F5]")
            b.setEnabled(enabled)
            qtbot.addWidget(b)
            b.resize(240, 40)
            b.show()
            qtbot.waitExposed(b)
            shots[enabled] = _rgb(b.grab().toImage())[:, :, :3].astype(float)
        # the fill (inside the border, away from the text) differs clearly between the two states
        fill_on = shots[True][6:12, 6:30].mean(axis=(0, 1))
        fill_off = shots[False][6:12, 6:30].mean(axis=(0, 1))
        assert np.abs(fill_on - fill_off).max() >= 12, (fill_on, fill_off)
        window = np.array([int(PALETTES[theme].window[i:i + 2], 16) for i in (1, 3, 5)], float)
        assert np.abs(fill_off - window).max() < 6  # disabled: flat, the window shows through
    finally:
        apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def test_open_hit_fits_the_panel_width_at_1366(qtbot, qloop, world, qapp, dark_then_restore):  # noqa: F811
    """No sideways scrolling in the verification panel at 1366x768 with the reading font."""
    screen = make_screen(qtbot, qloop, world)
    raise_hit(world, "7XYZ001")
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 1)
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None)
    screen.resize(1366 - 160, 768 - 80)  # the console's share of the window (navigation, header, status bar)
    area = screen.findChild(QScrollArea, "VerifyScroll")
    run_until(qloop, qtbot, lambda: True)
    assert not area.horizontalScrollBar().isVisible(), (area.viewport().width(), screen.verify.minimumSizeHint())


def test_alt_g_brings_the_step_log_into_view_on_a_short_screen(qtbot, qloop, world, qapp, dark_then_restore):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    screen.resize(1366 - 160, 768 - 140)  # 1366x768 with the header, a warning banner and the status bar
    raise_hit(world, "7XYZ001")
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 1)
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None and screen.ncic.log.rowCount() > 0)
    qtbot.keyClick(screen.queue, K.Key_G, Qt.KeyboardModifier.AltModifier)
    run_until(qloop, qtbot, lambda: screen.ncic.log.hasFocus())
    assert screen.ncic.log.visibleRegion().boundingRect().height() >= 40

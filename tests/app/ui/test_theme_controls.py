"""Controls drawn by the style sheet, grabbed in both themes: drop-down and spin arrows, ticks, scroll bars."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QSpinBox, QWidget

from app.domain.comparison import compare_plates
from app.ui.colour_checks import contrast, luminance, parse_hex, to_hex
from app.ui.palette import PALETTES
from app.ui.screens.console_images import ComparisonStrip
from app.ui.theme import DEFAULT_FONT_PT, apply_theme, font_sizes
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import make_screen, world  # noqa: F401

THEMES = sorted(PALETTES)


@pytest.fixture(params=THEMES)
def theme(request, qapp):
    apply_theme(qapp, request.param, DEFAULT_FONT_PT)
    yield PALETTES[request.param]
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def _grab(qtbot, widget: QWidget, w: int, h: int) -> np.ndarray:
    qtbot.addWidget(widget)
    widget.resize(w, h)
    widget.show()
    qtbot.waitExposed(widget)
    return _pixels(widget)


def _pixels(widget: QWidget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)


def _near(region: np.ndarray, colour: str, tol: int = 40) -> int:
    """How many pixels of ``region`` are within ``tol`` (per channel) of ``colour``."""
    target = np.array(parse_hex(colour), float) * 255
    return int((np.abs(region - target).max(axis=2) <= tol).sum())


def _hex(pixel: np.ndarray) -> str:
    return to_hex(tuple(float(v) / 255 for v in pixel))


def _box_px() -> int:
    return int(font_sizes(DEFAULT_FONT_PT)["arrow_box_px"])


def test_drop_down_shows_an_arrow_and_no_dark_corners(qtbot, theme):
    combo = QComboBox()
    combo.addItems(["Routine", "Urgent"])
    img = _grab(qtbot, combo, 220, 36)
    box = img[3:-3, -_box_px() + 1: -3]  # the drop-down button inside the frame
    assert _near(box, theme.text) >= 6  # the arrow, in the text's ink
    # away from the arrow (its middle third), nothing darker than the frame: the style's own sunken frame
    # left near-black corners on the light theme's light grey button
    ring = np.concatenate([box[:, :4].reshape(-1, 3), box[:, -3:].reshape(-1, 3), box[:3].reshape(-1, 3),
                           box[-3:].reshape(-1, 3)])
    darkest = min(luminance(_hex(px)) for px in ring)
    floor = min(luminance(c) for c in (theme.control_border, theme.button_bg, theme.window, theme.base))
    assert darkest >= floor * 0.9, (theme.name, darkest, floor)


def test_spin_box_shows_both_arrows(qtbot, theme):
    spin = QSpinBox()
    spin.setRange(0, 10)
    spin.setValue(5)  # both directions possible: both arrows in the text's ink
    img = _grab(qtbot, spin, 160, 36)
    buttons = img[2:-2, -_box_px() + 1: -2]
    half = buttons.shape[0] // 2
    assert _near(buttons[:half], theme.text) >= 6 and _near(buttons[half:], theme.text) >= 6, theme.name


@pytest.mark.parametrize("enabled", [True, False])
def test_ticked_box_shows_a_tick(qtbot, theme, enabled):
    shots = {}
    for ticked in (False, True):
        box = QCheckBox("Instructions relayed")
        box.setChecked(ticked)
        box.setEnabled(enabled)
        px = int(font_sizes(DEFAULT_FONT_PT)["indicator_px"])
        img = _grab(qtbot, box, 240, px + 8)
        top = (img.shape[0] - px) // 2
        shots[ticked] = img[top + 2: top + px - 2, 2: px - 1]  # inside the indicator's border
    if enabled:  # a tick mark on the fill, not only a fill (the fill alone read as a focus or a glitch)
        assert _near(shots[True], theme.tick, 30) >= 8 and _near(shots[True], theme.nav_mark, 30) >= 8, theme.name
    else:  # a disabled ticked box still shows its tick (it looked exactly like a disabled unticked one)
        ink = theme.button_disabled_text
        assert _near(shots[True], ink, 30) >= 8 and _near(shots[False], ink, 30) <= 2, theme.name


def test_scroll_bar_handle_stands_out_from_its_track(qtbot, theme):
    edit = QPlainTextEdit("\n".join(f"line {i}" for i in range(200)))
    _grab(qtbot, edit, 240, 200)
    bar = edit.verticalScrollBar()
    assert bar.isVisible() and bar.value() == 0
    img = _pixels(bar)
    handle, track = img[16, bar.width() // 2], img[-6, bar.width() // 2]
    assert contrast(_hex(handle), _hex(track)) >= 3.0, (theme.name, _hex(handle), _hex(track))


def test_comparison_strip_labels_read_in_both_themes(qtbot, theme):
    """READ / LISTED beside the characters are drawn on the panel: they reach 4.5:1 on its colour (a fixed
    grey gave 2.8:1 in the light theme)."""
    strip = ComparisonStrip()
    strip.set_comparison(compare_plates("8AMB123", "8AMB123"))
    img = _grab(qtbot, strip, 400, 92)
    labels = img[6:70, 0:58].reshape(-1, 3)
    best = max(contrast(_hex(px), theme.window) for px in labels)
    assert best >= 4.5, (theme.name, best)


def test_queue_headings_shown_whole_on_an_empty_queue(qtbot, qloop, world, theme):  # noqa: F811
    """Every heading of the queue is either shown whole or its column hidden ("/here (last seen" was centred and
    cut at both ends on an empty queue at 1366x768)."""
    screen = make_screen(qtbot, qloop, world)
    header = screen.queue.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    run_until(qloop, qtbot, lambda: header.sectionSize(0) > 0)
    for col in range(header.count()):
        if not header.isSectionHidden(col):
            text = screen.queue.model().headerData(col, Qt.Orientation.Horizontal)
            need = QFontMetrics(bold).horizontalAdvance(text) + 8  # the section's 4 px padding each side
            assert header.sectionSize(col) >= need, (theme.name, text, header.sectionSize(col), need)


def test_keyboard_focus_is_visible_on_navigation_and_comparison_strip(qtbot, theme):
    """Tabbing onto the navigation list or the comparison strip shows the theme's focus ring (neither showed any:
    the navigation's own border rule won over the list focus rule; the strip painted none)."""
    from PySide6.QtWidgets import QListWidget

    nav = QListWidget()
    nav.setObjectName("Nav")
    nav.addItems(["Console", "Hot lists", "Search"])
    nav.setCurrentRow(0)
    strip = ComparisonStrip()
    strip.set_comparison(compare_plates("8AMB123", "8AMB128"))
    for widget, size in ((nav, (160, 200)), (strip, (400, 92))):
        blurred = _grab(qtbot, widget, *size)
        widget.activateWindow()
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused = _pixels(widget)
        gained = _near(focused, theme.focus, 30) - _near(blurred, theme.focus, 30)
        assert gained >= 2 * size[1], (widget.accessibleName() or widget.objectName(), theme.name, gained)

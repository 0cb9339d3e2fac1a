"""The verification panel in its scroll area at 1366x768: nothing squeezed, every line reachable whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QScrollArea, QWidget

from app.ui.theme import DEFAULT_FONT_PT, apply_theme
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import press, world  # noqa: F401
from tests.app.ui.test_console_look import open_console, raise_pictured


def _inside(widget: QWidget, area: QScrollArea) -> bool:
    """``widget`` lies wholly inside the visible part of ``area``."""
    vp = area.viewport()
    top_left = widget.mapTo(vp, widget.rect().topLeft())
    return vp.rect().contains(QRect(top_left, widget.size()))


def _needed(widget: QWidget) -> int:
    return widget.heightForWidth(widget.width()) if widget.hasHeightForWidth() else widget.minimumSizeHint().height()


def test_open_hit_is_not_squeezed_in_its_scroll_area_at_1366(qtbot, qloop, world):  # noqa: F811
    window, screen = open_console(qtbot, qloop, world, 1366, 768)
    raise_pictured(world, "7XYZ0O1", "7XYZ001", "cam-3", "CA", 11)  # an Amber alert: instructions, 3-line title
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 1)
    screen.queue.setFocus()
    press(qloop, qtbot, screen, Qt.Key.Key_F2)
    run_until(qloop, qtbot, lambda: screen.verify.crop is not None)
    v = screen.verify
    area = screen.findChild(QScrollArea, "VerifyScroll")
    # the panel grew with what the open hit shows (title, instructions): at least its layout's minimum ...
    run_until(qloop, qtbot, lambda: v.height() >= v.layout().totalMinimumHeightForWidth(v.width()))
    # ... so no line is squeezed (the last record row was cut at the panel's bottom: the holder kept its old minimum)
    for w in (v.title, v.strip, v.instructions, *v.values.values()):
        assert w.height() >= _needed(w), (w.accessibleName(), w.height(), _needed(w))
    # and the dispatcher can bring each part wholly into view: the plate characters, the last record line
    for w in (v.strip, v.values["Vehicle"], v.values["Source"]):
        area.ensureWidgetVisible(w, 0, 0)
        run_until(qloop, qtbot, lambda w=w: _inside(w, area))


BANNER = ("No secure credential store was found (GNOME Keyring, KWallet or Windows Credential Manager). Passwords for "
          "the database and cameras cannot be remembered; install or unlock a keyring. | Alert chimes will not be "
          "heard: no audio output device | Spoken alerts will not be heard: 'aplay' is not installed (alsa-utils)")


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_plate_characters_in_view_when_a_hit_opens_at_1366(qtbot, qloop, world, qapp, theme):  # noqa: F811
    """Opened at 1366x768 under a three-line warning banner, the read-over-listed characters are wholly on screen
    without scrolling (the title wrapped beside the claim button and pushed them below the scroll area's bottom)."""
    apply_theme(qapp, theme, DEFAULT_FONT_PT)
    try:
        window, screen = open_console(qtbot, qloop, world, 1366, 768)
        window.show_banner(BANNER)
        raise_pictured(world, "ABC1234", "ABC1234", "cam-1", "CA", 3)
        run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 1)
        screen.queue.setFocus()
        press(qloop, qtbot, screen, Qt.Key.Key_F2)
        run_until(qloop, qtbot, lambda: screen.verify.crop is not None)
        area = screen.findChild(QScrollArea, "VerifyScroll")
        strip = screen.verify.strip
        run_until(qloop, qtbot, lambda: strip.height() >= strip.minimumHeight() and area.verticalScrollBar().value() == 0)
        assert _inside(strip, area), (strip.mapTo(area.viewport(), strip.rect().bottomLeft()), area.viewport().size())
        for button in (screen.verify.accept_btn, screen.verify.reject_btn):
            assert button.visibleRegion().boundingRect().size() == button.size(), button.text()
        assert not screen.verify.claim_btn.isVisible()  # the hit is ours: nothing to claim (Ctrl+K when there is)
        # the drawn wanted plate keeps its room: its caption says "drawn, no photo" in at most two lines (four
        # lines of "DRAWN from the list entry (no photo): ..." left the drawing a third of the box)
        wanted = screen.verify.wanted
        assert "no photo" in wanted.caption.lower()
        assert wanted.caption_height() <= 2 * QFontMetrics(wanted.font()).lineSpacing() + 4, wanted.caption
    finally:
        apply_theme(qapp, "dark", DEFAULT_FONT_PT)

"""The console fits a 1366x768 workstation screen and every screen is usable at 1280x720, in both themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication

from app.ui.main_window import MainWindow
from app.ui.screens_registry import default_screens
from app.ui.theme import DEFAULT_FONT_PT, apply_theme
from tests.app.ui.conftest import run_until


@pytest.fixture
def window(qtbot, qloop, ui_ctx, qapp):
    made: list[MainWindow] = []

    def make(theme: str, font_pt: float = DEFAULT_FONT_PT) -> MainWindow:
        apply_theme(qapp, theme, font_pt)
        w = MainWindow(ui_ctx, default_screens("sqlite:///x"))
        qtbot.addWidget(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def _outside(w: MainWindow, screen) -> list[str]:  # noqa: ANN001
    """Visible buttons of ``screen`` not wholly inside the window's client area."""
    inside = QRect(QPoint(0, 0), w.size())
    out = []
    for b in screen.findChildren(QAbstractButton):
        if not b.isVisibleTo(w) or not b.isVisible():
            continue
        top_left = b.mapTo(w, QPoint(0, 0))
        shown = b.visibleRegion().boundingRect().size()  # not clipped by a scroll area or a splitter
        if not inside.contains(QRect(top_left, b.size())) or shown != b.size():
            out.append(f"{b.text() or b.accessibleName()} at {top_left.x()},{top_left.y()} {b.width()}x{b.height()}")
    return out


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_console_at_1366x768_shows_every_action(qtbot, qloop, window, theme):
    w = window(theme)
    w.resize(1366, 768)
    w.show()
    console = w.show_screen("console")
    run_until(qloop, qtbot, lambda: True)
    QApplication.processEvents()
    assert w.width() <= 1366 and w.height() <= 768, (w.size(), w.minimumSizeHint())
    assert not _outside(w, console), _outside(w, console)
    for name in ("claim_btn", "mute_btn"):
        assert getattr(console, name).isVisible()
    assert console.status.isVisible() and console.status.mapTo(w, QPoint(0, console.status.height())).y() <= 768
    assert w.logout_btn.isVisible() and QRect(QPoint(0, 0), w.size()).contains(
        QRect(w.logout_btn.mapTo(w, QPoint(0, 0)), w.logout_btn.size()))
    log = console.ncic.log  # the step log is on screen, not scrolled away or squeezed out
    assert log.isVisible() and log.visibleRegion().boundingRect().height() >= 40, log.visibleRegion().boundingRect()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_screen_minimum_fits_1280x720(qtbot, qloop, window, theme):
    w = window(theme)
    w.resize(1280, 720)
    w.show()
    too_big = {}
    for key in w.screens:
        w.show_screen(key)
        run_until(qloop, qtbot, lambda: True)
        hint = w.minimumSizeHint()
        if hint.width() > 1280 or hint.height() > 720:
            too_big[key] = (hint.width(), hint.height())
    assert not too_big, too_big


def test_window_scales_to_4k(qtbot, qloop, window):
    w = window("dark", 16.0)
    w.resize(3840, 2160)
    w.show()
    console = w.show_screen("console")
    run_until(qloop, qtbot, lambda: True)
    assert w.size().width() == 3840 and w.size().height() == 2160
    # the panels take the space (no fixed-size island in a corner)
    assert console.queue.width() > 1200 and console.ncic.width() > 1200


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_search_fits_beside_the_navigation_at_1280(qtbot, qloop, ui_ctx, qapp, theme):
    """Search is not in the supervisor's navigation: built alone, it must fit 1280 minus the navigation."""
    from app.ui.screens.search import SearchScreen

    apply_theme(qapp, theme, DEFAULT_FONT_PT)
    try:
        screen = SearchScreen(ui_ctx)
        qtbot.addWidget(screen)
        screen.show()
        run_until(qloop, qtbot, lambda: True)
        nav = max(150, round(DEFAULT_FONT_PT * 13))
        assert screen.minimumSizeHint().width() <= 1280 - nav - 20, screen.minimumSizeHint()
    finally:
        apply_theme(qapp, "dark", DEFAULT_FONT_PT)

"""The console in both themes: queue rows, the open hit and the NCIC checklist follow a theme change."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from app.domain.alerts import ChimeBand
from app.ui.colour_checks import contrast
from app.ui.palette import DARK, LIGHT
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

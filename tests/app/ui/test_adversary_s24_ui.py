"""Session 24 adversarial review of the desktop UI, driven with the keyboard as a tired dispatcher would.

Each test is a probe that found a defect (or guards a safeguard no other test covers).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.hits import HitStatus
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import (  # noqa: F401 - world is a fixture
    key,
    make_screen,
    press,
    raise_hit,
    settle,
    status_of,
    steps_of,
    submit_dialog,
    wait_dialog,
    world,
)

K = Qt.Key


def test_f2_pressed_twice_claims_one_hit_not_two(qtbot, qloop, world):  # noqa: F811
    """A key bounce or a held F2 must not claim a second hit the dispatcher never sees.

    Each claim acknowledges its hit (its repeating chime stops): the hit claimed by the first press
    was held by the dispatcher while the panel showed the second one, and nobody looked at it.
    """
    screen = make_screen(qtbot, qloop, world)
    [amber] = raise_hit(world, "7XYZ001", camera="cam-2")
    [stolen] = raise_hit(world, "ABC1234")
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 2)
    # When F2 is pressed twice before the first claim has come back
    key(qtbot, screen, K.Key_F2)
    key(qtbot, screen, K.Key_F2)
    settle(qloop, qtbot, screen)
    # Then one hit is claimed, the most urgent, on screen; the other still waits for anyone to claim it
    assert screen.ctrl.detail.summary.id == amber.id and status_of(world, amber.id) is HitStatus.CLAIMED
    assert status_of(world, stolen.id) is HitStatus.NEW
    assert "still running" in screen.status.text() or "F3 accept" in screen.status.text()

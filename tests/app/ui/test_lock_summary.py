"""The lock screen says how many urgent hits wait (and how many are open); hits still chime while locked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.domain.alerts import ChimeBand
from app.ui.idle import lock_summary
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import make_screen, press, raise_hit, world  # noqa: F401 - world is a fixture


def test_lock_screen_counts_urgent_hits_waiting_and_locked_console_still_chimes(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    [amber] = raise_hit(world, "7XYZ001")
    raise_hit(world, "ABC1234")
    raise_hit(world, "ABC1234", camera="cam-2", seed=3)  # a sighting, not a third hit
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 2)
    # When the console is locked (the lock hides the console and shows the unlock dialog with the summary)
    screen.hide()
    dialog = QWidget()
    qtbot.addWidget(dialog)
    summary = lock_summary(world.ui, dialog)
    run_until(qloop, qtbot, lambda: summary.counts is not None)
    # Then it says how many urgent hits nobody claimed, and the grouped open count
    assert (summary.counts.urgent_waiting, summary.counts.open) == (1, 2)
    assert "1 URGENT hit waiting" in summary.text() and "<b>2</b> open" in summary.text()
    # And a hit raised while locked chimes and is counted
    chimes = len(world.chimes.played)
    raise_hit(world, "8OX1234", state="NV", seed=7)
    run_until(qloop, qtbot, lambda: summary.counts is not None and summary.counts.open == 3, timeout=5000)
    assert world.chimes.played[chimes:] == [ChimeBand.NORMAL]
    # And once the urgent hit is claimed (e.g. on another console) the line says so
    world.svc.hits.claim(world.disp.actor, amber.id)
    world.ui.signals.changed.emit(object())
    run_until(qloop, qtbot, lambda: summary.counts.urgent_waiting == 0, timeout=5000)
    assert "No urgent hits waiting" in summary.text()
    summary.stop()
    assert summary.accessibleName() == "Hits waiting" and summary.textFormat() == Qt.TextFormat.RichText

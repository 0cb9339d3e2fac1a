"""The whole window at 1366x768 in both themes with grouped, stale and re-raised hits (ALPR_SHOTS saves grabs)."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.ui.theme import apply_theme
from tests.app.hitkit import make_read
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import press, settle, world  # noqa: F401 - world is a fixture
from tests.app.ui.test_console_look import feed_tiles, open_console, scene_pictures

SHOTS = os.environ.get("ALPR_SHOTS")
K = Qt.Key


def _raise(wd, plate: str, camera: str, state: str, seed: int, frames: dict):
    crop, overview, frame = scene_pictures(plate, seed)
    read = dataclasses.replace(make_read(plate, camera=camera, state=state, seed=seed,
                                         ts=wd.ctx.clock.now().timestamp()), plate_jpeg=crop, overview_jpeg=overview)
    frames[camera] = frame
    out = []
    for r in wd.svc.ingest.submit(read):
        for hit in r.hits:
            wd.ui.signals.hit_raised.emit(hit)
            out.append(hit)
    return out


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_console_at_1366_with_grouped_stale_and_seen_again_hits(qtbot, qloop, world, qapp, theme):  # noqa: F811
    apply_theme(qapp, theme)
    try:
        window, screen = open_console(qtbot, qloop, world, 1366, 768)
        frames: dict = {}
        # Given a stolen plate not seen for 40 minutes, a stolen car seen four times, an Amber alert seen twice
        _raise(world, "8OX1234", "cam-4", "NV", 5, frames)
        world.ctx.clock.advance(minutes=40)
        for n in range(4):
            _raise(world, "ABC1234", f"cam-{1 + n % 3}", "CA", 3 + n, frames)
            world.ctx.clock.advance(seconds=50)
        [amber] = _raise(world, "7XYZ001", "cam-2", "CA", 11, frames)
        feed_tiles(world, frames)
        model = screen.ctrl.model
        run_until(qloop, qtbot, lambda: len(model.rows) == 3 and model.rows[1].sightings == 4)
        # When the dispatcher claims the Amber alert and the car passes another camera
        screen.queue.setFocus()
        press(qloop, qtbot, screen, K.Key_F2)
        world.ctx.clock.advance(minutes=2)
        _raise(world, "7XYZ001", "cam-3", "CA", 12, frames)
        run_until(qloop, qtbot, lambda: model.rows[0].sightings == 2 and screen.sightings.table.rowCount() == 2)
        model.tick()
        settle(qloop, qtbot, screen)
        # Then: three rows, counts of grouped hits and the stale one, the seen-again note, no cut cells
        assert [h.id for h in model.rows][0] == amber.id and "STALE" in model.data(model.index(2, 4))
        assert "<b>3</b> open" in screen.counts.text() and "1 stale over 30 min" in screen.counts.text()
        assert "seen again at cam-3" in screen.status.text()
        assert screen.queue.cut_cells() == [] and not screen.queue.horizontalScrollBar().isVisible()
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(SHOTS) / f"console_queue_{theme}_1366x768.png"))
    finally:
        apply_theme(qapp, "dark")
    assert world.ctx.clock.now() > amber.created_at + timedelta(minutes=1)

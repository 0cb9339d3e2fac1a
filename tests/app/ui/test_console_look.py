"""The console with real pictures: synthetic camera frames, plate crops, rendered wanted plates.

Set ALPR_SHOTS=/some/dir to save grabs (dark theme) for looking at the screen.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import cv2
from PySide6.QtCore import Qt

from app.domain.comparison import CellKind
from app.ui.main_window import MainWindow
from app.ui.screens.console import ConsoleScreen
from app.ui.screens.console_look import drawing_band
from app.ui.screens_registry import default_screens
from recognition.runtime.events import PreviewFrame, PreviewPlate
from recognition.synth.scene import TrafficScene
from recognition.types import CameraHealth
from tests.app.hitkit import make_read
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import key, press, raise_hit, settle, submit_dialog, wait_dialog, world  # noqa: F401

SHOTS = os.environ.get("ALPR_SHOTS")
K = Qt.Key


def scene_pictures(plate: str, seed: int) -> tuple[bytes, bytes, object]:
    """A plate crop and an overview JPEG of a synthetic car carrying ``plate``."""
    scene = TrafficScene(960, 540, seed=seed, seeded_plates=(plate,), seeded_share=1.0, vehicles_per_minute=30)
    best = None
    for i in range(400):
        frame = scene.render(i * 0.1)
        for p in frame.plates:
            if p.text == plate and (best is None or p.box.h > best[1].box.h):
                best = (frame, p)
        if best and best[1].box.h > 34:
            break
    assert best is not None
    frame, p = best
    b = p.box
    crop = frame.image[max(0, b.y - 6): b.y + b.h + 6, max(0, b.x - 8): b.x + b.w + 8]
    ok1, crop_jpg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    ok2, over_jpg = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok1 and ok2
    return crop_jpg.tobytes(), over_jpg.tobytes(), frame


def raise_pictured(wd, plate_read: str, plate_car: str, camera: str, state: str, seed: int):
    crop, overview, frame = scene_pictures(plate_car, seed)
    read = dataclasses.replace(make_read(plate_read, camera=camera, state=state, seed=seed),
                               plate_jpeg=crop, overview_jpeg=overview)
    hits = []
    for r in wd.svc.ingest.submit(read):
        for hit in r.hits:
            wd.ui.signals.hit_raised.emit(hit)
            hits.append(hit)
    return hits, frame


def feed_tiles(wd, frames: dict[str, object]) -> None:
    for i, (cam, frame) in enumerate(frames.items()):
        img = cv2.resize(frame.image, (480, 270))
        s = 480 / frame.image.shape[1]
        plates = tuple(PreviewPlate(dataclasses.replace(p.box, x=int(p.box.x * s), y=int(p.box.y * s),
                                                        w=int(p.box.w * s), h=int(p.box.h * s)), p.text, 0.93)
                       for p in frame.plates)
        wd.ui.signals.camera_preview.emit(PreviewFrame(cam, 1, time.time(), 480, 270, img, b"", plates))
        state = "reconnecting" if i == 3 else "live"
        wd.ui.signals.camera_health.emit(CameraHealth(cam, state, 9.8 - i, 9.8 - i, 3 * i, i))


def open_console(qtbot, qloop, wd, width: int, height: int) -> tuple[MainWindow, ConsoleScreen]:
    """The main window at ``width`` x ``height``, active, on the console with the test's alerts attached."""
    window = MainWindow(wd.ui, default_screens("sqlite:///x"))
    qtbot.addWidget(window)
    window.resize(width, height)
    screen: ConsoleScreen = window.screens["console"]
    screen.attach_alerts(wd.alerts)
    window.show()
    window.activateWindow()
    run_until(qloop, qtbot, window.isActiveWindow)
    return window, screen

def test_verification_panel_shows_pictures_and_lookalikes(qtbot, qloop, world, qapp):  # noqa: F811
    if SHOTS:
        from app.ui.theme import apply_theme

        apply_theme(qapp, "dark")
    window, screen = open_console(qtbot, qloop, world, 1600, 1000)
    # Given four cameras and hits of several types (one read with a look-alike: Z read for 2)
    frames = {}
    _h, frames["cam-1"] = raise_pictured(world, "ABC1234", "ABC1234", "cam-1", "CA", 3)
    world.ctx.clock.advance(seconds=40)
    _h, frames["cam-2"] = raise_pictured(world, "8OX1234", "8OX1234", "cam-2", "NV", 5)
    world.ctx.clock.advance(seconds=25)
    [amber], frames["cam-3"] = raise_pictured(world, "7XYZ0O1", "7XYZ001", "cam-3", "CA", 11)
    world.ctx.clock.advance(seconds=10)
    _h, frames["cam-4"] = raise_pictured(world, "ABC1234", "ABC1234", "cam-4", "CA", 17)
    feed_tiles(world, frames)
    run_until(qloop, qtbot, lambda: all(t.frames_shown for t in screen.tiles.tiles.values())
              and len(screen.ctrl.model.rows) == 3)  # ABC1234 at cam-1 and cam-4: one hit, two sightings
    assert screen.ctrl.model.rows[0].id == amber.id
    assert [h.sightings for h in screen.ctrl.model.rows if h.plate_listed == "ABC1234"] == [2]
    # When the dispatcher claims the next hit (the Amber alert)
    screen.queue.setFocus()
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.verify.crop is not None)
    v = screen.verify
    # Then crop, overview and the rendered wanted plate (as tall as the crop) are shown side by side
    assert v.captured.image is not None and v.overview.image is not None
    plate_h = max(48, v.crop.height())  # the drawn plate as tall as the crop, under its "DRAWING" band
    assert v.wanted.image is not None and v.wanted.image.height() == plate_h + drawing_band(plate_h)
    kinds = [c.kind for c in v.strip.comparison.cells]
    assert kinds.count(CellKind.LOOKALIKE) == 1 and "look-alike" in v.strip_text.text()
    assert "INSTRUCTIONS" in v.instructions.text() and v.instructions.isVisible()
    # Zoom with the keyboard: the wanted plate follows the crop's zoom
    v.captured.setFocus()
    qtbot.keyClick(v.captured, K.Key_Plus)
    assert v.captured.zoom_index == 1 and v.wanted.zoom_index == 1
    qtbot.keyClick(v.captured, K.Key_0)
    # the look-alike makes F3 an override with a typed reason
    key(qtbot, screen, K.Key_F3)
    dlg = wait_dialog(qloop, qtbot, screen)
    qtbot.keyClicks(dlg.reason, "Zero and letter O look alike; the car matches the Amber alert")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_F5)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    screen.tiles.note_hit("cam-3", "7XYZ0O1 amber alert")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / "console.png"))
        key(qtbot, screen, K.Key_F4 if False else K.Key_F8)
        dlg = wait_dialog(qloop, qtbot, screen)
        dlg.grab().save(str(Path(SHOTS) / "console_dispatch.png"))
        qtbot.keyClick(dlg, K.Key_Escape)
        settle(qloop, qtbot, screen)

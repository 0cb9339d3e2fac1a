"""Console details: audio warnings never silent, mute, camera tiles, other consoles, corrections, release."""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.alerts import AudioStatus, ChimeBand
from app.domain.hit_steps import StepKind
from app.domain.hits import HitStatus
from app.domain.notifications import HitNotification
from app.domain.roles import Role
from recognition.runtime.events import PreviewFrame, PreviewPlate
from recognition.types import BBox, CameraHealth
from tests.app.hitkit import make_actor
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import (  # noqa: F401 - world is a fixture
    key,
    make_screen,
    press,
    raise_hit,
    settle,
    steps_of,
    submit_dialog,
    wait_dialog,
    world,
)

K = Qt.Key


def test_audio_problem_stays_on_the_banner(qtbot, qloop, world):  # noqa: F811
    seen: list[str] = []
    world.ui.signals.banner.connect(seen.append)
    # Given the audio check finds no device
    world.alerts.on_audio_status(AudioStatus(speech_problem="no audio output device",
                                             chime_problem="no audio output device", checked=True))
    assert "Alert chimes will not be heard" in seen[-1]
    # When another part of the app clears its own banner, ours comes back at once
    world.ui.signals.banner.emit("")
    run_until(qloop, qtbot, lambda: "Spoken alerts will not be heard" in seen[-1])
    # And another warning is shown beside ours, not instead of it
    world.ui.signals.banner.emit("Database unreachable: spooling 1 read to disk")
    run_until(qloop, qtbot, lambda: "chimes will not be heard" in seen[-1])
    assert seen[-1].startswith("Database unreachable")
    # The console shows it too
    screen = make_screen(qtbot, qloop, world)
    assert "AUDIO PROBLEM" in screen.audio.text()
    # When audio comes back the warning goes
    world.alerts.on_audio_status(AudioStatus(checked=True))
    assert "not be heard" not in seen[-1]


def test_mute_by_keyboard_never_mutes_top_priority(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    key(qtbot, screen, K.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert world.alerts.policy.muted and screen.mute_btn.isChecked()
    spoken = len(world.speaker.texts)
    raise_hit(world, "ABC1234")  # stolen vehicle, priority 4: chime only
    assert len(world.speaker.texts) == spoken and world.chimes.played[-1] is ChimeBand.HIGH
    raise_hit(world, "7XYZ001", camera="cam-2")  # Amber alert: spoken even when muted
    assert len(world.speaker.texts) == spoken + 1 and "Amber" in world.speaker.texts[-1]
    key(qtbot, screen, K.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert not world.alerts.policy.muted


def test_camera_tiles_throttle_and_show_health(qtbot, qloop, world):  # noqa: F811
    import numpy as np

    screen = make_screen(qtbot, qloop, world)
    img = np.full((180, 320, 3), 90, np.uint8)
    plate = PreviewPlate(BBox(100, 80, 60, 20), "ABC1234", 0.9)
    world.ui.signals.camera_health.emit(CameraHealth("cam-9", "reconnecting", 0.0, 0.0, 12, 3, "timeout"))
    # Given a camera publishing 100 previews per second for half a second
    async def publish() -> float:
        t0 = time.monotonic()
        for i in range(50):
            world.ui.signals.camera_preview.emit(PreviewFrame("cam-9", i, time.time(), 320, 180, img, b"", (plate,)))
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        return time.monotonic() - t0

    elapsed = qloop.run_until_complete(publish())
    tile = screen.tiles.tiles["cam-9"]
    # Then at most ~15 of them were painted per second, and the last read is overlaid
    assert 1 <= tile.frames_shown <= 15 * elapsed + 2 and tile.frames_shown < 40
    assert tile.last_read == "ABC1234"
    text, _colour = tile.health_text()
    assert text.startswith("RECONNECTING") and "12 dropped" in text
    assert "RECONNECTING" in tile.accessibleDescription().upper()


def test_claim_on_another_console_shows_and_acknowledges(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "7XYZ001")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    assert str(hit.id) in world.alerts.unacknowledged
    # When a dispatcher on another console claims it (their NOTIFY reaches us)
    other = make_actor(world.ctx, "disp.lee", frozenset({Role.DISPATCHER}))
    world.svc.hits.claim(other, hit.id)
    screen.ctrl.on_notification(HitNotification(hit.id, "claim", "OTHER-WS", "disp.lee", 1))
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows[0].claimed_by is not None)
    # Then the row says who has it, and the reminders stop
    status = screen.ctrl.model.data(screen.ctrl.model.index(0, 3))
    assert status == "disp.lee", status  # short status; "Claimed by disp.lee since ..." is the tooltip
    assert str(hit.id) not in world.alerts.unacknowledged
    assert screen.ctrl.model.unacknowledged == 0
    # Claim next finds nothing left for us
    press(qloop, qtbot, screen, K.Key_F2)
    assert "No unclaimed hits" in screen.status.text()


def test_correction_stolen_plate_check_and_release_by_keyboard(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "8OX1234", state="NV")  # stolen plate
    press(qloop, qtbot, screen, K.Key_F2)
    press(qloop, qtbot, screen, K.Key_F3)
    # F5 records "still outstanding" (Space picks the focused answer)
    key(qtbot, screen, K.Key_F5)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    # Alt+G to the step log (the latest step is current), Ctrl+E corrects it: Down picks "Cleared"
    key(qtbot, screen, K.Key_G, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is screen.ncic.log
    key(qtbot, screen, K.Key_Up)
    key(qtbot, screen, K.Key_Down)
    assert screen.ncic.log.item(screen.ncic.log.currentRow(), 3).text().startswith("NCIC query")
    key(qtbot, screen, K.Key_E, Qt.KeyboardModifier.ControlModifier)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    detail = world.svc.hits.view(world.disp.actor, hit.id)
    queries = [s for s in detail.steps if s.kind is StepKind.NCIC_QUERY]
    assert [q.payload["result"] for q in queries] == ["outstanding", "cleared"]
    assert queries[1].corrects_step_id == queries[0].id  # the first is kept, never edited
    run_until(qloop, qtbot, lambda: "corrected by" in screen.ncic.log.item(2, 3).text())
    # F9: stolen-plate check, "different vehicle", returned vehicle typed, units advised ticked
    screen.queue.setFocus()
    key(qtbot, screen, K.Key_F9)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Space)
    key(qtbot, screen, K.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "2015 TOYT CAM WHI")
    key(qtbot, screen, K.Key_Tab)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    check = world.svc.hits.view(world.disp.actor, hit.id).steps[-1]
    assert check.payload == {"same_vehicle": "different", "returned_vehicle": "2015 TOYT CAM WHI",
                             "units_advised": True}
    # Ctrl+Shift+R gives it back to the queue
    press(qloop, qtbot, screen, K.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert steps_of(world.ctx, hit.id)[-1] == "released"
    summary = world.svc.hits.summary(world.disp.actor, hit.id)
    assert summary.claimed_by is None and summary.status is HitStatus.VERIFIED


def test_app_runtime_runs_the_demo_feed_into_the_queue(qtbot, qloop, world):  # noqa: F811
    from app.runtime.app_runtime import AppRuntime, RuntimeOptions

    screen = make_screen(qtbot, qloop, world)
    ui = world.ui
    rt = AppRuntime(ui.services, ui.executor, ui.signals, ui.paths,
                    RuntimeOptions(demo=True, demo_plates=("ABC1234", "7XYZ001"), use_models=False,
                                   child_process=False))
    assert rt.start_alerts(lambda: world.alerts) is world.alerts
    rt.start_recognition(())  # no cameras of its own: the demo cameras; the tiles hear of them on the hub
    try:
        assert set(screen.tiles.tiles) == {"demo-1", "demo-2"}
        # Then live frames reach the tiles and a demo vehicle carrying a listed plate becomes a hit
        run_until(qloop, qtbot, lambda: screen.ctrl.model.rows and all(
            t.frames_shown for t in screen.tiles.tiles.values()), timeout=60000)
        assert world.chimes.played
    finally:
        rt.stop()
    assert rt.bridge is None and rt.alerts is None  # stop() ends recognition and the alerts


def test_camera_tile_shows_a_source_that_ended_with_an_error(qtbot):
    from app.ui.screens.console_cameras import CameraInfo, CameraTile
    from recognition.types import CameraHealth

    tile = CameraTile(CameraInfo("f", "File camera", "Lot"))
    qtbot.addWidget(tile)
    tile.set_health(CameraHealth("f", "stopped", last_error="corrupt frame data at frame 10 of 30"))
    text, colour = tile.health_text()
    assert text.startswith("ERROR: corrupt frame data") and colour != "#9aa7b4"
    assert "corrupt frame data" in tile.accessibleDescription()
    tile.set_health(CameraHealth("f", "stopped"))  # a clean end stays a plain STOPPED
    assert tile.health_text()[0].startswith("STOPPED")

"""The grouped, ageing queue on the real console: sightings, re-raised attention, stale hits, fitting cells."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.domain.alerts import ChimeBand
from app.domain.hits import HitStatus
from app.persistence.orm.audit import AccessLogRow
from app.ui.screens.console_cameras import CameraInfo, CameraTile, tile_warning_colour
from app.ui.screens.console_look import OK_COLOUR
from app.ui.screens.console_queue import COL
from recognition.config import CameraConfig, DemoSourceConfig
from recognition.types import CameraHealth
from tests.app.hitkit import make_read
from tests.app.test_hit_grouping_rules import T0, _hit, chicago_clock  # noqa: F401 - chicago_clock: a fixture
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import (  # noqa: F401 - world is a fixture
    key,
    make_screen,
    press,
    raise_hit,
    settle,
    world,
)

K = Qt.Key
SHOTS = os.environ.get("ALPR_SHOTS")


def raise_now(world, plate: str, camera: str = "cam-1", state: str | None = "CA", seed: int = 0):  # noqa: F811
    """Like raise_hit, with the read captured at the (fake) clock's time."""
    result = world.svc.ingest.submit(make_read(plate, camera=camera, state=state, seed=seed,
                                               ts=world.ctx.clock.now().timestamp()))
    for r in result:
        for hit in r.hits:
            world.ui.signals.hit_raised.emit(hit)
    return [h for r in result for h in r.hits]


def test_demo_feed_repeat_reads_of_a_listed_plate_are_one_row_with_every_sighting(qtbot, qloop, world):  # noqa: F811
    from app.runtime.app_runtime import AppRuntime, RuntimeOptions

    screen = make_screen(qtbot, qloop, world)
    ui = world.ui
    rt = AppRuntime(ui.services, ui.executor, ui.signals, ui.paths,
                    RuntimeOptions(demo=True, demo_plates=("ABC1234",), use_models=False, child_process=False))
    rt.start_alerts(lambda: world.alerts)
    # Given three demo cameras whose traffic keeps carrying the listed plate ABC1234 (frames as fast as they
    # are read); each camera reads a pass once (its repeat suppressor folds a car that stays in view)
    demos = tuple(CameraConfig(id=f"demo-{i}", name=f"Demo {i}", direction="NB", location=f"Main St & {i}th Ave",
                               source=DemoSourceConfig(seed=i, plates=("ABC1234",), seeded_share=1.0, realtime=False))
                  for i in (1, 2, 3))
    rt.start_recognition(demos)
    model = screen.ctrl.model
    try:
        # When the car passes the cameras
        run_until(qloop, qtbot, lambda: model.rows and model.rows[0].sightings >= 3, timeout=120000)
    finally:
        rt.stop()
    settle(qloop, qtbot, screen)
    # Then the queue has one row for it, with the number of sightings, and counts one open hit
    [hit] = [h for h in model.rows if h.plate_listed == "ABC1234"]
    assert len(model.rows) == 1, [h.plate_read for h in model.rows]
    assert model.data(model.index(0, COL["Seen"])).startswith(f"x{hit.sightings} ")
    assert "<b>1</b> open" in screen.counts.text()
    stored = world.svc.hits.summary(world.disp.actor, hit.id)
    assert stored.sightings == hit.sightings
    # And opening it lists every sighting (time, camera, plate, confidence)
    screen.queue.setFocus()
    screen.queue.setCurrentIndex(model.index(0, 0))
    press(qloop, qtbot, screen, K.Key_Return)
    run_until(qloop, qtbot, lambda: screen.sightings.hit_id == hit.id
              and screen.sightings.table.rowCount() >= hit.sightings)
    assert screen.sightings.title.text() == f"SIGHTINGS ({screen.sightings.table.rowCount()})"
    # (the demo cameras are not in the camera table here: ingest registers them under their keys)
    assert all(screen.sightings.table.item(r, 1).text().startswith("demo-") for r in range(3))
    assert screen.sightings.table.item(0, 2).text() == "ABC1234"


def test_an_acknowledged_urgent_hit_seen_again_chimes_speaks_and_says_where(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    [amber] = raise_hit(world, "7XYZ001", camera="cam-1")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    press(qloop, qtbot, screen, K.Key_F2)  # claimed: acknowledged, reminders stop
    assert str(amber.id) not in world.alerts.unacknowledged
    chimes, spoken = len(world.chimes.played), len(world.speaker.texts)
    # When the same car passes another camera 3 minutes later
    world.ctx.clock.advance(minutes=3)
    [again] = raise_hit(world, "7XYZ001", camera="cam-3", seed=5)
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows[0].sightings == 2)
    # Then it is the same row, raised again: chime, speech, flash and where/when, without new reminders
    assert again.id == amber.id and len(screen.ctrl.model.rows) == 1
    assert world.chimes.played[chimes:] == [ChimeBand.URGENT] and len(world.speaker.texts) == spoken + 1
    assert screen.ctrl.model.flashing(amber.id)
    seen_at = again.last_seen_at
    assert f"seen again at cam-3 {seen_at:%H:%M}" in screen.status.text()
    assert str(amber.id) not in world.alerts.unacknowledged
    # and the open hit's sighting list grew
    run_until(qloop, qtbot, lambda: screen.sightings.table.rowCount() == 2)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        screen.grab().save(str(Path(SHOTS) / "console_seen_again.png"))


def test_an_acknowledged_routine_hit_seen_again_only_chimes(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    raise_hit(world, "ABC1234")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    press(qloop, qtbot, screen, K.Key_F2)
    chimes, spoken = len(world.chimes.played), len(world.speaker.texts)
    raise_hit(world, "ABC1234", camera="cam-2", seed=9)
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows[0].sightings == 2)
    assert world.chimes.played[chimes:] == [ChimeBand.HIGH] and len(world.speaker.texts) == spoken
    assert not screen.ctrl.model.flashing(screen.ctrl.model.rows[0].id)


def test_stale_hits_are_counted_and_routine_ones_sink_while_urgent_ones_stay_on_top(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    model = screen.ctrl.model
    # Given an Amber alert and a stolen vehicle, then 31 minutes later a stolen plate (lower priority) seen now
    [amber] = raise_now(world, "7XYZ001")
    [stolen] = raise_now(world, "ABC1234")
    world.ctx.clock.advance(minutes=31)
    [plate] = raise_now(world, "8OX1234", state="NV", seed=3)
    run_until(qloop, qtbot, lambda: len(model.rows) == 3)
    model.tick()
    # Then the two old hits are stale: counted, marked, never dropped; the urgent one keeps its place
    assert [h.id for h in model.rows] == [amber.id, plate.id, stolen.id]
    assert "2 stale over 30 min (1 urgent)" in screen.counts.text()
    assert "STALE" in model.data(model.index(0, COL["Seen"])) and "STALE" in model.data(model.index(2, COL["Seen"]))
    assert "STALE" not in model.data(model.index(1, COL["Seen"]))
    # When the stolen vehicle is seen again it is fresh again and moves back up
    raise_now(world, "ABC1234", camera="cam-2", seed=4)
    run_until(qloop, qtbot, lambda: [h.id for h in model.rows] == [amber.id, stolen.id, plate.id])
    assert "1 stale over 30 min (1 urgent)" in screen.counts.text()


def test_queue_cells_are_not_cut_and_there_is_no_horizontal_scrollbar_at_1366(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)  # 1366 x 768
    for n, (plate, state) in enumerate((("7XYZ001", "CA"), ("ABC1234", "CA"), ("8OX1234", "NV"))):
        raise_hit(world, plate, camera=f"Harbor Boulevard at Pier {n} southbound", state=state, seed=n)
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 3)
    for _ in range(3):
        raise_hit(world, "ABC1234", seed=10 + _)
    press(qloop, qtbot, screen, K.Key_F2)  # a claimed row: "you 14:00"
    world.ctx.clock.advance(minutes=40)
    screen.ctrl.model.tick()
    settle(qloop, qtbot, screen)
    q = screen.queue
    # Then every cell but the elided "Where" column shows its whole text, without a horizontal scrollbar
    assert q.cut_cells() == []
    assert not q.horizontalScrollBar().isVisible()
    assert q.horizontalHeader().length() <= q.viewport().width()
    assert screen.ctrl.model.data(screen.ctrl.model.index(1, COL["Status"])) == "NEW"
    where = screen.ctrl.model.index(0, COL["Where (last seen)"])
    assert "Harbor Boulevard" in screen.ctrl.model.data(where, Qt.ItemDataRole.ToolTipRole)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        screen.window().grab().save(str(Path(SHOTS) / "console_queue_1366.png"))


def test_a_narrow_queue_hides_the_least_needed_columns_instead_of_scrolling(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    raise_hit(world, "7XYZ001")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    screen.splitters[0].setSizes([520, 846])
    settle(qloop, qtbot, screen)
    q = screen.queue
    assert q.horizontalHeader().isSectionHidden(COL["List age"]) and q.cut_cells() == []
    assert not q.horizontalScrollBar().isVisible()


def test_viewing_a_sightings_crop_by_keyboard_is_recorded(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "ABC1234")
    raise_hit(world, "ABC1234", camera="cam-2", seed=2)
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows and screen.ctrl.model.rows[0].sightings == 2)
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.sightings.table.rowCount() == 2)
    key(qtbot, screen, K.Key_S, Qt.KeyboardModifier.AltModifier)
    assert screen.sightings.table.hasFocus()
    qtbot.keyClick(screen.sightings.table, K.Key_Return)
    run_until(qloop, qtbot, lambda: screen.sightings.crop.pixmap() is not None
              and not screen.sightings.crop.pixmap().isNull() or "No crop" in screen.sightings.crop.text())
    with world.ctx.uow() as uow:
        rows = uow.s.scalars(select(AccessLogRow).where(AccessLogRow.action == "hit.image")).all()
    sighting_views = [r for r in rows if (r.detail or {}).get("sighting")]
    assert len(sighting_views) == 1 and sighting_views[0].detail["read_id"] != hit.read_id


def test_dropped_frames_show_as_a_warning_not_in_the_green_of_live(qtbot):
    tile = CameraTile(CameraInfo("c", "Main St"))
    qtbot.addWidget(tile)
    tile.set_health(CameraHealth("c", "live", fps_in=9.8, dropped=1605))
    parts = dict((t, c) for t, c in tile.health_parts())
    assert parts["LIVE"] == OK_COLOUR
    dropped = next(c for t, c in parts.items() if "1605 dropped" in t)
    assert dropped == tile_warning_colour() and dropped != OK_COLOUR
    tile.set_health(CameraHealth("c", "live", fps_in=9.8, dropped=0))
    assert all(c != tile_warning_colour() for _t, c in tile.health_parts()[1:])


def test_claimed_status_is_short_and_the_tooltip_says_it_in_words(qtbot, qloop, world):  # noqa: F811
    screen = make_screen(qtbot, qloop, world)
    raise_hit(world, "ABC1234")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    press(qloop, qtbot, screen, K.Key_F2)
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows[0].status is HitStatus.CLAIMED)
    model = screen.ctrl.model
    assert model.data(model.index(0, COL["Status"])) == "you"
    assert "Claimed by you since 14:00" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert world.ctx.clock.now() - model.rows[0].created_at < timedelta(minutes=1)


def test_a_sighting_stored_by_another_console_reaches_this_queue_by_notification(qtbot, qloop, world):  # noqa: F811
    from app.domain.notifications import HitNotification

    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "7XYZ001")
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows)
    chimes = len(world.chimes.played)
    # Given another console stored a new read of the same car (no hit_raised here: it comes by NOTIFY)
    world.svc.ingest.submit(make_read("7XYZ001", camera="cam-7", seed=8))
    # When its "sighting" notification arrives
    screen.ctrl.on_notification(HitNotification(hit.id, "sighting", "OTHER-WS", "", 1))
    # Then the row shows two sightings, and the unclaimed urgent hit sounds again
    run_until(qloop, qtbot, lambda: screen.ctrl.model.rows[0].sightings == 2)
    assert world.chimes.played[chimes:] == [ChimeBand.URGENT]
    assert "seen again at cam-7" in screen.status.text()


def test_queue_times_are_the_local_clock_not_utc(qapp, chicago_clock):  # noqa: F811 - chicago_clock is a fixture
    from app.ui.screens.console_queue import HitQueueModel

    seen = T0.replace(hour=14, minute=3)
    model = HitQueueModel(now=lambda: seen + timedelta(minutes=1))
    model.upsert(_hit(priority=4, status=HitStatus.CLAIMED, seen=seen, claimed_by=5, claimed_by_name="jdoe",
                      claimed_at=seen, sightings=3))
    assert model.data(model.index(0, COL["Seen"])) == "x3 08:03"  # 14:03 UTC is 08:03 in Chicago
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "since 08:03" in tip and "14:03" not in tip


def test_a_burst_of_hits_is_counted_once_per_row_batch_not_once_per_row(qtbot, qloop, world):  # noqa: F811
    # The storm bench's GUI stall: every row of a batch recounted the whole queue (stale, urgent, new)
    from app.ui.console_controller import ConsoleController

    ctrl = ConsoleController(world.ui, None)
    counted: list[int] = []
    ctrl.model.counts_changed.connect(lambda c: counted.append(c.open))
    # When 40 hits are raised within one row batch
    for i in range(1, 41):
        ctrl.on_hit_raised(_hit(hit_id=i, priority=1 + i % 8, seen=T0, created=T0))
    run_until(qloop, qtbot, lambda: ctrl.model.rowCount() == 40)
    # Then every hit is in the queue and the counts were worked out per batch (the first hit alone, then the rest)
    assert counted[-1] == 40
    assert len(counted) <= 2, counted
    ctrl.stop()


def test_a_tiles_last_read_is_never_drawn_over_the_camera_name(qtbot):
    # Seen in the 1366x768 shots: "Demo Harbor Blvdlast read 8AMB123" on a 262 px tile
    from PySide6.QtGui import QFontMetrics

    from app.ui.screens.console_cameras import BAR_H

    tile = CameraTile(CameraInfo("cam-2", "Demo Harbor Blvd", "Harbor Blvd"))
    qtbot.addWidget(tile)
    tile.resize(262, 170)
    name_w = QFontMetrics(tile._plate_font).horizontalAdvance(tile.info.name)

    def name_area():  # noqa: ANN202
        return tile.grab().toImage().copy(0, 0, 6 + name_w + 4, BAR_H)

    bare = name_area()
    for plate in ("8AMB123", "38TF81", "7ABC123456"):
        tile.last_read = plate
        assert name_area() == bare, plate  # nothing of the read lands on the name
    tile.resize(600, 170)
    assert tile.last_read_text(600 - 12 - name_w - 10) == "last read 7ABC123456"  # with room it says so in full

"""A plate is a panel of its own on the vehicle; lettering is painted on the body (tracker's panel cue)."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.track import PlateTracker, Sighting
from recognition.track.images import panel_contrast
from recognition.track.likeness import PANEL_FLOOR, PlateEvidence
from recognition.types import BBox, Frame, PlateDetection, PlateObservation, PlateText

BODY = (60, 40, 150)  # red paint (BGR)


def paint(plates: list[BBox], lettering: list[BBox], size: tuple[int, int] = (720, 1280)) -> np.ndarray:
    """A frame: a red vehicle body with white plate panels (dark characters) and dark lettering on the paint."""
    image = np.zeros((*size, 3), np.uint8)
    image[:] = (90, 110, 100)  # road
    for box in plates + lettering:  # the vehicle's rear around everything
        cv2.rectangle(image, (box.x - 3 * box.h, box.y - 2 * box.h), (box.x + box.w + 3 * box.h, box.y + 3 * box.h), BODY, -1)
    for box in plates:
        cv2.rectangle(image, (box.x, box.y), (box.x + box.w - 1, box.y + box.h - 1), (235, 235, 235), -1)
        _glyphs(image, BBox(box.x + box.w // 10, box.y + box.h // 4, box.w * 8 // 10, box.h // 2))
    for box in lettering:  # a text detector's box has a little margin around the characters
        _glyphs(image, BBox(box.x + box.h // 5, box.y + box.h // 5, box.w - 2 * (box.h // 5), box.h - 2 * (box.h // 5)))
    return image


def _glyphs(image: np.ndarray, box: BBox) -> None:
    step = max(3, box.h // 2)
    for x in range(box.x, box.x + box.w - step // 2, step):
        cv2.rectangle(image, (x, box.y), (x + step // 2, box.y + box.h - 1), (20, 20, 20), -1)


def sighting(text: str, box: BBox, conf: float = 0.95) -> Sighting:
    return Sighting(PlateObservation(PlateDetection(box, 0.9), PlateText(text, conf, (conf,) * len(text))))


def test_panel_contrast_is_high_on_a_plate_and_low_on_lettering():
    plate, letters = BBox(500, 400, 120, 60), BBox(700, 420, 120, 30)
    image = paint([plate], [letters])
    assert panel_contrast(image, plate) > 30
    assert panel_contrast(image, letters) < 8
    assert panel_contrast(np.zeros((720, 1280, 3), np.uint8), plate) is None  # a blank picture: nothing to judge
    assert panel_contrast(image, BBox(500, 400, 3, 3)) is None
    grey, bgra = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)
    assert panel_contrast(grey, plate) > 15 and panel_contrast(grey, letters) < 8
    assert panel_contrast(bgra, plate) == panel_contrast(image, plate)
    corner = BBox(0, 0, 120, 60)
    assert panel_contrast(paint([corner], []), corner) > 30  # at the frame's corner: the band outside is clipped


def test_panel_evidence_weighs_likeness_only_once_measured_in_enough_frames():
    body, panel, unmeasured = PlateEvidence(), PlateEvidence(), PlateEvidence()
    for _ in range(4):
        body.add(BBox(0, 0, 100, 50), "AB1234", 2.0)
        panel.add(BBox(0, 0, 100, 50), "AB1234", 40.0)
        unmeasured.add(BBox(0, 0, 100, 50), "AB1234", None)
    assert panel.score("AB1234") == unmeasured.score("AB1234")
    assert body.score("AB1234") < (PANEL_FLOOR + 0.1) * panel.score("AB1234")
    assert body.score("AB1234", panel=False) == panel.score("AB1234")
    few = PlateEvidence()
    for _ in range(2):
        few.add(BBox(0, 0, 100, 50), "AB1234", 2.0)
    assert few.panel() is None and few.panel_factor() == 1.0  # two frames judge a panel poorly


def _drive(frames: list[tuple[list[Sighting], np.ndarray]]) -> list[str]:
    tracker = PlateTracker("cam")
    reads = []
    for k, (sightings, image) in enumerate(frames):
        reads += tracker.update(Frame("cam", k, k / 10.0, image), sightings)
    return [r.text for r in reads + tracker.flush()]


def _pass(blank: bool, lettering: str = "T482") -> list[tuple[list[Sighting], np.ndarray]]:
    """A car with its plate and, beside it, lettering that reads like a serial (a fleet number); the
    lettering's detected box jumps frame to frame (found whole, then only in part), so the two do not
    move rigidly."""
    frames = []
    for k in range(8):
        s = 1 + 0.06 * k
        plate = BBox(int(600 * s) - 260, 300 + 18 * k, int(90 * s), int(45 * s))
        jump = int((35 if k % 2 else 0) * s)
        badge = BBox(plate.x + plate.w + int(40 * s) + jump, plate.y + int(8 * s), int(70 * s) - jump // 2, int(26 * s))
        image = np.zeros((720, 1280, 3), np.uint8) if blank else paint([plate], [badge])
        frames.append(([sighting("7KQB228", plate), sighting(lettering, badge, 0.97)], image))
    return frames + [([], np.zeros((720, 1280, 3), np.uint8))] * 5


def test_lettering_that_reads_like_a_serial_loses_to_the_plate_panel_beside_it():
    # Without pictures (as before): the fleet number is plate-like and does not move rigidly with the
    # plate, so it counts as another vehicle's plate and is read too.
    assert sorted(_drive(_pass(blank=True))) == ["7KQB228", "T482"]
    # With the frames: the lettering has body paint on both sides of its box, the plate is a panel.
    assert _drive(_pass(blank=False)) == ["7KQB228"]
    # A known model badge ("RAV4") needs no pictures: it is never another vehicle's plate.
    assert _drive(_pass(blank=True, lettering="RAV4")) == ["7KQB228"]


def _white_car(k: int, parked: bool) -> tuple[BBox, np.ndarray]:
    """Frame ``k`` of a white car with a white plate (no panel to see), parked or driving nearer."""
    s = 1.0 if parked else 1 + 0.06 * k
    plate = BBox(int(600 * s) - 260, 300 + (0 if parked else 18 * k), int(90 * s), int(45 * s))
    image = np.zeros((720, 1280, 3), np.uint8)
    image[:] = (90, 110, 100)
    cv2.rectangle(image, (plate.x - 3 * plate.h, plate.y - 2 * plate.h), (plate.x + plate.w + 3 * plate.h, plate.y + 3 * plate.h),
                  (235, 235, 235), -1)
    _glyphs(image, BBox(plate.x + plate.w // 10, plate.y + plate.h // 4, plate.w * 8 // 10, plate.h // 2))
    return plate, image


def test_a_white_plate_on_a_white_car_is_still_read_parked_or_moving():
    # The panel cue only weighs rivals on one vehicle: a plate with no panel to see is never dropped for it.
    for parked in (True, False):
        frames = []
        for k in range(8):
            plate, image = _white_car(k, parked)
            assert (panel_contrast(image, plate) or 0.0) < 8
            frames.append(([sighting("7KQB228", plate)], image))
        assert _drive(frames + [([], np.zeros((720, 1280, 3), np.uint8))] * 5) == ["7KQB228"], parked


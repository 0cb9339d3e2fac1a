"""Plate-likeness and the one-read-per-vehicle rule: lettering, signs and following vehicles."""

from __future__ import annotations

import numpy as np

from recognition.track import PlateTracker, PlateVoter, Sighting
from recognition.track.likeness import PlateEvidence, shape_score, syntax_score
from recognition.track.vehicle import close, lower, motionless, nested, rigid, same_vehicle, still
from recognition.types import BBox, Frame, PlateDetection, PlateObservation, PlateText

IMAGE = np.zeros((720, 1280, 3), np.uint8)


def sighting(text: str | None, box: BBox, conf: float = 0.95) -> Sighting:
    reading = PlateText(text, conf, (conf,) * len(text)) if text else None
    return Sighting(PlateObservation(PlateDetection(box, 0.9), reading))


def approach(x: float, y: float, w: float, h: float, k: int, grow: float = 0.06, drop: float = 18.0) -> BBox:
    """Box of something on a vehicle approaching the camera, ``k`` frames in (it grows and moves down)."""
    s = 1 + grow * k
    return BBox(int(640 + (x - 640) * s), int(300 + (y - 300) * s + drop * k), int(w * s), int(h * s))


def drive(tracker: PlateTracker, frames: list[list[Sighting]], start: int = 0) -> list:
    reads = []
    for i, sightings in enumerate(frames):
        reads += tracker.update(Frame("cam", start + i, (start + i) / 10.0, IMAGE), sightings)
    return reads


def test_syntax_prefers_plate_serials_but_keeps_vanity_plates():
    assert syntax_score("7KQB228") == 1.0
    assert syntax_score("COUGAR") > syntax_score("SK") > 0  # letters only still counts
    assert syntax_score("18005550199") < 0.1  # phone number
    assert syntax_score("WWWQUICKFIXNET") < 0.1  # web address
    assert syntax_score("4475") > syntax_score("AWD")


def test_a_zero_among_letters_counts_as_a_letter():
    # an unsettled O of a North American reading is keyed as zero (recognition.plates.keying): the word stays a word
    assert syntax_score("BL0GGER") == syntax_score("BLOGGER") < syntax_score("ABC1034")
    assert syntax_score("T0Y0TA") == syntax_score("TOYOTA")
    assert syntax_score("000000") == syntax_score("123456")  # all digits


def test_shape_scores_plate_boxes_above_text_lines():
    assert shape_score(BBox(0, 0, 100, 50)) == 1.0
    assert shape_score(BBox(0, 0, 300, 40)) < 0.2  # a slogan's line
    assert shape_score(BBox(0, 0, 20, 40)) == 0.0


def test_steady_readings_are_more_plate_like_than_flickering_ones():
    steady, flicker = PlateEvidence(), PlateEvidence()
    for text in ("ABC123", "ABC123", "ABC123", "ABC123"):
        steady.add(BBox(0, 0, 100, 50), text)
    for text in ("ABC123", "A8", "XBC1", None):
        flicker.add(BBox(0, 0, 100, 50), text)
    assert steady.score("ABC123") > flicker.score("ABC123")
    assert PlateEvidence().score("ABC123") == 0.0


def test_vehicle_geometry():
    plate = [(k / 10, approach(600, 400, 80, 40, k)) for k in range(6)]
    badge = [(k / 10, approach(610, 340, 70, 22, k)) for k in range(6)]
    far_lane = [(k / 10, approach(1100, 400, 80, 40, k)) for k in range(6)]
    behind = [(k / 10, BBox(600 + 2 * k, 300 + 6 * k, 50 + k, 25)) for k in range(6)]
    assert same_vehicle(plate, badge) and rigid(plate, badge)
    assert lower(plate, badge) and not lower(badge, plate)
    assert not same_vehicle(plate, far_lane)
    assert not rigid(plate, behind)  # the car behind does not keep its offset
    assert not same_vehicle(plate, [(9.0, BBox(600, 400, 80, 40))])  # never seen together
    assert close(BBox(0, 0, 100, 50), BBox(0, 150, 100, 50)) and not close(BBox(0, 0, 100, 50), BBox(0, 400, 100, 50))
    assert still([(k / 10, BBox(50, 50, 100, 40)) for k in range(6)]) and not still(plate)


def test_lettering_on_the_vehicle_is_not_read_only_the_plate_is():
    tracker = PlateTracker("cam")
    frames = [
        [sighting("7KQB228", approach(600, 400, 80, 40, k)),
         sighting("TOYOTA", approach(610, 340, 80, 24, k)),
         sighting("18005550199", approach(540, 300, 230, 30, k))]
        for k in range(8)
    ]
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert [r.text for r in reads] == ["7KQB228"]


def test_lettering_that_ends_first_still_loses_to_the_plate():
    tracker = PlateTracker("cam")
    frames = [
        [sighting("7KQB228", approach(600, 400, 80, 40, k))]
        + ([sighting("RAV4", approach(700, 330, 60, 28, k))] if k < 3 else [])
        for k in range(8)
    ]
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert [r.text for r in reads] == ["7KQB228"]


def test_two_vehicles_one_behind_the_other_give_two_reads():
    tracker = PlateTracker("cam")
    frames = [
        [sighting("7KQB228", approach(600, 400, 80, 40, k)),
         sighting("LKR4821", BBox(600 + 3 * k, 250 + 5 * k, 48 + 2 * k, 24 + k))]
        for k in range(8)
    ]
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert sorted(r.text for r in reads) == ["7KQB228", "LKR4821"]


def test_a_vanity_plate_alone_is_read_but_a_phone_number_alone_is_not():
    tracker = PlateTracker("cam")
    vanity = [[sighting("COUGAR", approach(600, 400, 80, 40, k))] for k in range(8)]
    phone = [[sighting("5558675309", approach(600, 400, 240, 34, k))] for k in range(8)]
    reads = drive(tracker, vanity + [[]] * 4 + phone + [[]] * 4) + tracker.flush()
    assert [r.text for r in reads] == ["COUGAR"]


def test_a_sign_is_not_read_again_when_its_reading_changes():
    tracker = PlateTracker("cam")
    sign = BBox(310, 387, 120, 48)
    first = [[sighting("LIQUIMOLY", sign)] for _ in range(8)]  # letters only and too long for a plate
    later = [[sighting("LIQU1MOLY", sign)] for _ in range(8)]  # with a digit it would pass on its own
    reads = drive(tracker, first + [[]] * 4 + later + [[]] * 4) + tracker.flush()
    assert reads == []


def test_bigger_sharper_readings_outvote_small_ones():
    voter = PlateVoter()
    for _ in range(3):
        voter.add(PlateText("8ALK167", 0.9, (0.9,) * 7), quality=40.0)  # far away, small
    for _ in range(2):
        voter.add(PlateText("BALK167", 0.9, (0.9,) * 7), quality=160.0)  # close up
    assert voter.vote().text == "BALK167"
    even = PlateVoter()
    for _ in range(3):
        even.add(PlateText("8ALK167", 0.9, (0.9,) * 7))
    for _ in range(2):
        even.add(PlateText("BALK167", 0.9, (0.9,) * 7))
    assert even.vote().text == "8ALK167"


def test_the_best_crop_is_a_large_one_not_the_first_small_one():
    tracker = PlateTracker("cam")
    frames = []
    for k in range(8):
        box = approach(600, 400, 60, 30, k)
        crop = np.zeros((box.h, box.w, 3), np.uint8)
        crop[:, ::4] = 255  # equally sharp stripes at every size
        frames.append([Sighting(sighting("7KQB228", box).observation, crop)])
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert len(reads) == 1 and reads[0].best_ts >= 0.5


def test_motionless_boxes_share_a_place_moving_ones_part():
    sign = [(k / 10, BBox(230 + k % 2 * 3, 365 - k % 3, 60 + 8 * (k % 2), 26 + 4 * (k % 2))) for k in range(6)]
    assert motionless(sign)  # jitter of a text box whose reading changes
    assert not motionless([(k / 10, approach(600, 400, 80, 40, k)) for k in range(6)])
    assert not motionless(sign[:1])  # one box says nothing


PLATES = ["7KQB228", "4PXN512", "KAB277"]


def test_text_that_never_moves_between_vehicles_is_scenery_unless_it_reads_as_a_plate():
    # a backdrop sign, read for a few frames at a time while no vehicle hides it, its reading flickering
    frames: list[list[Sighting]] = []
    for gap in range(3):
        frames += [[sighting(("PUX", "PUA", "KUA")[(gap + k) % 3], BBox(230, 365 + k % 2, 66, 28))] for k in range(5)]
        frames += [[sighting(PLATES[gap], approach(600, 400, 80, 40, k))] for k in range(8)]
    reads = drive(PlateTracker("cam"), frames + [[]] * 6)
    assert [r.text for r in reads] == PLATES
    # a parked car's plate does not move either: plate-like text is still read (once)
    parked = [[sighting("7KQB228", BBox(400, 500, 90, 45))] for _ in range(8)]
    tracker = PlateTracker("cam")
    assert [r.text for r in drive(tracker, parked + [[]] * 6) + tracker.flush()] == ["7KQB228"]
    # a vanity plate that moves is read however unlike a serial it is
    cougar = [[sighting("COUGAR", approach(600, 400, 80, 40, k))] for k in range(8)]
    tracker = PlateTracker("cam")
    assert [r.text for r in drive(tracker, cougar + [[]] * 6) + tracker.flush()] == ["COUGAR"]


def test_a_piece_of_the_plate_read_as_its_own_track_is_not_a_second_read():
    frames = []
    for k in range(8):
        plate = approach(600, 400, 100, 44, k)
        row = [sighting("N788BY", plate)]
        if k in (3, 4, 6):  # the reader found only part of the row, a different part each time (not rigid)
            shift = (0, plate.w // 2, 5)[(3, 4, 6).index(k)]
            row.append(sighting("N783", BBox(plate.x + shift, plate.y + 6, plate.w // 2, plate.h * 2 // 3)))
        frames.append(row)
    tracker = PlateTracker("cam")
    reads = drive(tracker, frames + [[]] * 6) + tracker.flush()
    assert [r.text for r in reads] == ["N788BY"]
    part = [(k / 10, BBox(10 + k, 10, 40, 20)) for k in range(3)]
    whole = [(k / 10, BBox(5, 5, 100, 44)) for k in range(3)]
    assert nested(part, whole) and nested(whole, part)
    assert not nested(part, [(k / 10, BBox(200, 10, 100, 44)) for k in range(3)])

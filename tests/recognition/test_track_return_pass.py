"""A vehicle that drives through the same place twice is read twice; a standing vehicle stays one read.

The parked rule of :class:`RepeatSuppressor` (same text, same place, within ``parked_window_s``) is for
a vehicle that stands in view and keeps being re-detected. A vehicle that drove through and later
drives the same path again (round the block, a patrol area) is a new pass: for a hot-listed vehicle
a new time and place, which the dispatcher must see.
"""

from __future__ import annotations

from recognition.config import TrackerConfig
from recognition.track import PlateTracker, RepeatSuppressor
from recognition.track.vehicle import driving_at_end, drove
from recognition.types import BBox
from tests.recognition.test_track_likeness import approach, drive, sighting

HERE = BBox(600, 400, 90, 45)


def test_a_pass_through_does_not_make_a_later_pass_at_that_place_a_parked_repeat():
    sup = RepeatSuppressor(repeat_window_s=10, parked_window_s=600)
    sup.remember("ABC123", HERE, last_seen=100.0, moving=True)
    assert sup.is_repeat("ABC123", HERE, first_seen=105.0, moving=True)  # a split of the same pass
    assert not sup.is_repeat("ABC123", HERE, first_seen=130.0, moving=True)  # drove through again
    assert sup.is_repeat("ABC123", HERE, first_seen=130.0, moving=False)  # now standing there


def test_a_vehicle_that_stood_keeps_suppressing_its_tracks_even_when_it_drives_off():
    sup = RepeatSuppressor(repeat_window_s=10, parked_window_s=600)
    sup.remember("ABC123", HERE, last_seen=100.0, moving=False)
    assert sup.is_repeat("ABC128", HERE, first_seen=400.0, moving=True)  # pulls out of the space
    assert sup.is_repeat("ABC123", HERE, first_seen=400.0)  # the old calls (no motion known) unchanged


def test_the_latest_sighting_decides_whether_the_vehicle_stands():
    sup = RepeatSuppressor(repeat_window_s=10, parked_window_s=600)
    sup.remember("ABC123", HERE, last_seen=100.0, moving=True)
    sup.remember("ABC123", HERE, last_seen=50.0, moving=False)  # an older, standing sighting
    assert not sup.is_repeat("ABC123", HERE, first_seen=130.0, moving=True)
    sup.remember("ABC123", HERE, last_seen=120.0, moving=False)  # now it stands
    assert sup.is_repeat("ABC123", HERE, first_seen=140.0, moving=True)


def test_motion_of_a_track():
    standing = [(k / 10, BBox(600 + k % 2, 400, 90, 45)) for k in range(6)]
    driving = [(k / 10, approach(600, 400, 80, 40, k)) for k in range(6)]
    assert not drove(standing) and drove(driving)
    assert not drove(driving[:1])  # one sighting: cannot tell
    stopped = driving + [(1 + k / 10, driving[-1][1]) for k in range(4)]  # drove up, then stopped
    assert drove(stopped) and not driving_at_end(stopped) and driving_at_end(driving)


def _pass(text: str) -> list:
    return [[sighting(text, approach(600, 400, 80, 40, k))] for k in range(8)] + [[]] * 6


def test_the_same_vehicle_driving_the_same_path_twice_is_read_twice():
    tracker = PlateTracker("cam", TrackerConfig())
    first = drive(tracker, _pass("7KQB228"))
    gap = [[]] * 300  # 30 s later (10 fps)
    second = drive(tracker, gap + _pass("7KQB228"), start=len(_pass("7KQB228")))
    assert [r.text for r in first + second + tracker.flush()] == ["7KQB228", "7KQB228"]


def test_a_split_pass_and_a_standing_car_stay_one_read():
    tracker = PlateTracker("cam", TrackerConfig())
    frames = _pass("7KQB228")[:8]
    # the car stops where it is and the detector loses it for 20 s, then finds it again, still standing
    stop = frames[-1][0].observation.detection.box
    standing = [[sighting("7KQB228", stop)] for _ in range(8)]
    reads = drive(tracker, frames + [[]] * 200 + standing + [[]] * 6)
    # ... and 15 s later it pulls out of the space (a new track that moves)
    off = [[sighting("7KQB228", BBox(stop.x + 10 * k, stop.y, stop.w, stop.h))] for k in range(8)]
    assert drove([(k / 10, s[0].observation.detection.box) for k, s in enumerate(off)])
    reads += drive(tracker, [[]] * 150 + off + [[]] * 6, start=300)
    assert [r.text for r in reads + tracker.flush()] == ["7KQB228"]

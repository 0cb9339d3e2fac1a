"""Make, model and trim badges (recognition.plates.badges): the weaker candidate for a vehicle's plate.

"4RUNNER" and "RAV4" have a plate's mix of letters and digits and ride on the vehicle beside its plate;
a letters-only vanity plate ("UBUNTU") used to lose to them. A badge read alone is still reported.
"""

from __future__ import annotations

import tomllib

import pytest

from recognition.match.confusion import normalise
from recognition.plates.badges import BADGE_FACTOR, DEFAULT_TABLE, badge_factor, badge_words, is_badge
from recognition.ranking import rank_readings
from recognition.track import PlateTracker
from recognition.types import BBox, PlateText
from tests.recognition.test_track_likeness import approach, drive, sighting


def test_the_table_loads_every_entry_normalised_and_non_empty():
    table = tomllib.loads(DEFAULT_TABLE.read_text(encoding="utf-8"))
    entries = [word for group in table.values() for word in group]
    assert len(badge_words()) > 300
    assert all(normalise(word) for word in entries)
    assert badge_words() == frozenset(normalise(word).replace("0", "O") for word in entries)  # zero as O


@pytest.mark.parametrize("text", ["4RUNNER", "RAV4", "F-150", "f150", "CR-V", "TOYOTA", "4X4", "SILVERADO"])
def test_badges_are_known_in_any_spelling(text):
    assert is_badge(text) and badge_factor(text) == BADGE_FACTOR


@pytest.mark.parametrize("text", ["7KQB228", "UBUNTU", "COUGAR", "ABC1234", "", "4RUNNERS", "RAV44"])
def test_plates_and_near_misses_are_not_badges(text):
    assert not is_badge(text) and badge_factor(text) == 1.0


def test_a_vanity_plate_beside_a_model_badge_is_the_read():
    # One vehicle: its letters-only vanity plate and, at the same height, the "4RUNNER" badge, read as
    # confidently; the badge's digit made it the more plate-like text.
    tracker = PlateTracker("cam")
    frames = [
        [sighting("UBUNTU", approach(600, 400, 80, 40, k)), sighting("4RUNNER", approach(700, 400, 70, 28, k), 0.97)]
        for k in range(8)
    ]
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert [r.text for r in reads] == ["UBUNTU"]


def test_a_badge_seen_with_the_plate_for_two_frames_is_not_a_second_vehicle():
    # Too few common frames to prove the two move as one, but a badge is never another vehicle's plate.
    tracker = PlateTracker("cam")
    frames = [
        [sighting("7KQB228", approach(600, 400, 80, 40, k))]
        + ([sighting("RAV4", approach(560, 330, 60, 28, k), 0.99)] if 4 <= k < 6 else [])
        for k in range(8)
    ]
    reads = drive(tracker, frames + [[]] * 4) + tracker.flush()
    assert [r.text for r in reads] == ["7KQB228"]


def test_a_badge_alone_is_still_read():
    tracker = PlateTracker("cam")
    frames = [[sighting("RAV4", approach(600, 400, 80, 40, k))] for k in range(8)]
    assert [r.text for r in drive(tracker, frames + [[]] * 4) + tracker.flush()] == ["RAV4"]
    assert [i for i, _ in rank_readings([PlateText("TACOMA", 0.9)], [BBox(0, 0, 100, 50)])] == [0]


def test_in_a_still_a_vanity_plate_outranks_a_more_confident_model_badge():
    readings = [PlateText("TACOMA", 0.95), PlateText("GOBLUE", 0.8)]
    ranked = rank_readings(readings, [BBox(300, 300, 120, 50), BBox(800, 600, 120, 60)])
    assert [i for i, _ in ranked] == [1, 0]


def test_a_badge_keyed_with_zeros_is_still_a_badge():
    # North American readings key an unsettled O as zero (recognition.plates.keying): "TOYOTA" reads "T0Y0TA"
    assert is_badge("T0Y0TA") and is_badge("TAC0MA") and is_badge("TOYOTA")
    assert is_badge("F150") and is_badge("F-15O")  # a badge written with a zero matches either way
    assert not is_badge("BL0GGER")

"""Replay recorded detector/reader outputs (JSON fixtures) through the tracker and voter."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from recognition.config import TrackerConfig
from recognition.track import PlateTracker, Sighting
from recognition.types import BBox, Frame, PlateDetection, PlateObservation, PlateText

FIXTURES = Path(__file__).parent / "fixtures"


def replay(name: str, **overrides: object) -> tuple[list, dict]:
    data = json.loads((FIXTURES / name).read_text())
    width, height = data["frame_size"]
    # A tiny stand-in image of the right aspect: the tracker only needs the frame size.
    image = np.zeros((height, width, 3), np.uint8)
    tracker = PlateTracker(data["camera_id"], TrackerConfig(**{**data["tracker"], **overrides}))
    reads = []
    for f in data["frames"]:
        sightings = []
        for p in f["plates"]:
            reading = None
            if "text" in p:
                reading = PlateText(p["text"], p["confidence"], tuple(p.get("char_confidences", ())), (),
                                    p.get("state"), p.get("state_confidence", 0.0))
            obs = PlateObservation(PlateDetection(BBox(*p["box"]), p["score"]), reading)
            sightings.append(Sighting(obs))
        reads += tracker.update(Frame(data["camera_id"], f["seq"], f["ts"], image), sightings)
    reads += tracker.flush()
    return reads, data


def test_noisy_traffic_gives_one_correct_read_per_pass():
    # Given recorded noisy detections/readings of 30 s of traffic
    reads, data = replay("traffic_noisy.json")
    expected = Counter(e["text"] for e in data["expected"])
    got = Counter(r.text for r in reads)
    # Then every pass is read once, with the true text, and nothing else is emitted
    assert got == expected
    states = {r.text: r.state for r in reads}
    assert all(states[e["text"]] == e["state"] for e in data["expected"])


def test_parked_car_for_ten_minutes_is_read_once():
    reads, data = replay("parked_10min.json")
    assert [r.text for r in reads] == [data["expected"][0]["text"]]
    assert reads[0].state == "CA"


def test_readings_of_different_lengths_vote_to_the_true_text():
    reads, data = replay("length_mismatch.json")
    assert len(reads) == 1
    read = reads[0]
    assert read.text == data["expected"][0]["text"]
    assert len(read.char_confidences) == len(read.text)
    assert read.frame_count == len(data["frames"])


def test_preview_read_comes_first_and_shares_the_read_id():
    reads, _ = replay("length_mismatch.json", preview_after_frames=2)
    assert [r.preview for r in reads] == [True, False]
    assert reads[0].read_id == reads[1].read_id


@pytest.mark.parametrize("name", ["traffic_noisy.json", "parked_10min.json", "length_mismatch.json"])
def test_reads_carry_consistent_timestamps(name):
    reads, _ = replay(name)
    for r in reads:
        assert r.first_seen <= r.best_ts <= r.last_seen
        assert r.capture_ts == r.first_seen
        assert 0.0 < r.confidence <= 1.0

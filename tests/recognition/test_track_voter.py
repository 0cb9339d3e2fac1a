"""Voting per character position, alignment and repeat suppression."""

from __future__ import annotations

from recognition.track import PlateVoter, RepeatSuppressor, align_to, levenshtein, similarity
from recognition.types import Alternative, BBox, PlateText, VehicleColour


def pt(text: str, conf: float = 0.9, state: str | None = None, chars: tuple[float, ...] = ()) -> PlateText:
    return PlateText(text, conf, chars or (conf,) * len(text), (), state, 0.8 if state else 0.0)


def test_levenshtein_and_similarity():
    assert levenshtein("ABC123", "ABC123") == 0
    assert levenshtein("ABC123", "AB123") == 1
    assert levenshtein("ABC123", "XBC12") == 2
    assert similarity("ABCD", "ABCE") == 0.75


def test_alignment_maps_around_a_missing_character():
    assert align_to("ABC1234", "BC1234") == [1, 2, 3, 4, 5, 6]
    assert align_to("ABC1234", "ABC12345") == [0, 1, 2, 3, 4, 5, 6, None]


def test_majority_wins_per_position_and_runner_up_becomes_alternative():
    voter = PlateVoter()
    for text in ["ABC1234", "ABC1234", "A8C1234", "ABC1234"]:
        voter.add(pt(text))
    vote = voter.vote()
    assert vote is not None
    assert vote.text == "ABC1234"
    assert vote.char_confidences[1] < vote.char_confidences[0]
    assert Alternative("A8C1234", vote.alternatives[0].confidence) in vote.alternatives


def test_low_confidence_readings_weigh_less():
    voter = PlateVoter()
    voter.add(pt("XYZ987", conf=0.95))
    voter.add(pt("XYZ981", conf=0.3))
    voter.add(pt("XYZ981", conf=0.3))
    assert voter.vote().text == "XYZ987"


def test_character_confidence_steers_the_position_vote():
    voter = PlateVoter()
    voter.add(pt("OAK100", chars=(0.4, 0.9, 0.9, 0.9, 0.9, 0.9)))
    voter.add(pt("0AK100", chars=(0.95, 0.9, 0.9, 0.9, 0.9, 0.9)))
    vote = voter.vote()
    assert vote.text == "0AK100"
    assert any(a.text == "OAK100" for a in vote.alternatives)


def test_length_vote_prefers_the_supported_length():
    voter = PlateVoter()
    for text in ["7KQB228", "KQB228", "7KQB228", "7KQB2288"]:
        voter.add(pt(text))
    assert voter.vote().text == "7KQB228"


def test_state_and_colour_are_voted():
    voter = PlateVoter()
    voter.add(pt("ABC123", state="CA"), VehicleColour("RED", 0.8))
    voter.add(pt("ABC123", state="CA"), VehicleColour("RED", 0.6))
    voter.add(pt("ABC123", state="NV"), VehicleColour("BLK", 0.5))
    vote = voter.vote()
    assert vote.state == "CA"
    assert 0 < vote.state_confidence <= 1
    assert vote.colour is not None and vote.colour.code == "RED"


def test_unread_sightings_do_not_vote():
    voter = PlateVoter()
    voter.add(None)
    assert voter.vote() is None
    voter.add(pt("ABC123"))
    assert voter.count == 1


def test_suppressor_merges_split_tracks_and_parked_cars_but_not_new_passes():
    sup = RepeatSuppressor(repeat_window_s=10, parked_window_s=600)
    here, there = BBox(100, 100, 100, 50), BBox(1500, 800, 100, 50)
    sup.remember("ABC123", here, last_seen=100.0)
    assert sup.is_repeat("ABC123", there, first_seen=105.0)  # split of the same pass
    assert sup.is_repeat("ABC128", here, first_seen=400.0)  # parked, one look-alike differs
    assert not sup.is_repeat("ABC123", there, first_seen=400.0)  # same car passing again later
    assert not sup.is_repeat("XYZ999", here, first_seen=101.0)
    sup.expire(now=2000.0)
    assert not sup.is_repeat("ABC123", here, first_seen=2000.0)


def test_a_reading_of_another_object_does_not_vote_on_characters():
    # Given a plate track that picked up a badge's reading for one frame (boxes crossed as the car moved)
    voter = PlateVoter()
    voter.add(pt("FBH476", conf=0.89, chars=(0.99, 0.51, 0.96, 0.92, 1.0, 0.94)), quality=84)
    voter.add(pt("RAV4", conf=0.8, chars=(0.8, 0.8, 0.8, 0.8)), quality=68)
    vote = voter.vote()
    # Then the badge's letters are not mixed into the plate (the aligned 'A' outvoted the unsure 'B')
    assert vote is not None and vote.text == "FBH476"
    assert vote.readings == 2


def test_garbled_frames_do_not_dilute_a_consistent_vote():
    voter = PlateVoter()
    for text in ("7KQB228", "7KQB228", "7KQB228"):
        voter.add(pt(text, conf=0.6))
    voter.add(pt("RE", conf=0.9))
    vote = voter.vote()
    assert vote.text == "7KQB228"
    assert vote.confidence >= 0.6

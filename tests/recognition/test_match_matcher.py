"""Matcher behaviour: kinds, states, ordering, alternatives, wildcards, index building, swaps."""

from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError

from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.match.confusion import key_to_plate, plate_key
from recognition.match.wildcard import min_substitutions
from recognition.types import Alternative


def _matcher(*entries: IndexEntry, **cfg) -> Matcher:
    return Matcher(HotListIndex(entries), MatchConfig(**cfg))


def test_exact_match_reports_state_match():
    m = _matcher(IndexEntry(7, "ABC123", "CA", 4))
    [hit] = m.match("abc-123", "CA")
    assert (hit.entry_id, hit.kind, hit.distance, hit.state_match, hit.priority) == (7, "exact", 0, "match", 4)


def test_state_mismatch_is_flagged_not_hidden():
    m = _matcher(IndexEntry(1, "ABC123", "CA", 4))
    assert [h.state_match for h in m.match("ABC123", "NV")] == ["mismatch"]
    assert [h.state_match for h in m.match("ABC123", None)] == ["unknown"]


def test_one_lookalike_substitution_matches_only_when_allowed():
    entry = IndexEntry(1, "8OL5", None, 4)
    assert _matcher(entry, max_substitutions=0).match("BOL5") == []
    [hit] = _matcher(entry, max_substitutions=1).match("BOL5")
    assert (hit.kind, hit.substitutions, hit.distance) == ("lookalike", 1, 1)


def test_substitution_limit_is_enforced():
    entry = IndexEntry(1, "O0OO", None, 4)
    assert _matcher(entry, max_substitutions=2).match("000O")[0].substitutions == 2
    assert _matcher(entry, max_substitutions=1).match("000O") == []


def test_non_lookalike_substitution_never_matches():
    assert _matcher(IndexEntry(1, "ABC123", None, 4), max_substitutions=2).match("ABC124") == []


def test_missing_and_extra_character_need_the_option():
    entry = IndexEntry(1, "ABC123", None, 4)
    assert _matcher(entry).match("ABC12") == []
    on = _matcher(entry, allow_one_indel=True)
    assert [(h.kind, h.distance, h.substitutions) for h in on.match("AC123")] == [("lookalike", 1, 0)]
    assert [(h.kind, h.distance) for h in on.match("ABCX123")] == [("lookalike", 1)]
    assert [(h.distance, h.substitutions) for h in on.match("A8C12")] == [(2, 1)]


def test_matches_are_ordered_by_priority_then_distance():
    m = _matcher(
        IndexEntry(1, "ABC123", None, 6), IndexEntry(2, "A8C123", None, 2), IndexEntry(3, "ABC12?", None, 6),
        max_substitutions=1,
    )
    assert [(h.entry_id, h.kind) for h in m.match("ABC123")] == [(2, "lookalike"), (1, "exact"), (3, "wildcard")]


def test_alternatives_are_looked_up_exactly():
    m = _matcher(IndexEntry(1, "XYZ789", "CA", 3))
    [hit] = m.match("XYZ78", "CA", alternatives=[Alternative("XYZ789", 0.4)])
    assert (hit.kind, hit.distance) == ("alternative", 0)
    assert _matcher(IndexEntry(1, "XYZ789", None, 3), match_alternatives=False).match("XYZ78", None, ["XYZ789"]) == []


def test_wildcards_star_and_question_mark():
    m = _matcher(IndexEntry(1, "7*ABC", None, 1), IndexEntry(2, "AB?12?", "TX", 2))
    assert [h.entry_id for h in m.match("7XYZABC")] == [1]
    assert [h.entry_id for h in m.match("7ABC")] == [1]
    assert [h.entry_id for h in m.match("ABX12Z")] == [2]
    assert m.match("ABX12") == []
    assert _matcher(IndexEntry(1, "7*ABC", None, 1), match_wildcards=False).match("7XABC") == []


def test_wildcard_lookalike_counts_fewest_substitutions():
    assert min_substitutions("A*1", "A11") == 0
    assert min_substitutions("A?O", "AX0") == 1
    assert min_substitutions("A?O", "AXX") is None


def test_vague_and_invalid_entries_are_skipped():
    index = HotListIndex(
        [IndexEntry(1, "A*", None, 1), IndexEntry(2, "", None, 1), IndexEntry(3, "ABCDEFGHIJK", None, 1),
         IndexEntry(4, "AB-12", None, 1)]
    )
    assert index.skipped == 3 and len(index) == 1
    assert Matcher(index).match("AB12")[0].entry_id == 4


def test_duplicate_plates_all_match():
    m = _matcher(IndexEntry(1, "AAA111", "CA", 4), IndexEntry(2, "AAA111", "NV", 4))
    assert sorted(h.entry_id for h in m.match("AAA111")) == [1, 2]


def test_empty_index_and_empty_read():
    assert Matcher().match("ABC") == []
    assert _matcher(IndexEntry(1, "ABC", None, 1)).match("--") == []


@pytest.mark.parametrize("plate", ["0", "A", "00A", "ZZZZZZZZZZ", "0000000000", "1O"])
def test_plate_key_round_trips(plate):
    assert key_to_plate(plate_key(plate)) == plate


def test_config_bounds():
    with pytest.raises(ValidationError):
        MatchConfig(max_substitutions=3)
    with pytest.raises(ValidationError):
        MatchConfig(unknown=1)


def test_swap_while_matching_never_fails_or_mixes_indexes():
    # Given two indexes that answer the same read differently
    a = HotListIndex([IndexEntry(1, "SWAP1", None, 4)])
    b = HotListIndex([IndexEntry(2, "SWAP1", None, 4)])
    matcher = Matcher(a)
    stop = threading.Event()
    seen: set[tuple[int, ...]] = set()
    errors: list[BaseException] = []

    def run() -> None:
        while not stop.is_set():
            try:
                seen.add(tuple(h.entry_id for h in matcher.match("SWAP1")))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    # When the main thread swaps back and forth while the worker matches
    try:
        for i in range(200):
            matcher.swap(b if i % 2 == 0 else a)
    finally:
        stop.set()
        worker.join()
    # Then every match saw exactly one whole index
    assert not errors
    assert seen <= {(1,), (2,)}
    assert matcher.swap(b) is a


def test_from_columns_equals_entries_and_handles_dirty_chunks():
    plates = ["ABC123", "ab-c12", "A*C1", "", "7??X9", "ZZZZZZZZZZZZ"]
    states = ["CA", None, "NV", None, "TX", None]
    entries = [IndexEntry(i, p, s, 3) for i, (p, s) in enumerate(zip(plates, states, strict=True))]
    by_entries = HotListIndex(entries, min_wildcard_literals=2)
    by_columns = HotListIndex.from_columns(range(6), plates, states, [3] * 6, min_wildcard_literals=2)
    for index in (by_entries, by_columns):
        assert (len(index), index.skipped) == (4, 2)
        m = Matcher(index)
        assert [h.entry_id for h in m.match("ABC12")] == [1]
        assert [h.entry_id for h in m.match("ABC123", "CA")] == [0]
        assert [h.entry_id for h in m.match("7AAX9")] == [4]

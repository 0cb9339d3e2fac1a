"""Indexes built apart and merged (or handed over as sorted columns) match like one index of everything."""

from __future__ import annotations

import random
from array import array

import pytest

from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher


def _entries(rnd: random.Random, first_id: int, n: int, states: list[str | None]) -> list[IndexEntry]:
    out = [IndexEntry(first_id + i, "".join(rnd.choices("ABO0I18", k=rnd.randint(3, 5))), rnd.choice(states),
                      rnd.randint(1, 9)) for i in range(n)]
    return [*out, IndexEntry(first_id + n, "AB*1", rnd.choice(states), 2)]  # a wildcard in each part


def _rows(index: HotListIndex) -> list[tuple]:
    return sorted(zip(index.entry_ids, index.plate_keys, (index.state_names[c] for c in index.state_codes),
                      index.priorities, strict=True))


def test_merged_equals_one_index_of_both_parts():
    rnd = random.Random(8)
    a = _entries(rnd, 1, 300, ["CA", None, "NV"])
    b = _entries(rnd, 1000, 300, ["TX", "CA", None, "OR"])
    merged = HotListIndex.merged(HotListIndex(a), HotListIndex(b))
    whole = HotListIndex(a + b)
    assert _rows(merged) == _rows(whole) and len(merged) == len(whole)
    assert list(merged.folded_keys) == sorted(merged.folded_keys)
    cfg = MatchConfig(max_substitutions=1, allow_one_indel=True)
    for entry in a[:50] + b[:50] + [IndexEntry(0, "AB771", None, 1)]:
        for state in ("CA", "TX", None):
            assert Matcher(merged, cfg).match(entry.plate, state) == Matcher(whole, cfg).match(entry.plate, state)


def test_merging_with_an_empty_index_keeps_the_other():
    b = HotListIndex([IndexEntry(1, "ABC123", "CA", 3)])
    assert HotListIndex.merged(HotListIndex(()), b) is b
    assert HotListIndex.merged(b, HotListIndex(())) is b


def test_sorted_columns_are_checked():
    good = HotListIndex([IndexEntry(i, p, "CA", 4) for i, p in enumerate(["B1", "A1", "C2"])])
    cols = (good.folded_keys, good.plate_keys, good.entry_ids, good.state_codes, good.state_names, good.priorities)
    again = HotListIndex.from_sorted_columns(*cols)
    assert _rows(again) == _rows(good) and [m.entry_id for m in Matcher(again).match("A1")] == [1]
    backwards = array("q", reversed(good.folded_keys))
    with pytest.raises(ValueError, match="ascending"):
        HotListIndex.from_sorted_columns(backwards, *cols[1:])
    with pytest.raises(ValueError, match="arrays"):
        HotListIndex.from_sorted_columns(good.folded_keys, good.plate_keys, array("q", [1]), *cols[3:])
    with pytest.raises(ValueError, match="state"):
        HotListIndex.from_sorted_columns(*cols[:4], (None,), good.priorities)

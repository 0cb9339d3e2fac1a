"""Entry rows: plate key and packed (id, state code, priority) round-trip every value the old columns held."""

from __future__ import annotations

import random
from array import array

import numpy as np
import pytest

from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.match import rows as rows_module
from recognition.match.confusion import plate_key
from recognition.match.rows import ID_MAX, ID_MIN, entry_rows, pack_rows, unpack_entry, unpack_rows

_INT64 = (-(2**63), 2**63 - 1)
_IDS = [ID_MIN - 1, ID_MIN, ID_MIN + 1, -1, 0, 1, ID_MAX - 1, ID_MAX, ID_MAX + 1, *_INT64, 2**40, -(2**40)]
_STATES = [0, 1, 255, 256, 65534, 65535]
_PRIOS = [-128, -127, -1, 0, 1, 9, 126, 127]
_PLATES = [plate_key(p) for p in ("0", "ZZZZZZZZZZ", "0000000000", "ABC123")]


def _columns(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rnd = random.Random(seed)
    return (np.array([rnd.choice(_PLATES) for _ in range(n)], np.int64),
            np.array([rnd.choice(_IDS) if rnd.random() < 0.5 else rnd.randint(*_INT64) for _ in range(n)], np.int64),
            np.array([rnd.choice(_STATES) for _ in range(n)], np.uint16),
            np.array([rnd.choice(_PRIOS) for _ in range(n)], np.int8))


def test_every_extreme_value_round_trips():
    plates, ids, states, prios = np.meshgrid(np.array(_PLATES), np.array(_IDS), np.array(_STATES), np.array(_PRIOS))
    cols = (plates.ravel(), ids.ravel(), states.ravel().astype(np.uint16), prios.ravel().astype(np.int8))
    rows, big = pack_rows(*cols)
    for got, want in zip(unpack_rows(rows, big), cols, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)
    for pos in range(len(cols[0])):
        assert unpack_entry(int(rows[2 * pos + 1]), pos, big) == (int(cols[1][pos]), int(cols[2][pos]),
                                                                   int(cols[3][pos]))
    assert set(big.values()) == {i for i in _IDS if not ID_MIN < i <= ID_MAX}


def test_rows_packed_in_steps_equal_rows_packed_at_once(monkeypatch):
    monkeypatch.setattr(rows_module, "PACK_ITEMS", 7)  # overflow positions must carry the step's offset
    cols = _columns(100, 3)
    rows, big = entry_rows(*cols)
    whole, whole_big = pack_rows(*cols)
    assert rows.tobytes() == whole.tobytes() and big == whole_big and big
    for got, want in zip(unpack_rows(np.frombuffer(rows, np.int64), big), cols, strict=True):
        assert np.array_equal(got, want)


def test_the_matcher_finds_extreme_entries_on_every_path():
    rnd = random.Random(11)
    plates = ["".join(rnd.choices("ABO0I18", k=rnd.randint(3, 5))) for _ in range(len(_IDS))]
    entries = [IndexEntry(i, p, s, pr) for i, p, s, pr in
               zip(_IDS, plates, [None, "CA", "NV", "TX"] * 4, _PRIOS * 2, strict=False)]
    index = HotListIndex(entries)
    for cfg in (MatchConfig(max_substitutions=0, match_wildcards=False), MatchConfig(max_substitutions=2,
                                                                                      allow_one_indel=True)):
        matcher = Matcher(index, cfg)
        for e in entries:
            found = {m.entry_id: m for m in matcher.match(e.plate, "CA")}
            hit = found[e.entry_id]
            assert (hit.kind, hit.priority) == ("exact", e.priority)
            assert hit.state_match == ("unknown" if e.state is None else "match" if e.state == "CA" else "mismatch")


def test_the_last_state_code_survives_sorted_columns_and_merges():
    names = [None, *(f"S{i}" for i in range(65535))]  # codes 0..65535: the whole uint16 range
    n = 6
    plates = sorted(plate_key(p) for p in ("A1", "B2", "C3", "D4", "E5", "F6"))
    ids, states, prios = [ID_MAX + 1, ID_MIN, 5, -(2**63), 2**63 - 1, 7], [65535, 0, 1, 65534, 65535, 3], \
        [127, -128, 0, 1, 9, -1]
    index = HotListIndex.from_sorted_columns(array("q", plates), array("q", plates), array("q", ids),
                                             array("H", states), names, array("b", prios))
    assert (list(index.entry_ids), list(index.state_codes), list(index.priorities)) == (ids, states, prios)
    other = HotListIndex([IndexEntry(ID_MAX + 9, "A1", "S3", 2), IndexEntry(3, "ZZ9", None, 4)])
    merged = HotListIndex.merged(other, index)
    got = sorted(zip(merged.entry_ids, (merged.state_names[c] for c in merged.state_codes), merged.priorities,
                     strict=True))
    want = sorted([(ID_MAX + 9, "S3", 2), (3, None, 4), *((i, names[s], p) for i, s, p in
                                                         zip(ids, states, prios, strict=True))])
    assert got == want and len(merged.folded_keys) == n + 2
    matcher = Matcher(merged)
    assert {m.entry_id for m in matcher.match("A1", "S65534")} == {ID_MAX + 1, ID_MAX + 9}
    [last] = matcher.match("F6", "S65534")
    assert (last.entry_id, last.state_match, last.priority) == (7, "mismatch", -1)


def test_sorted_rows_are_checked():
    good = HotListIndex([IndexEntry(i, p, "CA", 4) for i, p in enumerate(["B1", "A1", "C2"])])
    again = HotListIndex.from_sorted_rows(good.folded_keys, good.rows, good.state_names)
    assert [m.entry_id for m in Matcher(again).match("A1")] == [1]
    with pytest.raises(ValueError, match="arrays"):
        HotListIndex.from_sorted_rows(good.folded_keys, good.rows[:-1], good.state_names)
    with pytest.raises(ValueError, match="arrays"):
        HotListIndex.from_sorted_rows(good.folded_keys, array("l", good.rows) if array("l").itemsize == 4 else
                                      good.rows.tolist(), good.state_names)
    with pytest.raises(ValueError, match="ascending"):
        HotListIndex.from_sorted_rows(array("q", reversed(good.folded_keys)), good.rows, good.state_names)
    with pytest.raises(ValueError, match="state"):
        HotListIndex.from_sorted_rows(good.folded_keys, good.rows, (None,))


def test_the_matcher_unpacks_like_the_rows_module():
    # the fast path inlines unpack_entry with literal shifts and masks
    assert (rows_module.ID_SHIFT, rows_module.STATE_SHIFT, rows_module.STATE_MASK, rows_module.PRIO_MASK,
            rows_module.PRIO_BIAS) == (24, 8, 0xFFFF, 0xFF, 128)


def test_rows_take_three_bytes_an_entry_less_than_the_old_columns():
    n = 1000
    index = HotListIndex.from_columns(list(range(n)), [f"A{i}" for i in range(n)], ["CA"] * n, [4] * n)
    assert index.nbytes == 24 * n and not index.big_ids

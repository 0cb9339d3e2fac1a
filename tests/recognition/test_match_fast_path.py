"""The single-exact-hit fast path of ``Matcher.match`` gives what the general path gives, everywhere."""

from __future__ import annotations

import bisect
import itertools

import pytest

import recognition.match.matcher as matcher_module
from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.match.confusion import FOLD_TABLE, normalise
from recognition.types import Alternative

# Positions in the folded-key column that matter: first, last, a lone key between runs, runs of one
# folded key (look-alikes), the same plate twice (two states), and wildcard entries.
_ENTRIES = (
    IndexEntry(1, "000AAA", "CA", 4),      # lowest key: first position
    IndexEntry(2, "ABC123", "CA", 2),      # alone
    IndexEntry(3, "A8C128", "TX", 5),      # look-alike of 4 (same folded key)
    IndexEntry(4, "ABC128", None, 3),
    IndexEntry(5, "XYZ789", "NV", 1),      # same plate twice
    IndexEntry(6, "XYZ789", "AZ", 6),
    IndexEntry(7, "ZZZZZZZZZZ", "CA", 9),  # highest key: last position
    IndexEntry(8, "K7", None, 7),
    IndexEntry(9, "QQQ111", "OR", 2),      # folds with 10 and 11 (O/Q/D/0 and I/L/1)
    IndexEntry(10, "OOO111", "OR", 2),
    IndexEntry(11, "DQ0LI1", "WA", 8),
)
_WILD = (IndexEntry(20, "ABC12?", "CA", 6), IndexEntry(21, "K*7", None, 2))
_QUERIES = (
    "000AAA", "ooo-aaa", "ABC123", "abc 123", "A8C123", "ABC128", "A8C128", "XYZ789", "ZZZZZZZZZZ", "K7", "QQQ111",
    "OOO111", "DQ0LI1", "QQQ11I", "ABC12", "AB", "ZZZZZZZZZZZ", "", "  ", "MISS99", "0", "ZZZZZZZZZ",
)
_CONFIGS = [
    MatchConfig(max_substitutions=s, allow_one_indel=i, match_wildcards=w, match_alternatives=a)
    for s, i, w, a in itertools.product((0, 1, 2), (False, True), (False, True), (False, True))
]


def _general(m: Matcher, plate_text: str, state, alternatives) -> list:  # noqa: ANN001
    """The general path, given the first position of the read's folded key found by a plain bisect."""
    index = m.index
    plate = normalise(plate_text)
    lo = -1
    if 0 < len(plate) <= 10:
        fkey = (int(plate.translate(FOLD_TABLE), 36) << 4) | len(plate)
        keys = list(index.folded_keys)
        at = bisect.bisect_left(keys, fkey)
        lo = at if at < len(keys) and keys[at] == fkey else -1
    return m._match_general(index, m.config, plate, state, alternatives, lo)


@pytest.mark.parametrize("wild", [False, True])
@pytest.mark.parametrize("cfg", _CONFIGS, ids=str)
def test_fast_path_equals_the_general_path(cfg, wild):
    m = Matcher(HotListIndex(_ENTRIES + (_WILD if wild else ())), cfg)
    for query, state, alts in itertools.product(
        _QUERIES, (None, "CA", "ca", "NV", ""), ((), ["ABC128"], [Alternative("XYZ789", 0.3)]),
    ):
        assert m.match(query, state, alts) == _general(m, query, state, alts), (query, state, alts)


def test_single_exact_hit_takes_no_collector(monkeypatch):
    class _NoCollector:
        def __init__(self, *_a):
            raise AssertionError("the general path ran for a single exact hit")

    m = Matcher(HotListIndex(_ENTRIES), MatchConfig(max_substitutions=1))
    monkeypatch.setattr(matcher_module, "_Collector", _NoCollector)
    [hit] = m.match("abc-123", "ca")
    assert (hit.entry_id, hit.kind, hit.distance, hit.substitutions, hit.state_match, hit.priority) == (
        2, "exact", 0, 0, "match", 2)
    [last] = m.match("ZZZZZZZZZZ", None)
    assert (last.entry_id, last.state_match) == (7, "unknown")
    [first] = m.match("000AAA", "NV")
    assert (first.entry_id, first.state_match) == (1, "mismatch")
    with pytest.raises(AssertionError):  # two entries share the folded key: the general path
        m.match("ABC128")


def test_fast_path_hit_is_a_frozen_match():
    [hit] = Matcher(HotListIndex(_ENTRIES)).match("ABC123", "CA")
    assert isinstance(hit, matcher_module.Match)
    with pytest.raises(AttributeError):
        hit.priority = 1  # type: ignore[misc]

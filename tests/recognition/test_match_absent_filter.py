"""The absent-key filter: never hides a present key, and an absent read costs no bisect."""

from __future__ import annotations

import random

import pytest

import recognition.match.index as index_module
import recognition.match.matcher as matcher_module
from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.match.confusion import FOLD_TABLE

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _passes(index: HotListIndex, key: int) -> bool:
    h = key % index.filter_modulus
    return bool((index.filter_bits[h >> 3] >> (h & 7)) & 1)


def _fkey(plate: str) -> int:
    return (int(plate.translate(FOLD_TABLE), 36) << 4) | len(plate)


@pytest.mark.parametrize("n", [0, 1, 7, 100, 5000])
def test_every_present_key_passes_even_across_build_steps(monkeypatch, n):
    monkeypatch.setattr(index_module, "_FILTER_CHUNK", 3)  # many build steps
    rnd = random.Random(n)
    plates = ["".join(rnd.choices(_ALPHABET, k=rnd.randint(1, 10))) for _ in range(n)] + ["Q00001"] * 3
    index = HotListIndex.from_columns(list(range(len(plates))), plates, ["CA"] * len(plates), [4] * len(plates))
    assert index.filter_modulus % 2 == 1 and index.filter_modulus % 3 != 0
    assert all(_passes(index, key) for key in index.folded_keys)


def test_most_absent_keys_are_stopped():
    rnd = random.Random(2)
    plates = ["".join(rnd.choices(_ALPHABET, k=7)) for _ in range(100_000)]
    index = HotListIndex.from_columns(list(range(len(plates))), plates, [None] * len(plates), [4] * len(plates))
    present = set(index.folded_keys)
    absent = [k for k in (_fkey("".join(rnd.choices(_ALPHABET, k=7))) for _ in range(20_000)) if k not in present]
    assert sum(map(lambda k: _passes(index, k), absent)) / len(absent) < 0.1
    assert len(index.filter_bits) * 8 <= 20 * len(plates)  # ~2 bytes an entry


def test_an_absent_read_is_answered_without_a_bisect(monkeypatch):
    rnd = random.Random(4)
    entries = [IndexEntry(i, "".join(rnd.choices(_ALPHABET, k=6)), "CA", 4) for i in range(2000)]
    m = Matcher(HotListIndex(entries), MatchConfig(max_substitutions=1))
    stopped = next(p for p in ("".join(rnd.choices(_ALPHABET, k=6)) for _ in range(1000))
                   if not _passes(m.index, _fkey(p)))

    def no_bisect(*_a):  # noqa: ANN202
        raise AssertionError("bisected for a read the filter proves absent")

    monkeypatch.setattr(matcher_module, "first_at_least", no_bisect)
    assert m.match(stopped, "CA") == []
    with pytest.raises(AssertionError):  # a present plate still bisects
        m.match(entries[0].plate, "CA")


def test_an_absent_read_still_finds_indel_alternative_and_wildcard_matches():
    entries = [IndexEntry(1, "ABC123", "CA", 4), IndexEntry(2, "XYZ789", None, 2), IndexEntry(3, "K7*Q", None, 1)]
    m = Matcher(HotListIndex(entries), MatchConfig(max_substitutions=1, allow_one_indel=True))
    assert not any(_passes(m.index, _fkey(p)) for p in ("ABC1234", "NOPE55", "K7ZZQ"))  # the filter stops them
    assert [h.entry_id for h in m.match("ABC1234", "CA")] == [1]
    assert [h.entry_id for h in m.match("NOPE55", None, ["XYZ789"])] == [2]
    assert [h.entry_id for h in m.match("K7ZZQ")] == [3]

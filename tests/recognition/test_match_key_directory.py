"""The key directory finds the position a plain bisect finds, however the keys crowd its buckets."""

from __future__ import annotations

import bisect
import random

import numpy as np
import pytest

from recognition.match import HotListIndex, MatchConfig, Matcher
from recognition.match.confusion import MAX_KEY_LENGTH, fold, plate_key
from recognition.match.directory import BUCKET_ENTRIES, key_directory
from recognition.match.index import first_at_least

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _index(plates: list[str]) -> HotListIndex:
    n = len(plates)
    return HotListIndex.from_columns(list(range(n)), plates, ["CA"] * n, [4] * n)


def _check_every_key(index: HotListIndex, extra: list[str]) -> None:
    keys = list(index.folded_keys)
    probes = {k + d for k in keys for d in (-17, -1, 0, 1, 16)} | {plate_key(fold(p)) for p in extra}
    for key in probes:
        assert first_at_least(index, key) == bisect.bisect_left(keys, key), key


_EDGES = [ch * n for n in range(1, MAX_KEY_LENGTH + 1) for ch in "0Z"]  # lowest and highest value of each length


@pytest.mark.parametrize("shape", ["uniform", "leading zeros", "one class", "one length", "every length", "tiny"])
def test_the_directory_equals_a_plain_bisect(shape):
    rnd = random.Random(shape)
    if shape == "uniform":
        plates = ["".join(rnd.choices(_ALPHABET, k=rnd.randint(5, 8))) for _ in range(5000)]
    elif shape == "leading zeros":  # short plates share the values of longer plates' leading zeros
        plates = ["0" * rnd.randint(0, 4) + "".join(rnd.choices(_ALPHABET, k=rnd.randint(1, 4))) for _ in range(5000)]
    elif shape == "one class":  # every plate folds to the same digits: all in a few buckets
        plates = ["".join(rnd.choices("0OQD", k=7)) for _ in range(3000)]
    elif shape == "one length":
        plates = ["".join(rnd.choices(_ALPHABET, k=MAX_KEY_LENGTH)) for _ in range(5000)]
    elif shape == "every length":
        plates = _EDGES + ["".join(rnd.choices(_ALPHABET, k=rnd.randint(1, 10))) for _ in range(5000)]
    else:
        plates = ["A"]
    _check_every_key(_index(plates), _EDGES + plates[:200])


def test_an_empty_index_has_a_directory():
    index = _index([])
    assert first_at_least(index, plate_key("ABC")) == 0
    assert Matcher(index).match("ABC") == []


def test_every_value_of_a_length_has_a_bucket():
    for shift, starts in key_directory(np.array([plate_key(p) for p in sorted(_EDGES)], np.int64)):
        length = len(starts)
        assert length >= 2 and shift >= 4
    directory = key_directory(np.empty(0, np.int64))
    for n in range(1, MAX_KEY_LENGTH + 1):
        shift, starts = directory[n]
        assert (plate_key("Z" * n) >> shift) + 1 < len(starts)


def test_buckets_stay_short_for_random_plates():
    rnd = random.Random(2)
    plates = ["".join(rnd.choices(_ALPHABET, k=rnd.randint(5, 8))) for _ in range(40_000)]
    index = _index(plates)
    sizes = []
    for p in plates[:2000]:
        shift, starts = index.key_directory[len(p)]
        i = plate_key(fold(p)) >> shift
        sizes.append(starts[i + 1] - starts[i])
    assert np.median(sizes) <= 4 * BUCKET_ENTRIES  # look-alike classes crowd some buckets; a bisect stays short
    assert sum(len(starts) for _, starts in index.key_directory) <= len(plates) // BUCKET_ENTRIES * 2 + 64


def test_the_matcher_finds_every_plate_through_the_directory():
    rnd = random.Random(9)
    plates = sorted({"".join(rnd.choices("0OQD1IL8B", k=rnd.randint(1, 10))) for _ in range(3000)} | set(_EDGES))
    matcher = Matcher(_index(plates), MatchConfig(max_substitutions=0, match_wildcards=False))
    for entry_id, plate in enumerate(plates):
        assert [m.entry_id for m in matcher.match(plate) if m.kind == "exact"] == [entry_id], plate

"""The vectorised plate keys equal ``plate_key`` of each plate and of its fold."""

from __future__ import annotations

import random

from recognition.match import HotListIndex
from recognition.match.confusion import MAX_KEY_LENGTH, fold, plate_key
from recognition.match.index import clean_plate_keys

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_clean_plate_keys_equal_plate_key_for_every_length_and_edge():
    rnd = random.Random(13)
    plates = ["".join(rnd.choices(_ALPHABET, k=rnd.randint(1, MAX_KEY_LENGTH))) for _ in range(5000)]
    plates += ["0", "Z", "0" * MAX_KEY_LENGTH, "Z" * MAX_KEY_LENGTH, "00A", "OQD0", "I1L", "B8S5Z2G6"]
    plain, folded = clean_plate_keys(plates)
    assert plain.tolist() == [plate_key(p) for p in plates]
    assert folded.tolist() == [plate_key(fold(p)) for p in plates]


def test_clean_plate_keys_of_nothing():
    plain, folded = clean_plate_keys([])
    assert (len(plain), len(folded)) == (0, 0)


def test_index_columns_use_the_same_keys():
    plates = ["ABC123", "0", "ZZZZZZZZZZ", "8OL5"]
    index = HotListIndex.from_columns([1, 2, 3, 4], plates, ["CA", None, "TX", "CA"], [1, 2, 3, 4])
    by_id = dict(zip(index.entry_ids, index.plate_keys, strict=True))
    assert by_id == {i: plate_key(p) for i, p in enumerate(plates, 1)}
    assert sorted(index.folded_keys) == sorted(plate_key(fold(p)) for p in plates)

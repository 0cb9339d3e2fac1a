"""The byte fold table (the matcher's hot path) folds exactly like the string table, for every character."""

from __future__ import annotations

import random

from recognition.match.confusion import FOLD_BYTES, FOLD_TABLE, fold, folded_key, plate_key


def test_byte_table_agrees_with_the_string_table_on_every_ascii_character():
    assert len(FOLD_BYTES) == 256
    for code in range(128):
        assert chr(FOLD_BYTES[code]) == chr(code).translate(FOLD_TABLE), code


def test_fold_is_unchanged_for_ascii_and_other_text():
    rnd = random.Random(21)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdoq -*?ÖØßÐ\x00\x7f"
    for _ in range(2000):
        text = "".join(rnd.choices(alphabet, k=rnd.randint(0, 12)))
        assert fold(text) == text.translate(FOLD_TABLE), text


def test_folded_key_is_the_plate_key_of_the_fold():
    rnd = random.Random(5)
    for plate in ["0", "ZZZZZZZZZZ", "0000000000", "OQDILBSZG1", *("".join(rnd.choices(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=rnd.randint(1, 10))) for _ in range(2000))]:
        assert folded_key(plate) == plate_key(plate.translate(FOLD_TABLE)), plate

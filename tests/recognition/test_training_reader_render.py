"""Rendered training rows of the recogniser fine-tuning (recognition/training/reader/render.py).

Training data only (session 25/26 of notes/reader.md): US plate rows, EU/Brazil plate rows and scene
text that is not a plate. These tests check the labels and shapes, not the look.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from recognition.training.reader.fonts import FONT_FILES
from recognition.training.reader.foreign_rows import FOREIGN_FORMATS, FOREIGN_SKIP, SCENE_TEXTS
from recognition.training.reader.render import DEFAULT_MIX, PlateRowRenderer

pytestmark = pytest.mark.skipif(
    not any(Path(f).is_file() for f in FONT_FILES), reason="no Debian TrueType font installed"
)
PLATE = re.compile(r"[0-9A-Z]+")


def test_foreign_serials_follow_their_pattern_and_label_only_plate_characters():
    r = PlateRowRenderer(3, mix=DEFAULT_MIX)
    seen = set()
    for _ in range(400):
        code, text, printed = r.foreign_serial()
        seen.add(code)
        assert PLATE.fullmatch(text)
        assert "".join(c for c in printed if c.isalnum()) == text
        shape = "".join("L" if c.isalpha() else "D" if c.isdigit() else c for c in printed)
        assert shape.replace("|", "") in {p.replace("|", "") for p in FOREIGN_FORMATS[code][2]}
        assert not set(text) & set(FOREIGN_SKIP.get(code, ""))
    assert seen == set(FOREIGN_FORMATS)


def test_mercosul_is_three_letters_digit_letter_two_digits():
    r = PlateRowRenderer(4)
    r.foreign_codes, r.foreign_p = ["BR"], np.array([1.0])
    for _ in range(20):
        _, text, _ = r.foreign_serial()
        assert re.fullmatch(r"[A-Z]{3}[0-9][A-Z][0-9]{2}", text)


def test_the_mix_draws_every_kind_as_48_px_rows_with_dictionary_labels():
    r = PlateRowRenderer(5, mix=DEFAULT_MIX)
    kinds: dict[str, int] = {}
    for _ in range(80):
        s = r.sample()
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
        assert s.image.dtype == np.uint8 and s.image.ndim == 3 and s.image.shape[0] == 48
        assert 16 <= s.image.shape[1] <= 512
        assert s.text and " " not in s.text
        if s.kind != "scene":
            assert PLATE.fullmatch(s.text)
    assert set(kinds) == {"us", "foreign", "scene"}
    assert kinds["us"] > kinds["foreign"] > kinds["scene"] > 0


def test_scene_texts_keep_their_own_characters():
    r = PlateRowRenderer(6, mix=(0.0, 0.0, 1.0))
    labels = {r.sample().text for _ in range(30)}
    known = {t.replace(" ", "") for t in SCENE_TEXTS}
    assert labels & known
    assert all(s.isprintable() and s.isascii() for s in labels)


def test_the_default_mix_is_us_plates_only():
    r = PlateRowRenderer(7)
    assert {r.sample().kind for _ in range(10)} == {"us"}


def test_foreign_and_scene_rows_report_a_size_factor_for_us_equivalent_character_heights():
    r = PlateRowRenderer(8)
    _, _, printed = r.foreign_serial()
    canvas, quad, ends, factor = r.foreign_plate("D", "AB|CD 123")
    assert canvas.shape[0] == 300 and quad.shape == (4, 2) and factor > 1.0  # EU plates are wider
    assert all(e >= 0 for e in ends)
    canvas, quad, ends, factor = r.scene_plate("CAMRY")
    assert canvas.shape[0] == 300 and ends == (0, 0) and factor > 0


def test_the_o_zero_glyph_swap_leaves_the_stream_alone_when_off_and_labels_unchanged_when_on():
    plain, off = PlateRowRenderer(9, mix=DEFAULT_MIX), PlateRowRenderer(9, mix=DEFAULT_MIX, same_o=0.0)
    for _ in range(5):
        a, b = plain.sample(), off.sample()
        assert a.text == b.text and np.array_equal(a.image, b.image)
    on = PlateRowRenderer(9, mix=(0.5, 0.5, 0.0), same_o=1.0)
    for _ in range(20):
        s = on.sample()
        assert PLATE.fullmatch(s.text) and s.image.shape[0] == 48

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


def _sharpness(image: np.ndarray) -> float:
    grey = image.mean(axis=2).astype(np.float32)
    return float(np.abs(np.diff(grey, axis=1)).mean())


def test_small_plate_softening_changes_only_the_chosen_small_rows_and_softens_them():
    """Session 27: a share of plates under 95 px gets heavier down-up resampling and stroke closing.

    The softening draws from its own random stream, so with it on every row is the same plate with the
    same label, and rows not chosen (large plates, or the unchosen share) are pixel-identical.
    """
    mix = (0.6, 0.28, 0.12)
    plain = PlateRowRenderer(11, mix=mix, same_o=0.5)
    softened = PlateRowRenderer(11, mix=mix, same_o=0.5, soft_small=0.5)
    soft_rows, kept = [], 0
    for _ in range(120):
        a, b = plain.sample(), softened.sample()
        assert a.text == b.text and a.kind == b.kind and not a.soft
        if b.soft:
            assert a.image.shape == b.image.shape
            soft_rows.append((a.image, b.image))
        else:
            assert np.array_equal(a.image, b.image)
            kept += 1
    assert 10 <= len(soft_rows) <= 60 and kept > 50
    # softer on average (less horizontal contrast), yet not a grey bar
    before = np.mean([_sharpness(a) for a, _ in soft_rows])
    after = np.mean([_sharpness(b) for _, b in soft_rows])
    assert after < 0.95 * before
    assert np.mean([b.std() for _, b in soft_rows]) > 0.5 * np.mean([a.std() for a, _ in soft_rows])


def test_softening_is_seeded():
    rows = []
    for _ in range(2):
        r = PlateRowRenderer(12, mix=(1.0, 0.0, 0.0), soft_small=1.0)
        rows.append([r.sample() for _ in range(12)])
    assert any(s.soft for s in rows[0])
    assert all(np.array_equal(a.image, b.image) and a.soft == b.soft for a, b in zip(*rows, strict=True))


def test_soften_small_keeps_shape_and_range():
    from recognition.training.reader.render import soften_small

    img = np.full((40, 120, 3), 220, np.float32)
    img[12:28, 20:100] = 30  # a dark "serial"
    quad = np.array([[20, 12], [100, 12], [100, 28], [20, 28]], np.float32)
    out = soften_small(img, quad, np.random.default_rng(0))
    assert out.shape == img.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 255


def test_brazil_leading_o_changes_only_the_chosen_brazil_rows():
    """Session 28: a share of Brazil rows get O as their first letter, from a stream of its own.

    Every other row (US, EU, scene, Brazil rows not chosen) is pixel-identical to the stream without
    the option; chosen rows keep the plate and differ only in the first letter of the label.
    """
    mix = (0.6, 0.28, 0.12)
    plain = PlateRowRenderer(13, mix=mix, same_o=0.5, soft_small=0.5)
    lead = PlateRowRenderer(13, mix=mix, same_o=0.5, soft_small=0.5, br_lead_o=0.5)
    changed = 0
    for _ in range(150):
        a, b = plain.sample(), lead.sample()
        assert a.kind == b.kind and a.soft == b.soft and len(a.text) == len(b.text)
        if a.text == b.text:
            assert np.array_equal(a.image, b.image)
            continue
        changed += 1
        assert b.kind == "foreign" and b.text[0] == "O" and a.text[1:] == b.text[1:]
        assert re.fullmatch(r"O[A-Z]{2}[0-9]([A-Z]|[0-9])[0-9]{2}", b.text)
    assert changed >= 3


def test_brazil_leading_o_rate():
    r = PlateRowRenderer(14, mix=(0.0, 1.0, 0.0), br_lead_o=1.0)
    rows = [r.foreign_serial() for _ in range(200)]
    brazil = [text for code, text, _ in rows if code in ("BR", "BR_OLD")]
    others = [text for code, text, _ in rows if code not in ("BR", "BR_OLD")]
    assert brazil and all(t[0] == "O" for t in brazil)
    assert sum(t[0] == "O" for t in others) < len(others) / 5


def test_eu_letter_o_sets_one_letter_place_of_eu_rows_that_use_o():
    plain = PlateRowRenderer(15, mix=(0.0, 1.0, 0.0))
    with_o = PlateRowRenderer(15, mix=(0.0, 1.0, 0.0), eu_letter_o=1.0)
    for _ in range(200):
        (code, a, _), (code_b, b, _) = plain.foreign_serial(), with_o.foreign_serial()
        assert code == code_b and len(a) == len(b)
        if FOREIGN_FORMATS[code][0] != "eu" or "O" in FOREIGN_SKIP.get(code, ""):
            assert a == b
        else:
            assert "O" in b and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def test_eu_letter_o_leaves_other_rows_pixel_identical():
    mix = (0.6, 0.28, 0.12)
    plain = PlateRowRenderer(16, mix=mix, same_o=0.5, br_lead_o=0.3)
    with_o = PlateRowRenderer(16, mix=mix, same_o=0.5, br_lead_o=0.3, eu_letter_o=0.5)
    for _ in range(80):
        a, b = plain.sample(), with_o.sample()
        assert a.kind == b.kind and len(a.text) == len(b.text)
        if a.text == b.text:
            assert np.array_equal(a.image, b.image)  # US, scene, Brazil and unchosen EU rows
        else:
            assert a.kind == "foreign" and "O" in b.text


def test_cut_rows_off_is_the_stream_without_it():
    mix = (0.6, 0.28, 0.12)
    plain = PlateRowRenderer(17, mix=mix, same_o=0.5, soft_small=0.5, br_lead_o=0.3)
    off = PlateRowRenderer(17, mix=mix, same_o=0.5, soft_small=0.5, br_lead_o=0.3, cut_rows=0.0)
    for _ in range(20):
        a, b = plain.sample(), off.sample()
        assert a.text == b.text and np.array_equal(a.image, b.image) and not b.cut


def test_cut_rows_change_only_the_chosen_plate_rows_and_keep_their_labels():
    """Session 29: a share of plate rows is cropped with a detector's error, from a stream of its own.

    Rows not chosen (scene text, unchosen plate rows) are pixel-identical to the stream without the
    option; a chosen row is the same plate with the same label, cropped by another box.
    """
    mix = (0.6, 0.28, 0.12)
    plain = PlateRowRenderer(18, mix=mix, same_o=0.5, soft_small=0.5, br_lead_o=0.3)
    cut = PlateRowRenderer(18, mix=mix, same_o=0.5, soft_small=0.5, br_lead_o=0.3, cut_rows=0.4)
    kinds: dict[str, int] = {}
    for _ in range(150):
        a, b = plain.sample(), cut.sample()
        assert a.text == b.text and a.kind == b.kind and a.soft == b.soft
        if not b.cut:
            assert np.array_equal(a.image, b.image)
            continue
        assert b.kind in ("us", "foreign") and b.image.shape[0] == 48
        assert not np.array_equal(a.image, b.image)  # another box
        kind = b.cut.removesuffix("+end")
        kinds[kind] = kinds.get(kind, 0) + 1
    assert set(kinds) == {"up", "down", "tight"}
    assert 35 <= sum(kinds.values()) <= 90


def test_detector_cut_cuts_into_the_characters_vertically_never_across():
    from recognition.training.reader.render import CUT_END, CUT_INTO, CUT_LOOSE, CUT_TIGHT, detector_cut

    # a level serial 200 px wide, characters 40 px high (rows 100-140), in a 400 x 600 image
    quad = np.array([[200, 100], [400, 100], [400, 140], [200, 140]], np.float32)
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(300):
        (x0, y0, x1, y1), kind = detector_cut(quad, rng, (400, 600, 3))
        seen.add(kind)
        top, bottom = (100 - y0) / 40, (y1 - 140) / 40  # margins in character heights, < 0 cuts in
        if kind.startswith("down"):  # tops cut, bottom loose
            assert -CUT_INTO[1] - 0.03 <= top <= -CUT_INTO[0] + 0.03
            assert CUT_LOOSE[0] - 0.03 <= bottom <= CUT_LOOSE[1] + 0.03
        elif kind.startswith("up"):
            assert -CUT_INTO[1] - 0.03 <= bottom <= -CUT_INTO[0] + 0.03
            assert CUT_LOOSE[0] - 0.03 <= top <= CUT_LOOSE[1] + 0.03
        else:
            assert kind.startswith("tight")
            assert -CUT_TIGHT - 0.03 <= top <= 0.03 and -CUT_TIGHT - 0.03 <= bottom <= 0.03
        assert x0 <= 200 and x1 >= 400  # every character whole across
        if kind.endswith("+end"):
            assert min(200 - x0, x1 - 400) <= CUT_END * 40 + 1
    assert {k.removesuffix("+end") for k in seen} == {"up", "down", "tight"}
    assert any(k.endswith("+end") for k in seen)


def test_detector_cut_stays_inside_the_image():
    from recognition.training.reader.render import detector_cut

    quad = np.array([[1, 2], [60, 1], [61, 18], [0, 19]], np.float32)
    rng = np.random.default_rng(1)
    for _ in range(100):
        (x0, y0, x1, y1), _ = detector_cut(quad, rng, (22, 64, 3))
        assert 0 <= x0 < x1 <= 64 and 0 <= y0 < y1 <= 22


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan")])
def test_cut_rows_refuses_a_share_outside_0_to_1(share):
    with pytest.raises(ValueError):
        PlateRowRenderer(19, cut_rows=share)

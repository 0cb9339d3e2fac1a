"""Recogniser heads cut to the reader's classes (``recognition.read.heads``), on a toy graph and the real models."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import openvino as ov
import pytest
from openvino import opset13 as ops

from recognition.evaluate.scoring import edit_distance
from recognition.read import OpenVinoPlateReader, ReaderConfig, load_model
from recognition.read.ctc import FoldedDictionary, greedy_decode, plate_char_of
from recognition.read.heads import OTHER_SYMBOL, HeadNotFound, cut_dictionary, cut_head, kept_classes
from recognition.read.models import core, model_path
from recognition.read.preprocess import rec_batch
from recognition.types import PLATE_ALPHABET
from tests.recognition.test_read_real import render_plate

TOY_CHARS = ("", "A", "中", "b", "-", "７", "文", "9", "ß", " ")


def _toy_model(
    classes: int, features: int = 6, seed: int = 0, transpose_b: bool = False
) -> tuple[ov.Model, np.ndarray, np.ndarray]:
    """``x [N, T, F] -> softmax(x @ W + b)``, the shape of a PP-OCR recogniser's head."""
    rng = np.random.default_rng(seed)
    weight = rng.normal(0.0, 2.0, (features, classes)).astype(np.float32)
    bias = rng.normal(0.0, 1.0, classes).astype(np.float32)
    x = ops.parameter(ov.PartialShape([-1, -1, features]), ov.Type.f32, name="x")
    stored = weight.T.copy() if transpose_b else weight
    logits = ops.add(ops.matmul(x, ops.constant(stored), False, transpose_b), ops.constant(bias))
    model = ov.Model([ops.result(ops.softmax(logits, 2))], [x], "toy")
    return model, weight, bias


def _run(model: ov.Model, x: np.ndarray) -> np.ndarray:
    compiled = core().compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    return np.asarray(compiled.create_infer_request().infer({0: x})[compiled.output(0)])


def test_kept_classes_are_blank_plate_forms_state_letters_and_space() -> None:
    keep = kept_classes(TOY_CHARS)
    kept = [TOY_CHARS[i] for i in keep]
    assert keep[0] == 0 and list(keep) == sorted(keep)
    # A, b (lowercase), full-width 7, 9, ß (a state line squashes it to SS), the space; no CJK, no hyphen.
    assert kept == ["", "A", "b", "７", "9", "ß", " "]


def test_cut_dictionary_appends_other_only_when_something_was_dropped() -> None:
    keep = kept_classes(TOY_CHARS)
    assert cut_dictionary(TOY_CHARS, keep, other=True)[-1] == OTHER_SYMBOL
    assert OTHER_SYMBOL not in cut_dictionary(TOY_CHARS, keep, other=False)
    everything = np.arange(len(TOY_CHARS))
    assert cut_dictionary(TOY_CHARS, everything, other=True) == TOY_CHARS


@pytest.mark.parametrize("transpose_b", [False, True])
def test_other_column_keeps_every_probability_and_sums_the_dropped(transpose_b: bool) -> None:
    model, _, _ = _toy_model(len(TOY_CHARS), transpose_b=transpose_b)
    x = np.random.default_rng(1).normal(0, 1, (2, 5, 6)).astype(np.float32)
    full = _run(model, x)
    keep = kept_classes(TOY_CHARS)
    cut = _run(cut_head(model, keep, other=True), x)
    assert cut.shape == (2, 5, len(keep) + 1)
    np.testing.assert_allclose(cut[..., :-1], full[..., keep], atol=1e-6)
    dropped = np.setdiff1d(np.arange(len(TOY_CHARS)), keep)
    np.testing.assert_allclose(cut[..., -1], full[..., dropped].sum(-1), atol=1e-6)
    # The original graph is left as it was.
    assert model.output(0).get_partial_shape()[2].get_length() == len(TOY_CHARS)


def test_plate_head_renormalises_over_the_kept_classes() -> None:
    model, _, _ = _toy_model(len(TOY_CHARS), seed=3)
    x = np.random.default_rng(2).normal(0, 1, (1, 7, 6)).astype(np.float32)
    full = _run(model, x)
    keep = kept_classes(TOY_CHARS)
    cut = _run(cut_head(model, keep, other=False), x)
    assert cut.shape == (1, 7, len(keep))
    expected = full[..., keep] / full[..., keep].sum(-1, keepdims=True)
    np.testing.assert_allclose(cut, expected, atol=1e-6)


def test_folding_a_cut_head_matches_folding_the_full_head() -> None:
    """With the "other" column the fold (blank, other, 36 characters) is the full head's."""
    model, _, _ = _toy_model(len(TOY_CHARS), seed=5)
    x = np.random.default_rng(4).normal(0, 1, (1, 9, 6)).astype(np.float32)
    keep = kept_classes(TOY_CHARS)
    full = FoldedDictionary(TOY_CHARS).fold(_run(model, x)[0])
    cut = FoldedDictionary(cut_dictionary(TOY_CHARS, keep)).fold(_run(cut_head(model, keep), x)[0])
    np.testing.assert_allclose(cut, full, atol=1e-6)


def test_bad_keep_lists_are_refused() -> None:
    model, _, _ = _toy_model(len(TOY_CHARS))
    for keep in ([1, 3], [0, 3, 3], [0, len(TOY_CHARS)], []):
        with pytest.raises(ValueError):
            cut_head(model, np.asarray(keep, dtype=np.int64))


def test_a_head_that_is_not_matmul_add_softmax_is_not_cut() -> None:
    x = ops.parameter(ov.PartialShape([-1, -1, 4]), ov.Type.f32)
    model = ov.Model([ops.result(ops.sigmoid(x))], [x], "no_head")
    with pytest.raises(HeadNotFound):
        cut_head(model, np.asarray([0, 1]))


# --- the real recognisers ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["v6_rec", "v4_rec"])
def rec_pair(request):
    key = request.param
    return key, load_model(key, head="full"), load_model(key, head="plate"), load_model(key, head="other")


def test_real_dictionaries_shrink_with_the_blank_first(rec_pair) -> None:
    key, full, plate, other = rec_pair
    assert len(full.characters) > 6000
    assert plate.characters[0] == "" and other.characters[0] == ""
    assert other.characters == plate.characters + (OTHER_SYMBOL,)
    # Every plate character in its plain form is kept, and nothing outside the kept set.
    assert set(PLATE_ALPHABET) <= set(plate.characters)
    assert all(
        c in ("", " ")
        or plate_char_of(c) is not None
        or any(ch.isascii() and ch.isalnum() for ch in c.upper())
        for c in plate.characters
    )
    assert len(plate.characters) < 200
    for model in (full, plate, other):
        classes = model.compiled.output(0).get_partial_shape()[2].get_length()
        assert classes == len(model.characters)


@pytest.mark.parametrize("text", ["ABC1234", "7XYZ529", "KM4821"])
def test_cut_recognisers_read_a_rendered_plate_as_the_full_one(rec_pair, text: str) -> None:
    key, full, plate, other = rec_pair
    batch, _ = rec_batch([render_plate(text, height=60)])
    reads = []
    for model in (full, plate, other):
        probs = model.infer(batch)[0]
        assert probs.shape[-1] == len(model.characters)
        decoded = greedy_decode(FoldedDictionary(model.characters).fold(probs))
        reads.append((decoded.text, [round(c.confidence, 3) for c in decoded.chars]))
    if key == "v6_rec":  # (PP-OCRv4 reads the 7 of the whole rendered plate as Z, full head or cut)
        # the plate-trained PP-OCRv6 (session 28) also reads this whole-plate 7 as Z: one edit allowed there
        assert edit_distance(reads[0][0], text) <= (1 if text == "7XYZ529" else 0)
    assert reads[1][0] == reads[0][0] and reads[2][0] == reads[0][0]
    # "other" keeps the full head's probabilities: same confidences.
    np.testing.assert_allclose(reads[2][1], reads[0][1], atol=2e-3)


def test_blank_and_kept_columns_keep_their_probabilities_with_the_other_column(rec_pair) -> None:
    key, full, plate, other = rec_pair
    batch, _ = rec_batch([render_plate("PLATE42", height=60)])
    p_full, p_other = full.infer(batch)[0], other.infer(batch)[0]
    index = {c: i for i, c in enumerate(full.characters)}
    for j, symbol in enumerate(other.characters[:-1]):
        i = 0 if j == 0 else index[symbol]
        np.testing.assert_allclose(p_other[:, j], p_full[:, i], atol=1e-4)
    np.testing.assert_allclose(p_other.sum(-1), 1.0, atol=1e-4)


@pytest.mark.parametrize("head", ["plate", "other"])
def test_a_character_outside_the_kept_set_never_appears(head: str) -> None:
    """Strokes and boxes a Chinese dictionary reads as characters: the cut head reads only its kept symbols."""
    models = {key: load_model(key, head=head) for key in ("v6_rec", "v4_rec")}
    reader = OpenVinoPlateReader(ReaderConfig(), {"v6_det": load_model("v6_det"), **models})
    line = np.full((60, 300, 3), 235, np.uint8)

    # Hershey fonts have no CJK: draw a box and strokes that a Chinese dictionary reads as characters.
    cv2.rectangle(line, (20, 12), (60, 48), (20, 20, 20), 4)
    cv2.line(line, (90, 30), (140, 30), (20, 20, 20), 4)
    cv2.putText(line, "AB-12", (160, 45), cv2.FONT_HERSHEY_DUPLEX, 1.2, (20, 20, 20), 3)
    allowed = set("".join(reader._state_rec.characters))  # noqa: SLF001
    for text, _ in reader.read_text([line, render_plate("XYZ789", height=60)]):
        assert set(text) <= allowed
    assert not any("\u4e00" <= c <= "\u9fff" for c in allowed)


def _through_convert(node):
    return node.input_value(0).get_node() if node.get_type_name() == "Convert" else node


def _biased_copy(path, symbol: str):
    """The packaged recogniser saved with the bias of ``symbol``'s class raised: it reads that symbol everywhere."""
    model = core().read_model(str(model_path("v6_rec")))
    chars = load_model("v6_rec", head="full").characters
    add = model.get_results()[0].input_value(0).get_node()  # the head's Softmax
    while add.get_type_name() != "Add":
        add = add.input_value(0).get_node()
    port, const = next(
        (i, node)
        for i in range(2)
        # the shipped file stores weights as float16 + Convert (session 28): look through the Convert
        for node in [_through_convert(add.input_value(i).get_node())]
        if node.get_type_name() == "Constant"
    )
    bias = np.asarray(const.get_data(), dtype=np.float32).copy()
    bias[chars.index(symbol)] += 60.0
    add.input(port).replace_source_output(ops.constant(bias).output(0))
    ov.save_model(model, path)
    return path


def test_override_file_is_the_one_cut(tmp_path, monkeypatch) -> None:
    """``ALPR_MODEL_V6_REC`` names the file the cut head is built from (not the packaged one)."""
    override = _biased_copy(tmp_path / "candidate.xml", "Q")
    batch, _ = rec_batch([render_plate("ABC1234", height=60)])
    packaged = {head: load_model("v6_rec", head=head) for head in ("plate", "other")}
    monkeypatch.setenv("ALPR_MODEL_V6_REC", str(override))
    assert load_model("v6_rec").path == override
    assert len(load_model("v6_rec", head="full").characters) == 18710
    for head in ("plate", "other"):
        cut = load_model("v6_rec", head=head)
        assert cut.path == override and cut.characters == packaged[head].characters
        read = greedy_decode(FoldedDictionary(cut.characters).fold(cut.infer(batch)[0])).text
        original = greedy_decode(FoldedDictionary(cut.characters).fold(packaged[head].infer(batch)[0])).text
        assert original == "ABC1234" and set(read) == {"Q"}


def test_uncuttable_override_loads_with_its_full_head(tmp_path, caplog) -> None:
    """A recogniser whose head is not MatMul + Add -> Softmax (say, a future export) still loads, whole."""
    x = ops.parameter(ov.PartialShape([-1, 3, 48, -1]), ov.Type.f32)
    pooled = ops.reduce_mean(x, ops.constant(np.array([2], dtype=np.int64)), False)  # [N, 3, W]
    seq = ops.transpose(pooled, ops.constant(np.array([0, 2, 1], dtype=np.int64)))  # [N, W, 3]
    scores = ops.matmul(seq, ops.constant(np.ones((3, 7), np.float32)), False, False)
    model = ov.Model([ops.result(ops.sigmoid(scores))], [x], "odd")
    model.set_rt_info("\n".join(["A", "B", "C", "D", "E"]), ["framework", "character"])
    path = tmp_path / "odd.xml"
    ov.save_model(model, path)
    with caplog.at_level(logging.WARNING):
        loaded = load_model("v6_rec", path=path, head="plate")
    assert len(loaded.characters) == 7 and "head kept whole" in caplog.text


def test_shipped_recognisers_are_cut_with_the_other_column() -> None:
    """What ``create_reader`` / the screened reader compile by default: same probabilities, ~170 classes."""
    for key in ("v6_rec", "v4_rec"):
        model = load_model(key)
        assert model.characters[0] == "" and model.characters[-1] == OTHER_SYMBOL
        assert len(model.characters) < 200

"""CTC folding, greedy decoding, likelihood scoring and fusion, on hand-made probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.read.ctc import (
    BLANK,
    FIRST_CHAR,
    OTHER,
    FoldedDictionary,
    build_fold_matrix,
    ctc_log_likelihood,
    greedy_decode,
    plate_char_of,
)
from recognition.read.fusion import LineScores, align, fuse, mixes
from recognition.types import PLATE_ALPHABET

DICT = ("", "-", "a", "A", "B", "0", "O", "1", "汉", " ")


def frames(*labels: str, sharp: float = 0.96) -> np.ndarray:
    """Folded probabilities with one frame per label ('_' blank, '~' other, else a character)."""
    out = np.full((len(labels), FIRST_CHAR + len(PLATE_ALPHABET)), (1 - sharp) / 37, dtype=np.float32)
    for t, label in enumerate(labels):
        col = BLANK if label == "_" else OTHER if label == "~" else FIRST_CHAR + PLATE_ALPHABET.index(label)
        out[t, col] = sharp
    return out


def test_plate_char_folding() -> None:
    assert plate_char_of("a") == "A"
    assert plate_char_of("Ｚ") == "Z"  # full-width form
    assert plate_char_of("-") is None
    assert plate_char_of("汉") is None


def test_fold_matrix_maps_case_and_others() -> None:
    target = build_fold_matrix(DICT)
    assert target[0] == BLANK
    assert target[1] == OTHER and target[8] == OTHER and target[9] == OTHER
    assert target[2] == target[3] == FIRST_CHAR + PLATE_ALPHABET.index("A")


def test_fold_sums_lowercase_into_uppercase() -> None:
    probs = np.zeros((1, len(DICT)), dtype=np.float32)
    probs[0, 2], probs[0, 3], probs[0, 1] = 0.35, 0.3, 0.35  # "a", "A", "-"
    folded = FoldedDictionary(DICT).fold(probs)
    assert folded[0, FIRST_CHAR + PLATE_ALPHABET.index("A")] == pytest.approx(0.65)
    assert folded[0, OTHER] == pytest.approx(0.35)
    assert greedy_decode(folded).text == "A"


def test_greedy_collapses_repeats_and_separators() -> None:
    decoded = greedy_decode(frames("_", "A", "A", "_", "A", "~", "B", "B", "7", "_"))
    assert decoded.text == "AAB7"
    assert len(decoded.chars) == 4
    assert all(0.9 < c.confidence <= 1.0 for c in decoded.chars)


def test_greedy_ignores_padding_frames() -> None:
    assert greedy_decode(frames("A", "_", "B", "C"), valid_frames=2).text == "A"


def test_likelihood_prefers_the_emitted_text() -> None:
    probs = frames("_", "A", "_", "1", "1", "_")
    assert ctc_log_likelihood(probs, "A1") > ctc_log_likelihood(probs, "A11")
    assert ctc_log_likelihood(probs, "A1") > ctc_log_likelihood(probs, "AI")
    assert ctc_log_likelihood(probs, "A1") > np.log(0.5)


def test_likelihood_of_repeated_char_needs_a_blank() -> None:
    with_blank = frames("A", "_", "A")
    without = frames("A", "A", "A")
    assert ctc_log_likelihood(with_blank, "AA") > ctc_log_likelihood(without, "AA")


def test_align_and_mixes() -> None:
    assert align("AB1", "A81") == [("A", "A"), ("B", "8"), ("1", "1")]
    assert align("XAB", "AB") == [("X", ""), ("A", "A"), ("B", "B")]
    assert mixes(["AB1", "A81"]) == {"AB1", "A81"}
    assert mixes(["4AB", "AB"]) == {"4AB", "AB"}


def test_fusion_drops_an_edge_character_one_model_is_unsure_of() -> None:
    # Model 1 hallucinates a weak leading "4"; model 2 clearly sees nothing there.
    m1 = frames("4", "_", "A", "_", "B", "_", "7", sharp=0.96)
    m1[0] = frames("_")[0] * 0.45
    m1[0, FIRST_CHAR + PLATE_ALPHABET.index("4")] = 0.55
    m2 = frames("_", "_", "A", "_", "B", "_", "7")
    fused = fuse([LineScores(m1, 7), LineScores(m2, 7)])
    assert fused.text == "AB7"
    assert len(fused.char_confidences) == 3


def test_fusion_offers_lookalike_alternatives() -> None:
    probs = frames("_", "O", "_", "K", "_", "1", "_")
    zero = FIRST_CHAR + PLATE_ALPHABET.index("0")
    probs[1, zero] = 0.3
    fused = fuse([LineScores(probs, 7)], max_alternatives=4)
    assert fused.text == "OK1"
    alts = dict(fused.alternatives)
    assert "0K1" in alts and "OKI" in alts
    assert alts["0K1"] > alts["OKI"]  # the model gave 0 some weight, I none
    assert all(c <= fused.confidence for c in alts.values())

"""Syntax-aware decoding of a plate row: look-alikes settled by the format, vanity plates kept."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.plates import PlatePrior
from recognition.read.ctc import BLANK, FIRST_CHAR, ctc_log_likelihood
from recognition.read.decode import concat_scores, constrained_texts, decode_row, log_likelihoods
from recognition.read.fusion import LineScores
from recognition.types import PLATE_ALPHABET

PRIOR = PlatePrior()
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def row(*columns: str | dict[str, float]) -> LineScores:
    """Folded CTC frames: each column is one character frame followed by a blank frame.

    A column is a character (read at 0.97) or ``{char: prob}`` for an ambiguous one; the rest of
    each frame's mass goes to the blank.
    """
    frames = []
    for col in columns:
        probs = {col: 0.97} if isinstance(col, str) else col
        frame = np.full(FIRST_CHAR + len(PLATE_ALPHABET), 1e-4, dtype=np.float32)
        for ch, p in probs.items():
            frame[FIRST_CHAR + PLATE_ALPHABET.index(ch)] = p
        frame[BLANK] = max(1e-4, 1.0 - frame.sum())
        gap = np.full_like(frame, 1e-4)
        gap[BLANK] = 1.0 - gap.sum() + 1e-4
        frames += [frame, gap]
    folded = np.stack(frames)
    return LineScores(folded, folded.shape[0])


def text_of(*columns: str | dict[str, float], state: str | None = None, conf: float = 0.9) -> str:
    return decode_row([row(*columns)], PRIOR, state, conf if state else 0.0, weight=0.5).text


def test_batched_likelihood_equals_the_single_forward() -> None:
    line = row("A", {"B": 0.5, "8": 0.4}, "C", "1")
    texts = ["AB C1".replace(" ", ""), "A8C1", "AC1", "AABC1", "Z"]
    batched = log_likelihoods(line, texts)
    single = [ctc_log_likelihood(line.folded, t, line.frames) for t in texts]
    assert np.allclose(batched, single, atol=1e-6)


def test_constrained_search_finds_the_fitting_text() -> None:
    line = row("A", "B", {"O": 0.6, "0": 0.35}, "1", "2", "3", "4")
    fits = constrained_texts(line, [(LETTERS, LETTERS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS)])
    assert fits == ["AB01234"]


@pytest.mark.parametrize(
    ("columns", "state", "expected"),
    [
        # Letter read in a digit block of New York's ABC-1234.
        (("A", "B", "C", "1", {"O": 0.55, "0": 0.4}, "3", "4"), "NY", "ABC1034"),
        # Digit read in the letter block of California's 1ABC234.
        (("7", {"8": 0.55, "B": 0.4}, "C", "D", "2", "3", "4"), "CA", "7BCD234"),
        (("7", "A", "B", "C", {"Z": 0.5, "2": 0.45}, "3", "4"), "CA", "7ABC234"),
        (("A", "B", "C", {"I": 0.6, "1": 0.35}, "2", "3", "4"), None, "ABC1234"),
        (("5", "5", {"S": 0.55, "5": 0.4}, "A", "B", "C"), "KS", "555ABC"),
        (("K", "L", {"G": 0.55, "6": 0.4}, "9", "2", "1", "0"), "NC", "KLG9210"),
    ],
)
def test_lookalikes_are_settled_by_the_format(columns, state, expected) -> None:
    assert text_of(*columns, state=state) == expected


def test_without_the_prior_the_recognisers_decide() -> None:
    line = row("A", "B", "C", "1", {"O": 0.55, "0": 0.4}, "3", "4")
    assert decode_row([line], None).text == "ABC1O34"
    assert decode_row([line], PRIOR, "NY", 0.9, weight=0.0).text == "ABC1O34"


@pytest.mark.parametrize("vanity", ["COUGAR", "GOLFING", "MOOOSE", "C2TURBO", "IM4REAL"])
def test_a_vanity_plate_that_fits_no_format_reads_as_itself(vanity: str) -> None:
    assert text_of(*vanity, state="CA") == vanity
    assert text_of(*vanity) == vanity


def test_a_clear_read_is_not_overruled() -> None:
    # "6A5730A" fits no Alabama format but every character is sharp: it stays.
    assert text_of(*"6A5730A", state="AL") == "6A5730A"


def test_a_weak_graphic_character_may_drop_out_but_a_sure_one_may_not() -> None:
    # Arizona's cactus read as a weak leading "4" before 752ARM (123ABC).
    assert text_of({"4": 0.45}, *"752ARM", state="AZ") == "752ARM"
    assert text_of({"4": 0.97}, *"752ARM", state="AZ") == "4752ARM"


def test_nothing_is_invented() -> None:
    # "321" fits no Wyoming format; "1321" would, but nothing was read there.
    assert len(text_of(*"321", state="WY")) == 3


def test_parts_of_a_row_are_joined_with_a_separator() -> None:
    left, right = row("N", "J", "P"), row("8", "5", "7")
    joined = concat_scores([left, right])
    assert joined.frames == left.frames + right.frames + 1
    assert decode_row([joined], PRIOR, "NJ", 0.9, weight=0.5).text == "NJP857"
    # A repeated character across parts survives the join ("AB" + "B1" is "ABB1").
    assert concat_scores([row("A", "B"), row("B", "1")]).greedy().text == "ABB1"


def test_alternatives_rank_below_the_reading() -> None:
    line = row("A", "B", "C", "1", {"O": 0.55, "0": 0.4}, "3", "4")
    fused = decode_row([line], PRIOR, "NY", 0.9, weight=0.5)
    assert fused.alternatives
    assert all(conf <= fused.confidence for _, conf in fused.alternatives)
    assert "ABC1O34" in [t for t, _ in fused.alternatives]

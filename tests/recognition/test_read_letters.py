"""Letter-frequency correction: a rare letter the recognisers read as a common look-alike gets its chance.

The recognisers learned natural text, where O is ~80x as common as Q and H ~2.5x as common as M;
plate serial letters are near uniform. The correction only moves letter-for-letter look-alike
choices: letter against digit stays with the recognisers and the format prior, clear letters stay.
"""

from __future__ import annotations

import math

import pytest

from recognition.read.config import ReaderConfig
from recognition.read.decode import decode_row
from recognition.read.letters import ENGLISH_LETTER_PCT, LETTER_LOOKALIKE_OF, letter_shift, letter_swaps
from tests.recognition.test_read_decode import PRIOR, row


def _read(*columns, letter_prior: float, state: str | None = None) -> str:
    return decode_row([row(*columns)], PRIOR, state, 0.9 if state else 0.0, weight=0.5,
                      letter_prior=letter_prior).text


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # Q with a faint tail: the recognisers say O 0.6, Q 0.3 (a 2:1 ratio, O/Q in English is ~80:1).
        (("U", "W", {"O": 0.6, "Q": 0.3}, "7", "8", "9"), "UWQ789"),
        # M with soft middle strokes read H 0.55 / M 0.4.
        (("Z", {"H": 0.55, "M": 0.4}, "U", "9", "1", "A"), "ZMU91A"),
    ],
)
def test_a_rare_lookalike_letter_wins_when_the_image_is_close(columns, expected) -> None:
    common = expected.replace("Q", "O").replace("M", "H")
    assert _read(*columns, letter_prior=0.0) == common
    assert _read(*columns, letter_prior=ReaderConfig().letter_prior) == expected


def test_a_clear_letter_is_not_moved() -> None:
    # An O read at 0.97 (Q at 1e-4): the correction (log 80 ~ 4.4 nats) is far from a 9-nat gap.
    assert _read("U", "W", "O", "7", "8", "9", letter_prior=1.0) == "UWO789"
    assert _read("Z", "H", "U", "9", "1", "A", letter_prior=1.0) == "ZHU91A"


def test_letter_against_digit_is_left_alone() -> None:
    # O/0 and D/0 are the format prior's business: the letter correction never prices them.
    assert letter_shift("AB0", "ABO", 1.0) == 0.0
    assert letter_shift("ABO", "AB0", 1.0) == 0.0
    columns = ("A", "B", "C", "1", {"O": 0.55, "0": 0.4}, "3", "4")
    assert _read(*columns, letter_prior=1.0, state="NY") == _read(*columns, letter_prior=0.0, state="NY")


def test_shift_is_the_log_frequency_ratio_of_lookalikes_only() -> None:
    assert letter_shift("UWQ789", "UWO789", 1.0) == pytest.approx(math.log(7.5 / 0.095))
    assert letter_shift("UWO789", "UWO789", 1.0) == 0.0
    assert letter_shift("UWQ78", "UWO789", 1.0) == 0.0  # other length: letters not paired
    # T and J are not look-alikes: a J from some other candidate gains nothing for being rare.
    assert letter_shift("JAA4679", "TAA4679", 1.0) == 0.0
    assert letter_shift("UWQ789", "UWO789", 0.0) == 0.0


def test_swaps_cover_each_lookalike_group_and_nothing_else() -> None:
    assert {"QB", "DB", "OR"} <= letter_swaps("OB") | letter_swaps("OP")
    assert letter_swaps("1234") == set()
    assert all(c in ENGLISH_LETTER_PCT for c in LETTER_LOOKALIKE_OF)
    assert all(len(s) == len("MOT") for s in letter_swaps("MOT"))

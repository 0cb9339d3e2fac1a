"""State mapping of small plate text (names, slogans, websites) with fuzzy matching."""

from __future__ import annotations

import pytest

from recognition.read.states import STATE_PHRASES, match_state


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (["California", "dmv.ca.gov"], "CA"),
        (["Sunshine State"], "FL"),
        (["LAND OF LINCOLN"], "IL"),
        (["WEST VIRGINIA", "Wild, Wonderful"], "WV"),
        (["VIRGINIA"], "VA"),
        (["Live Free or Die"], "NH"),
        (["FIRST IN FLIGHT"], "NC"),
        (["visitPA.com"], "PA"),
    ],
)
def test_exact_phrases(lines: list[str], code: str) -> None:
    match = match_state(lines)
    assert match is not None and match.code == code
    assert match.confidence >= 0.9


def test_ocr_noise_is_tolerated_with_lower_confidence() -> None:
    match = match_state(["M1SSISSlPP1"])
    assert match is not None and match.code == "MS"
    assert 0.5 < match.confidence < 1.0


def test_phrase_inside_longer_text() -> None:
    match = match_state(["xxNEWJERSEYGARDENxx"])
    assert match is not None and match.code == "NJ"


def test_nothing_similar_gives_none() -> None:
    assert match_state(["QWXZ 123", "ab"]) is None
    assert match_state([]) is None


def test_table_covers_every_state_and_dc() -> None:
    assert len(STATE_PHRASES) == 51
    assert all(len(code) == 2 and code.isupper() for code in STATE_PHRASES)

"""The US/Canadian format prior applies to North American plates only, never to EU/Brazilian ones."""

from __future__ import annotations

import pytest

from recognition.read import ReaderConfig, create_reader
from recognition.read import reader as reader_module
from recognition.read.region import OTHER_MIN_ASPECT, US_MAX_ASPECT, north_american_weight
from tests.recognition.test_read_real import render_plate


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (300, 150, 1.0),  # US/Canadian plate, 2:1
        (280, 100, 1.0),  # a loose detector box on a US plate, 2.8:1
        (520, 110, 0.0),  # EU plate, 4.7:1
        (406, 130, 0.0),  # Brazilian plate, 3.1:1
        (415, 140, pytest.approx((OTHER_MIN_ASPECT - 415 / 140) / (OTHER_MIN_ASPECT - US_MAX_ASPECT))),
    ],
)
def test_weight_follows_the_plate_shape(width: int, height: int, expected: float) -> None:
    assert north_american_weight(width, height) == expected


def test_a_state_read_marks_any_shape_as_north_american() -> None:
    assert north_american_weight(520, 110, "TX", 0.9) == 1.0
    assert north_american_weight(520, 110, "TX", 0.2) == 0.0  # an unsure state does not


def test_the_configured_region_overrides_the_guess() -> None:
    assert north_american_weight(520, 110, region="us") == 1.0
    assert north_american_weight(300, 150, "TX", 1.0, region="none") == 0.0
    assert north_american_weight(0, 0) == 0.0


@pytest.fixture(scope="module")
def reader():
    return create_reader(ReaderConfig())


def _prior_weights(monkeypatch: pytest.MonkeyPatch, reader, crop) -> list[float]:
    """Weights the reader hands the syntax decoder while reading ``crop`` (0 = decoded without the prior)."""
    seen: list[float] = []
    real = reader_module.decode_row

    def spy(lines, prior, state=None, state_confidence=0.0, weight=1.0, *args, **kwargs):
        seen.append(weight)
        return real(lines, prior, state, state_confidence, weight, *args, **kwargs)

    monkeypatch.setattr(reader_module, "decode_row", spy)
    reading = reader.read(crop)
    assert reading is not None
    return seen


def test_an_eu_shaped_plate_is_read_without_the_us_formats(monkeypatch: pytest.MonkeyPatch, reader) -> None:
    eu = render_plate("NO450AM", width=520, height=110)
    assert _prior_weights(monkeypatch, reader, eu) == []
    # the plate-trained recogniser (session 28) reads this drawn O (Hershey: O and 0 alike) as 0 itself,
    # with NO450AM next: no US format is there to settle it, so either order is the recogniser's own
    reading = reader.read(eu)
    assert "NO450AM" in [reading.text, *(a.text for a in reading.alternatives)][:2]


def test_a_us_shaped_plate_is_read_with_them(monkeypatch: pytest.MonkeyPatch, reader) -> None:
    weights = _prior_weights(monkeypatch, reader, render_plate("ABC1234", width=300, height=150))
    assert weights and all(w == pytest.approx(0.5) for w in weights)


def test_region_us_applies_them_to_every_plate(monkeypatch: pytest.MonkeyPatch) -> None:
    us_reader = create_reader(ReaderConfig(region="us"))
    weights = _prior_weights(monkeypatch, us_reader, render_plate("NO450AM", width=520, height=110))
    assert weights and all(w == pytest.approx(0.5) for w in weights)


def test_an_eu_shaped_plate_votes_its_views_without_the_us_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    from recognition.plates.prior import PlatePrior

    # Given a reader that always reads more views and votes (vote_below 1.0)
    voting = create_reader(ReaderConfig(vote_below=1.0))
    asked: list[str] = []
    real = PlatePrior.fits

    def spy(self, text: str, state: str | None = None) -> bool:
        asked.append(text)
        return real(self, text, state)

    monkeypatch.setattr(PlatePrior, "fits", spy)
    views = []
    real_vote = reader_module.vote
    monkeypatch.setattr(reader_module, "vote", lambda readings, *a: views.append(readings) or real_vote(readings, *a))
    # When it reads an EU-shaped plate, the vote ran and never weighed a reading by the US formats
    reading = voting.read(render_plate("NO450AM", width=520, height=110))
    assert views and reading is not None
    assert asked == []

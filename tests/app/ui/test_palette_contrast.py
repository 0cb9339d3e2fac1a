"""Both palettes pass WCAG AA for every state a dispatcher sees, and priorities survive colour blindness."""

from __future__ import annotations

import itertools

import pytest

from app.domain.alerts import ChimeBand
from app.ui.colour_checks import Vision, contrast, lightness, simulate
from app.ui.palette import CONTROL_PAIRS, PALETTES, TEXT_PAIRS, Palette, queue_text_pairs

TEXT_MIN, CONTROL_MIN = 4.5, 3.0
TOP3 = (ChimeBand.URGENT, ChimeBand.HIGH, ChimeBand.NORMAL)
#: Minimum CIELAB lightness step between URGENT, High and Normal, for each cue, under each vision.
LIGHTNESS_STEP = {"band_fill": 15.0, "band_tint": 5.0, "band_text": 5.0}


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_text_pair_reaches_4_5(name):
    p = PALETTES[name]
    pairs = [(what, getattr(p, fg), getattr(p, bg)) for what, fg, bg in TEXT_PAIRS] + queue_text_pairs(p)
    low = [(what, fg, bg, round(contrast(fg, bg), 2)) for what, fg, bg in pairs if contrast(fg, bg) < TEXT_MIN]
    assert not low, f"{name}: text under {TEXT_MIN}:1: {low}"


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_control_boundary_reaches_3(name):
    p = PALETTES[name]
    low = [(what, round(contrast(getattr(p, fg), getattr(p, bg)), 2)) for what, fg, bg in CONTROL_PAIRS
           if contrast(getattr(p, fg), getattr(p, bg)) < CONTROL_MIN]
    assert not low, f"{name}: boundaries under {CONTROL_MIN}:1: {low}"


def test_queue_pairs_cover_every_band_and_state():
    pairs = queue_text_pairs(PALETTES["light"])
    for band in ChimeBand:
        for state in ("row text", "priority word", "unacknowledged status", "stale list age", "claimed status"):
            assert any(what == f"{band.value} {state}" for what, _f, _b in pairs), (band, state)


@pytest.mark.parametrize("name", sorted(PALETTES))
@pytest.mark.parametrize("vision", list(Vision))
@pytest.mark.parametrize("cue", sorted(LIGHTNESS_STEP))
def test_priorities_differ_in_lightness_under_colour_blindness(name, vision, cue):
    colours: dict[ChimeBand, str] = getattr(PALETTES[name], cue)
    seen = {band: lightness(simulate(colours[band], vision)) for band in TOP3}
    for a, b in itertools.combinations(TOP3, 2):
        assert abs(seen[a] - seen[b]) >= LIGHTNESS_STEP[cue], (name, vision, cue, a, b, seen)


def test_the_checks_catch_the_old_light_theme():
    """The light theme before issue 11: dark tints under dark text, near-white checklist lines on white."""
    old = PALETTES["light"]
    broken = Palette(**{**{f: getattr(old, f) for f in Palette.__slots__},  # type: ignore[attr-defined]
                        "band_tint": {**old.band_tint, ChimeBand.URGENT: "#3a1719"},
                        "check_pending": "#e6e9ed"})
    assert contrast(broken.text, broken.band_tint[ChimeBand.URGENT]) < TEXT_MIN
    assert contrast(broken.check_pending, broken.window) < TEXT_MIN
    # and the old priority colours collapse for a deuteranope (the "one olive" of the issue)
    old_fills = {ChimeBand.URGENT: "#ff5c5c", ChimeBand.HIGH: "#ff9d3a", ChimeBand.NORMAL: "#f2d04b"}
    seen = [lightness(simulate(c, Vision.DEUTERANOPIA)) for c in old_fills.values()]
    assert min(abs(a - b) for a, b in itertools.combinations(seen, 2)) < LIGHTNESS_STEP["band_fill"]


def test_simulation_and_contrast_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert lightness("#ffffff") == pytest.approx(100.0, abs=0.01)
    # a pure red and a pure green look alike (same hue family) to a deuteranope but not to others
    assert simulate("#ff0000", Vision.NORMAL) == "#ff0000"
    r, g = simulate("#ff0000", Vision.DEUTERANOPIA), simulate("#00ff00", Vision.DEUTERANOPIA)
    assert r != "#ff0000" and g != "#00ff00"

"""A North American plate's O/0 is keyed as zero unless a listed format settles it as a letter."""

from __future__ import annotations

import pytest

from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.plates import default_prior
from recognition.plates.keying import key_zero
from recognition.read import ReaderConfig, create_reader
from tests.recognition.test_read_real import render_plate


@pytest.mark.parametrize(
    ("text", "keyed"),
    [
        ("BLOGGER", "BL0GGER"),  # a vanity word fits no format: zeros, as the records key it
        ("OUTFRONT", "0UTFR0NT"),
        ("MOTORZ", "M0T0RZ"),
        ("NOX218", "NOX218"),  # LLL NNN: the O is in a letter place and stays
        ("355OCT", "355OCT"),  # NNN LLL
        ("ABC1234", "ABC1234"),  # nothing to key
        ("", ""),
    ],
)
def test_zero_unless_a_format_fits(text: str, keyed: str) -> None:
    assert key_zero(text, default_prior()) == keyed


def test_a_state_read_is_tried_before_the_other_formats() -> None:
    prior = default_prior()
    assert prior.fits("NOX218", "IN")
    assert key_zero("NOX218", prior, "IN") == "NOX218"
    # a text no format of any jurisdiction holds is keyed whatever the state
    assert key_zero("GOLFING", prior, "CA") == "G0LFING"


def test_a_state_that_issues_no_letter_o_keys_every_o_as_zero() -> None:
    prior = default_prior()
    assert prior.fits("1OB2345", "AL")  # fits Alabama's county format with an O in a letter place
    assert key_zero("1OB2345", prior, "AL") == "10B2345"
    assert key_zero("1OB2345", prior, "AZ") == "1OB2345"  # elsewhere the format keeps it
    assert key_zero("1OB2345", prior) == "1OB2345"


@pytest.fixture(scope="module")
def reader():
    return create_reader(ReaderConfig())


def test_the_reader_keys_a_us_vanity_plate_with_zeros(reader) -> None:
    reading = reader.read(render_plate("BLOGGER", width=320, height=150))
    assert reading is not None
    assert reading.text == "BL0GGER"
    # the recognisers' own text stays the first alternative; the others are keyed too
    assert reading.alternatives[0].text == "BLOGGER"
    assert all("O" not in alt.text for alt in reading.alternatives[1:])
    assert len({alt.text for alt in reading.alternatives}) == len(reading.alternatives)


def test_a_hot_list_entry_written_with_the_letter_o_still_hits(reader) -> None:
    # two O/0 differences are two look-alike substitutions (the default allows one): the alternative finds it
    reading = reader.read(render_plate("MOTORZ", width=320, height=150))
    assert reading is not None and reading.text == "M0T0RZ"
    for entry_text in ("MOTORZ", "M0T0RZ"):
        matcher = Matcher(HotListIndex([IndexEntry(5, entry_text, None, 4)]), MatchConfig())
        assert [h.entry_id for h in matcher.match(reading.text, None, reading.alternatives)] == [5]


def test_an_eu_shaped_plate_keeps_its_letter_o(reader, monkeypatch) -> None:
    # Keying is not applied to an EU-shaped crop: the recogniser's own readings come out unkeyed. (Until
    # session 28 this asserted the text "NO450AM"; the plate-trained recogniser reads this rendered
    # plate "N0450AM" itself, with "NO450AM" as its first alternative - a reading, not keying.)
    import recognition.read.reader as reader_module

    calls: list[str] = []

    def spy(text, prior, state=None):
        calls.append(text)
        return key_zero(text, prior, state)

    monkeypatch.setattr(reader_module, "key_zero", spy)
    reading = reader.read(render_plate("NO450AM", width=520, height=110))
    assert reading is not None
    assert calls == []
    assert "NO450AM" in [reading.text, *(a.text for a in reading.alternatives)][:2]
    reader.read(render_plate("BLOGGER", width=320, height=150))
    assert calls  # the same spy sees a US-shaped crop keyed

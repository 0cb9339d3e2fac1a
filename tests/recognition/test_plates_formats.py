"""The plate-format table: every row loads, is accepted and preferred; malformed tables are refused."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from recognition.plates import FormatTableError, PlatePrior, load_table
from recognition.plates.formats import compile_pattern, parse_table

TABLE = load_table()
PRIOR = PlatePrior(TABLE)
ROWS = [(code, fmt) for code, j in TABLE.jurisdictions.items() for fmt in j.formats]


def sample(classes: tuple[str, ...], offset: int = 3) -> str:
    """A deterministic string that fits ``classes`` (not always the first character of each class)."""
    return "".join(allowed[(offset * (i + 1)) % len(allowed)] for i, allowed in enumerate(classes))


def misfit(code: str, length: int) -> str:
    """A string of ``length`` characters that fits none of ``code``'s formats."""
    for chars in itertools.product("Q7", repeat=length):
        text = "".join(chars)
        if not PRIOR.fits(text, code):
            return text
    raise AssertionError(f"every {length}-character string fits {code}")


def test_table_covers_us_and_canada() -> None:
    us = {c for c, j in TABLE.jurisdictions.items() if j.country == "US"}
    ca = {c for c, j in TABLE.jurisdictions.items() if j.country == "CA"}
    assert len(us) == 51  # 50 states + DC
    assert {"ON", "QC", "BC", "AB"} <= ca
    assert abs(sum(TABLE.prior_weight(c) for c in TABLE.jurisdictions) - 1.0) < 1e-9


@pytest.mark.parametrize(("code", "fmt"), ROWS, ids=[f"{c}-{f.pattern}" for c, f in ROWS])
def test_every_row_is_accepted_and_preferred(code: str, fmt) -> None:
    text = sample(fmt.classes)
    assert fmt.matches(text)
    assert PRIOR.fits(text, code)
    assert PRIOR.fits(text)  # the all-jurisdictions prior knows it too
    other = misfit(code, len(text))
    # Preferred over a same-length string that fits no format of the state, with the state known
    # and without it.
    assert PRIOR.boost(text, code) > PRIOR.boost(other, code) + 1.0
    assert PRIOR.boost(text) > PRIOR.boost(other, code) - 1.0


def test_vanity_text_is_not_impossible() -> None:
    # A personalised plate fits no format: its boost is finite and the same as any other unlisted
    # string of its length, so the recognisers' evidence decides.
    assert PRIOR.boost("COUGAR", "CA") == pytest.approx(PRIOR.boost("XQZVWK", "CA"))
    assert PRIOR.boost("C0UGAR", "CA") == pytest.approx(PRIOR.boost("COUGAR", "CA"))
    assert PRIOR.boost("ABCDEFGHIJK") > float("-inf")


def test_state_read_changes_the_preference() -> None:
    # "1ABC234" is California's format, "ABC1234" New York's.
    assert PRIOR.boost("7ABC234", "CA") > PRIOR.boost("ABC1234", "CA")
    assert PRIOR.boost("ABC1234", "NY") > PRIOR.boost("7ABC234", "NY")
    # An unsure state read leans on the other jurisdictions as well.
    assert PRIOR.boost("ABC1234", "CA", 0.5) > PRIOR.boost("ABC1234", "CA", 1.0)


def test_unknown_state_falls_back_to_all() -> None:
    assert PRIOR.boost("ABC1234", "ZZ") == PRIOR.boost("ABC1234")


def test_formats_for_a_state_come_first() -> None:
    own = {f.classes for f in TABLE.jurisdictions["MO"].formats}
    listed = PRIOR.formats("MO")
    assert set(listed[: len(own)]) == own
    assert len(listed) > len(own)  # the other jurisdictions' formats follow
    assert all(len(c) == 6 for c in PRIOR.formats("MO", min_length=6, max_length=6))


def test_compile_pattern_classes_and_literals() -> None:
    classes = compile_pattern("#@*X", letters="AB")
    assert classes == ("0123456789", "AB", "0123456789AB", "X")
    with pytest.raises(FormatTableError):
        compile_pattern("AB-1")


def _doc(**overrides) -> dict:
    entry = {"name": "Testland", "country": "US", "weight": 1.0, "max_length": 7, "vanity": 0.1,
             "formats": [{"p": "@@@###", "w": 0.9}]}
    entry.update(overrides)
    return {"country": {"US": {"weight": 1.0}}, "TL": entry}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"formats": []}, "formats"),
        ({"formats": [{"p": "@@?#", "w": 0.5}]}, "formats[0]"),
        ({"formats": [{"p": "@@@", "w": 2.0}]}, "w must be"),
        ({"weight": "many"}, "weight"),
        ({"serial_letters": "ab"}, "serial_letters"),
        ({"name": ""}, "name"),
    ],
)
def test_malformed_entries_are_refused_with_their_place(override: dict, message: str) -> None:
    with pytest.raises(FormatTableError, match=r"\[TL\]") as info:
        parse_table(_doc(**override))
    assert message in str(info.value)


def test_bad_code_and_empty_table() -> None:
    with pytest.raises(FormatTableError):
        parse_table({"Texas": _doc()["TL"]})
    with pytest.raises(FormatTableError):
        parse_table({})


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(FormatTableError, match="cannot read"):
        load_table(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[AL\nname = 1", encoding="utf-8")
    with pytest.raises(FormatTableError, match="not valid TOML"):
        load_table(broken)

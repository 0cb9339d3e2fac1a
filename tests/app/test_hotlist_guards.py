"""Import guards: nothing damaged is stored, nothing is silently stripped, every bad row has its line."""

from __future__ import annotations

import pytest

from app.domain.hotlists import SourceParseSettings, parse_hotlist, preset

LOOSE = SourceParseSettings(max_bad_row_fraction=0.5)
CSV_HEAD = b"PLATE,STATE,TYPE,NIC,ORI,ENTRY_DATE,VYR,VMA,VMO,VCO,EXPIRY,NOTE\n"


def _csv(*rows: bytes) -> bytes:
    return CSV_HEAD + b"".join(r + b"\n" for r in rows)


def _ok(plate: bytes) -> bytes:
    return plate + b",CA,V,V000000001,CA0000000,01/31/2020,2005,DODG,RAM,BLK,12/31/2030"


def _rejects(outcome) -> list[tuple[int, str]]:
    return [(i.line_no, i.reason.value) for i in outcome.rejected]


@pytest.mark.parametrize(("junk", "reason"), [
    (b"AB\x00C12", "control_characters"),
    (b"ABC\x1b[31m12", "control_characters"),
    (b"ABC\xff12", "invalid_encoding"),
    ("ABC\ufffd12".encode(), "invalid_encoding"),
])
def test_control_characters_and_bad_bytes_are_bad_rows_never_stored(junk, reason):
    # a UTF-8 file (the é elsewhere makes that clear) with one damaged row
    data = _csv(_ok(b"GOOD1"), _ok(junk), _ok(b"GOOD2"), _ok(b"CAF1") + ",café".encode())
    outcome = parse_hotlist(data, preset("state_csv"), LOOSE)
    assert outcome.accepted
    assert _rejects(outcome) == [(3, reason)]
    assert {r.plate for r in outcome.records} == {"GOOD1", "GOOD2", "CAF1"}
    for r in outcome.records:  # nothing with a control character or U+FFFD reaches the database
        for value in (r.plate_raw, r.vehicle_model, r.remarks, r.ori, r.nic):
            assert not value or all(ch.isprintable() and ch != "\ufffd" for ch in value)


def test_nul_inside_a_fixed_width_row_is_reported_not_stripped():
    good = b"V123456789LA057020020190509ABC123    CA2009MC2009YAMACYLMCBLK"
    bad = good.replace(b"ABC", b"X\x00Z")
    outcome = parse_hotlist(good + b"\n" + bad + b"\n" + good.replace(b"ABC", b"DEF") + b"\n", preset("ncic_fixed"),
                            LOOSE)
    assert _rejects(outcome) == [(2, "control_characters")]
    assert {r.plate for r in outcome.records} == {"ABC123", "DEF123"}


def test_formula_cells_are_bad_rows():
    outcome = parse_hotlist(_csv(_ok(b"GOOD1"), _ok(b"=HYPERLINK(1)"), _ok(b"GOOD2").replace(b"RAM", b"@SUM(A1)")),
                            preset("state_csv"), LOOSE)
    assert _rejects(outcome) == [(3, "formula"), (4, "formula")]


def test_plate_symbols_are_rejected_and_separators_reported():
    outcome = parse_hotlist(_csv(_ok(b"AB#123"), _ok(b"AB-123"), _ok(b"CD 456")), preset("state_csv"), LOOSE)
    assert _rejects(outcome) == [(2, "plate_invalid_chars")]
    assert [(w.line_no, w.reason.value) for w in outcome.warnings] == [(3, "plate_normalised"), (4, "plate_normalised")]
    assert sorted(r.plate for r in outcome.records) == ["AB123", "CD456"]


def test_unclosed_quote_is_reported_on_its_line_and_swallows_nothing():
    rows = [_ok(f"GOOD{i}".encode()) for i in range(12)]
    rows[2] = _ok(b'"BAD1')  # opened, never closed
    outcome = parse_hotlist(_csv(*rows), preset("state_csv"), LOOSE)
    assert _rejects(outcome) == [(4, "bad_quoting")]
    assert len(outcome.records) == 11


def test_field_longer_than_its_column_is_a_bad_row():
    outcome = parse_hotlist(_csv(_ok(b"GOOD1"), _ok(b"GOOD2").replace(b"DODG", b"D" * 40)), preset("state_csv"), LOOSE)
    assert _rejects(outcome) == [(3, "field_too_long")]


def test_a_latin1_file_still_reads():
    outcome = parse_hotlist(_csv(_ok(b"GOOD1") + b",caf\xe9"), preset("state_csv"))
    assert outcome.accepted and outcome.encoding == "latin-1" and outcome.records[0].plate == "GOOD1"


def test_codes_that_are_not_codes_are_bad_rows():
    outcome = parse_hotlist(_csv(_ok(b"GOOD1"), _ok(b"GOOD2").replace(b"2005", b"20\xc3\xbf5"),
                                 _ok(b"GOOD3").replace(b"DODG", b"DO#G"), _ok(b"GOOD4").replace(b"BLK", b"B*K"),
                                 _ok(b"GOOD5")), preset("state_csv"), LOOSE)
    assert _rejects(outcome) == [(3, "invalid_code"), (4, "invalid_code"), (5, "invalid_code")]

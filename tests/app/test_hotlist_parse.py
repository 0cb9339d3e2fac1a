"""Hot-list parsing: every format, and every bad input the issue lists."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from app.domain.hotlists import (
    FORMAT_SPEC_ADAPTER,
    Column,
    DelimitedSpec,
    FixedWidthSpec,
    FooterLine,
    HeaderLine,
    NcicFixedSpec,
    RecordCategory,
    RecordTypeMap,
    RefusalReason,
    RowReason,
    SourceParseSettings,
    TypeRule,
    normalise_plate,
    parse_hotlist,
    preset,
)

EXAMPLE = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK"
LENIENT = SourceParseSettings(max_bad_row_fraction=1.0)


def ncic(plate: str = "ABC123", state: str = "CA", typ: str = "V", tail: str = "2019PC2009HONDCIV4DBLK") -> str:
    return f"{typ}000000001CA057020020190509{plate:<10}{state:<2}{tail}"


def lines(*rows: str, nl: str = "\n") -> bytes:
    return (nl.join(rows) + nl).encode()


def test_domain_example_record_parses_every_field():
    out = parse_hotlist(lines(EXAMPLE), preset("ncic_fixed"))
    assert out.accepted
    [r] = out.records
    assert (r.plate, r.state, r.record_type, r.category, r.priority) == (
        "AB123456", "CA", "V", RecordCategory.STOLEN_VEHICLE, 4,
    )
    assert (r.nic, r.ori, r.entry_date) == ("V123456789", "LA0570200", date(2019, 5, 9))
    assert (r.lic_year, r.lic_type, r.vehicle_year, r.vehicle_make) == ("2009", "MC", "2009", "YAMA")
    assert (r.vehicle_model, r.vehicle_style, r.vehicle_colour, r.line_no) == ("CYL", "MC", "BLK", 1)


def test_record_is_frozen():
    [r] = parse_hotlist(lines(EXAMPLE), preset("ncic_fixed")).records
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.plate = "X"  # type: ignore[misc]


def test_two_tone_colour_is_kept():
    [r] = parse_hotlist(lines(ncic(tail="2019PC2009HONDCIV4DYEL/BLK")), preset("ncic_fixed")).records
    assert r.vehicle_colour == "YEL/BLK"


@pytest.mark.parametrize(("raw", "plate"), [("AB 123", "AB123"), ("ab-12.3", "AB123"), (" 7XYZ", "7XYZ")])
def test_plates_are_normalised_as_ncic_does(raw, plate):
    [r] = parse_hotlist(lines(ncic(plate=raw)), preset("ncic_fixed")).records
    assert (r.plate, r.plate_raw) == (plate, raw.strip())
    assert normalise_plate(raw) == plate


def test_utf8_bom_and_crlf():
    data = b"\xef\xbb\xbf" + lines(ncic("AAA111"), ncic("BBB222"), nl="\r\n")
    out = parse_hotlist(data, preset("ncic_fixed"))
    assert out.accepted and out.encoding == "utf-8-sig"
    assert [r.nic for r in out.records] == ["V000000001", "V000000001"]
    assert [r.vehicle_colour for r in out.records] == ["BLK", "BLK"]


def test_latin1_file_is_decoded():
    data = "PLATE,STATE,TYPE,NOTE\nABC123,CA,V,Caf\xe9 parking\n".encode("latin-1")
    spec = DelimitedSpec(columns={"plate": "PLATE", "state": "STATE", "record_type": "TYPE", "remarks": "NOTE"})
    out = parse_hotlist(data, spec)
    assert out.encoding == "latin-1" and out.records[0].remarks == "Café parking"


def test_plate_with_foreign_letters_is_rejected():
    data = "PLATE,TYPE\nABÇ123,V\nGOOD1,V\n".encode()
    out = parse_hotlist(data, DelimitedSpec(columns={"plate": "PLATE", "record_type": "TYPE"}), LENIENT)
    assert [(i.line_no, i.reason) for i in out.rejected] == [(2, RowReason.PLATE_INVALID_CHARS)]


def test_utf8_cut_inside_a_character_is_truncated():
    data = "PLATE,TYPE\nABC1,V\nXYZ,V,é".encode()[:-1]
    out = parse_hotlist(data, DelimitedSpec(columns={"plate": "PLATE", "record_type": "TYPE"}))
    assert not out.accepted and out.refusal is RefusalReason.TRUNCATED and out.records == ()


def test_cut_last_line_without_newline_is_truncated():
    data = lines(*(ncic(f"P{i}") for i in range(100))) + ncic("LAST")[:20].encode()
    out = parse_hotlist(data, preset("ncic_fixed"), LENIENT)
    assert out.refusal is RefusalReason.TRUNCATED and "line 101" in out.refusal_detail


def test_missing_final_newline_costs_only_the_unterminated_last_line():
    # the last line may be cut inside a field and still look valid ("HOND" -> "HO"): it is reported, not stored
    out = parse_hotlist("\n".join([ncic("A1"), ncic("B2"), ncic("C3")]).encode(), preset("ncic_fixed"), LENIENT)
    assert out.accepted and [r.plate for r in out.records] == ["A1", "B2"]
    assert [(i.line_no, i.reason.value) for i in out.rejected] == [(3, "unterminated")]


def test_blank_lines_are_counted_not_bad():
    out = parse_hotlist(lines(ncic("A1"), "", "   ", ncic("B2")), preset("ncic_fixed"))
    assert out.accepted and out.counts.blank_lines == 2 and out.counts.data_rows == 2


def test_short_and_overlong_lines_are_rejected_with_line_numbers():
    out = parse_hotlist(lines(ncic("A1"), "V12345", ncic("B2") + "X" * 300), preset("ncic_fixed"), LENIENT)
    assert [(i.line_no, i.reason) for i in out.rejected] == [
        (2, RowReason.LINE_TOO_SHORT), (3, RowReason.LINE_TOO_LONG),
    ]
    assert "line 2: line_too_short" in "\n".join(out.report_lines())


def test_unknown_record_type_is_imported_with_a_warning_by_default():
    out = parse_hotlist(lines(ncic(typ="E")), preset("ncic_fixed"))
    [r] = out.records
    assert (r.category, r.priority) == (RecordCategory.UNKNOWN, 9)
    assert [(w.line_no, w.reason) for w in out.warnings] == [(1, RowReason.UNKNOWN_RECORD_TYPE)]


def test_unknown_record_type_can_be_rejected():
    settings = SourceParseSettings(type_map=RecordTypeMap(unknown="reject"), max_bad_row_fraction=1.0)
    out = parse_hotlist(lines(ncic(typ="E"), ncic("B2")), preset("ncic_fixed"), settings)
    assert [(i.line_no, i.reason) for i in out.rejected] == [(1, RowReason.UNKNOWN_RECORD_TYPE)]


def test_type_map_is_configurable_per_source():
    rules = {"P": TypeRule(category=RecordCategory.STOLEN_PLATE, priority=3)}
    settings = SourceParseSettings(type_map=RecordTypeMap(rules=rules))
    [r] = parse_hotlist(lines(ncic(typ="P")), preset("ncic_fixed"), settings).records
    assert r.priority == 3


def test_terrorist_screening_is_covert():
    [r] = parse_hotlist(lines(ncic(typ="T")), preset("ncic_fixed")).records
    assert r.covert and r.priority == 3


def test_zero_for_o_in_codes_is_repaired():
    out = parse_hotlist(lines(ncic("A1", state="0H", tail="2019PC2005D0DGRAMPK0RG")), preset("ncic_fixed"))
    [r] = out.records
    assert (r.state, r.vehicle_make, r.vehicle_colour, r.vehicle_model) == ("OH", "DODG", "ORG", "RAM")
    assert out.counts.codes_repaired == 3


def test_invalid_state_is_rejected():
    out = parse_hotlist(lines(ncic("A1", state="C1"), ncic("B2")), preset("ncic_fixed"), LENIENT)
    assert [(i.line_no, i.reason) for i in out.rejected] == [(1, RowReason.INVALID_STATE)]


@pytest.mark.parametrize("junk", ["0", "00", "000", "0-0"])
def test_placeholder_plates_are_skipped(junk):
    out = parse_hotlist(lines(ncic(junk), ncic("REAL1")), preset("ncic_fixed"))
    assert out.accepted and [r.plate for r in out.records] == ["REAL1"]
    assert [(i.line_no, i.reason) for i in out.skipped] == [(1, RowReason.SKIP_LIST)]
    assert out.counts.skipped_listed == 1 and out.counts.rejected == 0


def test_empty_plate_and_too_long_plate_are_rejected():
    out = parse_hotlist(lines(ncic("--"), ncic("A1")), preset("ncic_fixed"), LENIENT)
    assert out.rejected[0].reason is RowReason.EMPTY_PLATE
    data = b"PLATE,TYPE\nABCDEFGHIJK,V\nOK1,V\n"
    out = parse_hotlist(data, DelimitedSpec(columns={"plate": "PLATE", "record_type": "TYPE"}), LENIENT)
    assert out.rejected[0].reason is RowReason.PLATE_TOO_LONG


def test_duplicates_keep_highest_priority():
    out = parse_hotlist(
        lines(ncic("DUP1", typ="P"), ncic("DUP1", typ="W"), ncic("DUP1", typ="F"), ncic("DUP1", state="NV")),
        preset("ncic_fixed"),
    )
    assert [(r.plate, r.state, r.record_type, r.line_no) for r in out.records] == [
        ("DUP1", "CA", "W", 2), ("DUP1", "NV", "V", 4),
    ]
    assert out.counts.duplicates_merged == 2
    assert sorted(i.line_no for i in out.duplicates) == [1, 3]


def test_state_filter_skips_other_states():
    settings = SourceParseSettings(state_filter=frozenset({"ca"}))
    out = parse_hotlist(lines(ncic("A1"), ncic("B2", state="NV")), preset("ncic_fixed"), settings)
    assert [r.plate for r in out.records] == ["A1"]
    assert out.counts.skipped_state == 1


def test_expired_rows_are_skipped_as_of_a_date():
    spec = DelimitedSpec(columns={"plate": "PLATE", "record_type": "TYPE", "expiry": "EXP"}, date_format="%Y-%m-%d")
    data = b"PLATE,TYPE,EXP\nOLD1,V,2020-01-01\nNEW1,V,2030-01-01\nBAD1,V,2030-13-01\n"
    out = parse_hotlist(data, spec, as_of=date(2025, 1, 1))
    assert [r.plate for r in out.records] == ["NEW1", "BAD1"]
    assert out.records[1].expiry is None and out.warnings[0].reason is RowReason.INVALID_DATE
    assert out.counts.skipped_expired == 1


def test_header_and_footer_are_checked():
    data = lines("DATE07/02/2018 09:00", ncic("A1"), ncic("B2"), "TOTAL RECORD 0000002")
    out = parse_hotlist(data, preset("ncic_fixed_framed"))
    assert out.accepted and out.footer_count == 2
    assert out.extract_time == datetime(2018, 7, 2, 9, 0)
    assert [r.line_no for r in out.records] == [2, 3]


def test_footer_count_mismatch_refuses_the_file():
    data = lines("DATE07/02/2018 09:00", ncic("A1"), ncic("B2"), "TOTAL RECORD 0000072")
    out = parse_hotlist(data, preset("ncic_fixed_framed"))
    assert out.refusal is RefusalReason.FOOTER_MISMATCH and out.records == ()
    assert "72" in out.refusal_detail and "2" in out.refusal_detail


def test_missing_footer_or_header_refuses_the_file():
    assert parse_hotlist(lines("DATE07/02/2018 09:00", ncic("A1")), preset("ncic_fixed_framed")).refusal is (
        RefusalReason.MISSING_FOOTER
    )
    assert parse_hotlist(lines(ncic("A1"), "TOTAL RECORD 1"), preset("ncic_fixed_framed")).refusal is (
        RefusalReason.MISSING_HEADER
    )


def test_optional_header_and_footer():
    spec = NcicFixedSpec(header=HeaderLine(required=False), footer=FooterLine(required=False))
    assert parse_hotlist(lines(ncic("A1")), spec).accepted


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \n", b"DATE07/02/2018 09:00\nTOTAL RECORD 0\n"])
def test_empty_files_are_refused(data):
    spec = preset("ncic_fixed_framed") if data.startswith(b"DATE") else preset("ncic_fixed")
    assert parse_hotlist(data, spec).refusal is RefusalReason.EMPTY


def test_too_many_bad_rows_refuses_and_few_are_reported():
    good = [ncic(f"G{i}") for i in range(99)]
    few = parse_hotlist(lines(*good, "garbage"), preset("ncic_fixed"))
    assert few.accepted and few.counts.rejected == 1 and few.counts.imported == 99
    many = parse_hotlist(lines(*good[:10], "garbage", "junk"), preset("ncic_fixed"))
    assert many.refusal is RefusalReason.TOO_MANY_BAD_ROWS and many.records == ()
    assert len(many.rejected) == 2
    capped = parse_hotlist(lines(*good, "garbage"), preset("ncic_fixed"), SourceParseSettings(max_bad_rows=0))
    assert capped.refusal is RefusalReason.TOO_MANY_BAD_ROWS


def test_too_few_rows_refuses():
    out = parse_hotlist(lines(ncic("A1")), preset("ncic_fixed"), SourceParseSettings(min_rows=2))
    assert out.refusal is RefusalReason.TOO_FEW_ROWS


def test_unreadable_path_is_refused(tmp_path):
    assert parse_hotlist(tmp_path / "missing.txt", preset("ncic_fixed")).refusal is RefusalReason.UNREADABLE
    path = tmp_path / "list.txt"
    path.write_bytes(lines(ncic("A1")))
    assert parse_hotlist(path, preset("ncic_fixed")).records[0].plate == "A1"
    assert parse_hotlist(str(path), preset("ncic_fixed")).accepted


def test_state_csv_preset_with_quotes_and_header_names():
    data = (
        b"vyr,PLATE,STATE,TYPE,NIC,ORI,ENTRY_DATE,VMA,VMO,VCO,EXPIRY\n"
        b'2005,"AB-1 23",CA,W,W000000001,CA0000000,01/31/2020,D0DG,RAM,BLK,12/31/2030\n'
    )
    outcome = parse_hotlist(data, preset("state_csv"))
    [r] = outcome.records
    assert (r.plate, r.plate_raw, r.vehicle_year, r.vehicle_make, r.entry_date) == (
        "AB123", "AB-1 23", "2005", "DODG", date(2020, 1, 31),
    )
    # the plate changed under normalisation: the report says so
    assert [(w.line_no, w.reason.value) for w in outcome.warnings] == [(2, "plate_normalised")]
    assert r.expiry == date(2030, 12, 31)


def test_semicolon_preset_by_position():
    [r] = parse_hotlist(b"XYZ 9;TX;P;2011;FORD;F15;WHI;20300101\n", preset("state_semicolon")).records
    assert (r.plate, r.state, r.priority, r.vehicle_colour, r.expiry) == ("XYZ9", "TX", 6, "WHI", date(2030, 1, 1))


def test_tab_and_pipe_presets():
    header = ["PLATE", "STATE", "TYPE", "NIC", "ORI", "ENTRY_DATE", "VYR", "VMA", "VMO", "VCO", "EXPIRY"]
    row = ["AAA1", "CA", "V", "", "", "", "", "", "", "", ""]
    for name, sep in (("state_tab", "\t"), ("state_pipe", "|")):
        data = (sep.join(header) + "\n" + sep.join(row) + "\n").encode()
        assert [r.plate for r in parse_hotlist(data, preset(name)).records] == ["AAA1"]


def test_delimited_missing_header_column_refuses():
    out = parse_hotlist(b"PLATE,STATE\nA1,CA\n", preset("state_csv"))
    assert out.refusal is RefusalReason.MISSING_COLUMNS and "TYPE" in out.refusal_detail


def test_delimited_short_rows_and_bad_quotes_are_rejected():
    spec = DelimitedSpec(has_header_row=False, columns={"plate": 0, "state": 2}, default_record_type="V")
    out = parse_hotlist(b'A1,x,CA\nB2\n"C3"x,y,CA\nD4,x,NV\n', spec, LENIENT)
    assert [r.plate for r in out.records] == ["A1", "D4"]
    assert [(i.line_no, i.reason) for i in out.rejected] == [
        (2, RowReason.MISSING_COLUMNS), (3, RowReason.BAD_QUOTING),
    ]


def test_missing_record_type_without_default_is_rejected():
    spec = DelimitedSpec(has_header_row=False, columns={"plate": 0})
    out = parse_hotlist(b"A1\n", spec, LENIENT)
    assert out.rejected[0].reason is RowReason.MISSING_RECORD_TYPE


def test_tagged_fields_with_spaces_or_periods():
    data = b"TYP/V LIC/ABC 123 LIS/CA VYR/05 VMA/D0DG VCO/YEL/BLK NAM/SMITH\nLIC/ZZZ1.LIS/TX.NIC/W123456789.\nno tags\n"
    out = parse_hotlist(data, preset("ncic_tagged"), LENIENT)
    a, b = out.records
    assert (a.plate, a.state, a.vehicle_year, a.vehicle_make, a.vehicle_colour) == ("ABC123", "CA", "05", "DODG", "YEL/BLK")
    assert (b.plate, b.state, b.record_type, b.priority) == ("ZZZ1", "TX", "W", 2)
    assert out.rejected[0].reason is RowReason.NO_FIELDS


def test_custom_fixed_width_spec():
    spec = FixedWidthSpec(
        columns=[Column(field="plate", start=0, end=8), Column(field="state", start=8, end=10),
                 Column(field="vehicle_make", start=10)],
        default_record_type="P",
    )
    out = parse_hotlist(b"ABC 123 CAFORD\nXY9     NV\n", spec)
    assert [(r.plate, r.state, r.vehicle_make, r.category) for r in out.records] == [
        ("ABC123", "CA", "FORD", RecordCategory.STOLEN_PLATE), ("XY9", "NV", None, RecordCategory.STOLEN_PLATE),
    ]


def test_specs_round_trip_through_json_and_are_validated():
    for spec in (preset(n) for n in ("ncic_fixed_framed", "state_csv", "state_semicolon", "ncic_tagged")):
        assert FORMAT_SPEC_ADAPTER.validate_json(FORMAT_SPEC_ADAPTER.dump_json(spec)) == spec
    with pytest.raises(ValidationError):
        DelimitedSpec(columns={"state": 1})
    with pytest.raises(ValidationError):
        DelimitedSpec(has_header_row=False, columns={"plate": "PLATE"})
    with pytest.raises(ValidationError):
        FooterLine(pattern=r"TOTAL (\d+)")
    with pytest.raises(ValidationError):
        FORMAT_SPEC_ADAPTER.validate_python({"type": "xml"})
    with pytest.raises(KeyError, match="known"):
        preset("nope")


def test_settings_validation():
    with pytest.raises(ValidationError):
        SourceParseSettings(state_filter=frozenset({"CAL"}))
    assert SourceParseSettings(skip_plates=frozenset({"no-plate"})).skip_plates == frozenset({"NOPLATE"})

"""Ready-made format specs for the hot-list layouts DOMAIN.md describes.

Agencies copy one and adjust it in the source settings; the names are stable identifiers.
"""

from __future__ import annotations

from types import MappingProxyType

from app.domain.hotlists.categories import DEFAULT_TYPE_RULES, RecordTypeMap, TypeRule
from app.domain.hotlists.formats import (
    NCIC_COLUMNS,
    Column,
    DelimitedSpec,
    FixedWidthSpec,
    FooterLine,
    FormatSpec,
    HeaderLine,
    NcicFixedSpec,
    PatternSpec,
    TaggedSpec,
)
from app.domain.hotlists.records import RecordCategory
from app.domain.hotlists.settings import SourceParseSettings

C = RecordCategory


def _r(category: RecordCategory, priority: int, code: str, covert: bool = False) -> TypeRule:
    return TypeRule(category=category, priority=priority, code=code, covert=covert)


def _cols(*spec: tuple[str, int, int | None]) -> list[Column]:
    return [Column(field=f, start=a, end=b) for f, a, b in spec]  # type: ignore[arg-type]


#: Words agencies use for their list types (FL FCIC, CO CCIC, OH LEADS, IL LEADS, DMV lists) -> rule.
_WORD_RULES: dict[str, TypeRule] = {
    "STOLEN VEHICLE": _r(C.STOLEN_VEHICLE, 4, "V"), "STOLEN": _r(C.STOLEN_VEHICLE, 4, "V"),
    "STOLEN LICENSE PLATE": _r(C.STOLEN_PLATE, 6, "P"), "STOLEN PLATE": _r(C.STOLEN_PLATE, 6, "P"),
    "STOLEN PLATES": _r(C.STOLEN_PLATE, 6, "P"), "WANTED PERSON": _r(C.WANTED_PERSON, 2, "W"),
    "FELONY WARRANT": _r(C.WANTED_PERSON, 2, "W"), "WARRANT": _r(C.WANTED_PERSON, 2, "W"),
    "MISSING PERSON": _r(C.MISSING_PERSON, 1, "M"), "AMBER ALERT": _r(C.AMBER_ALERT, 1, "A"),
    "PROTECTION ORDER": _r(C.PROTECTION_ORDER, 5, "H"), "FELONY VEHICLE": _r(C.FELONY_VEHICLE, 7, "F"),
    "ATTEMPT TO LOCATE": _r(C.FELONY_VEHICLE, 5, "F"), "SEX OFFENDER": _r(C.SEX_OFFENDER, 8, "X"),
    "VIOLENT PERSON": _r(C.VIOLENT_PERSON, 2, "L"), "GANG MEMBER": _r(C.GANG_TERRORIST, 3, "T", covert=True),
    "EXPIRED TAG": _r(C.ADMINISTRATIVE, 9, "DE"), "EXPIRED REGISTRATION": _r(C.ADMINISTRATIVE, 9, "DE"),
    "SUSPENDED OWNER": _r(C.ADMINISTRATIVE, 9, "DS"), "SUSPENDED LICENSE": _r(C.ADMINISTRATIVE, 9, "DS"),
    "REVOKED OWNER": _r(C.ADMINISTRATIVE, 9, "DR"), "REVOKED LICENSE": _r(C.ADMINISTRATIVE, 9, "DR"),
    "SUSPENDED REGISTRATION": _r(C.ADMINISTRATIVE, 9, "DG"), "HABITUAL VIOLATOR": _r(C.ADMINISTRATIVE, 8, "DH"),
}

#: Texas TCIC: the 2nd character of the record id (DOMAIN.md); T is a threat against a peace officer here.
_TCIC_RULES = {
    "E": _r(C.VIOLENT_PERSON, 2, "E"), "M": _r(C.MISSING_PERSON, 1, "M"), "O": _r(C.PROTECTION_ORDER, 5, "O"),
    "P": _r(C.STOLEN_PLATE, 6, "P"), "T": _r(C.VIOLENT_PERSON, 2, "T"), "V": _r(C.STOLEN_VEHICLE, 4, "V"),
    "W": _r(C.WANTED_PERSON, 2, "W"), "X": _r(C.SEX_OFFENDER, 8, "X"), "Y": _r(C.MISSING_PERSON, 2, "Y"),
}
#: New York state list code letter.
_NY_RULES = {
    **{k: v for k, v in DEFAULT_TYPE_RULES.items() if k in "MPTVW"},
    "R": _r(C.STOLEN_PLATE, 6, "R"),  # stolen Canadian plate
    "S": _r(C.STOLEN_VEHICLE, 4, "S"),
    "X": _r(C.ADMINISTRATIVE, 9, "X"),  # suspended registration
    "Z": _r(C.ADMINISTRATIVE, 9, "Z"),  # suspended licence
}

_STATE_CSV_COLUMNS = {
    "plate": "PLATE",
    "state": "STATE",
    "record_type": "TYPE",
    "nic": "NIC",
    "ori": "ORI",
    "entry_date": "ENTRY_DATE",
    "vehicle_year": "VYR",
    "vehicle_make": "VMA",
    "vehicle_model": "VMO",
    "vehicle_colour": "VCO",
    "expiry": "EXPIRY",
}

PRESETS: MappingProxyType[str, FormatSpec] = MappingProxyType(
    {
        # The FBI-style extract: one fixed-width record per line, no framing.
        "ncic_fixed": NcicFixedSpec(),
        # State republication of the same record between DATE... and TOTAL RECORD n lines.
        "ncic_fixed_framed": NcicFixedSpec(header=HeaderLine(), footer=FooterLine()),
        # Comma-separated state list with a header row (11 columns, US dates).
        "state_csv": DelimitedSpec(delimiter=",", columns=_STATE_CSV_COLUMNS, date_format="%m/%d/%Y"),
        # Pipe-separated variant of the same.
        "state_pipe": DelimitedSpec(delimiter="|", columns=_STATE_CSV_COLUMNS, date_format="%m/%d/%Y"),
        # Semicolon-separated, no header row, 8 columns by position.
        "state_semicolon": DelimitedSpec(
            delimiter=";",
            has_header_row=False,
            columns={
                "plate": 0, "state": 1, "record_type": 2, "vehicle_year": 3, "vehicle_make": 4,
                "vehicle_model": 5, "vehicle_colour": 6, "expiry": 7,
            },
        ),
        # Tab-separated export with a header row.
        "state_tab": DelimitedSpec(delimiter="\t", quote_char=None, columns=_STATE_CSV_COLUMNS, date_format="%m/%d/%Y"),
        # NCIC message style tagged fields: LIC/ABC123 LIS/CA VYR/05 VMA/DODG.
        "ncic_tagged": TaggedSpec(),
        # California DOJ CLEW tables: plate(8) state(2) county(2) date of loss, DATE header, TOTAL RECORD footer.
        # One file per table (stolen vehicles, felony vehicles, stolen plates): the source sets the type.
        "ca_clew": FixedWidthSpec(
            header=HeaderLine(), footer=FooterLine(), default_record_type="V",
            columns=_cols(("plate", 0, 8), ("state", 8, 10), ("remarks", 10, 12), ("entry_date", 12, 20)),
            min_line_length=10),
        # Texas NCIC: 11 columns, record id first (its first character is the type).
        "tx_ncic": DelimitedSpec(has_header_row=False, columns={
            "nic": 0, "oca": 1, "entry_date": 2, "plate": 3, "state": 4, "lic_year": 5, "vehicle_year": 6,
            "vehicle_make": 7, "vehicle_model": 8, "vehicle_style": 9, "vehicle_colour": 10}),
        # Texas TCIC: 8 columns, the 2nd character of the record id is the type.
        "tx_tcic": DelimitedSpec(has_header_row=False, type_char=1, columns={
            "nic": 0, "plate": 1, "state": 2, "vehicle_year": 3, "vehicle_make": 4, "vehicle_model": 5,
            "vehicle_style": 6, "vehicle_colour": 7}),
        # Florida FCIC: ';'-delimited, list type in words, ORI, ORI name, OCA, OAN, PCN, NCIC number, dates,
        # plate, plate year, state, plate type, timestamp.
        "fl_fcic": DelimitedSpec(delimiter=";", has_header_row=False, date_format="%m/%d/%Y", columns={
            "record_type": 0, "ori": 1, "oca": 3, "nic": 6, "entry_date": 7, "expiry": 8, "plate": 9,
            "lic_year": 10, "state": 11, "lic_type": 12}),
        # New York: plate(10) state(2) vehicle type(3) code(1) make(4) colour.
        "ny_state": FixedWidthSpec(columns=_cols(
            ("plate", 0, 10), ("state", 10, 12), ("vehicle_style", 12, 15), ("record_type", 15, 16),
            ("vehicle_make", 16, 20), ("vehicle_colour", 20, None)), min_line_length=16),
        # Colorado CCIC: plate(10) state(2), list text (30), vehicle text.
        "co_ccic": FixedWidthSpec(columns=_cols(
            ("plate", 0, 10), ("state", 10, 12), ("record_type", 12, 42), ("remarks", 42, None)), min_line_length=13),
        # Minnesota / Kansas: CSV with a header row and NCIC-style type letters (L, T, N ...).
        "mn_ncic": DelimitedSpec(columns={**_STATE_CSV_COLUMNS, "expiry": "EXPIRY"}, date_format="%Y%m%d"),
        # Illinois LEADS: plate(8) state(2) plate type(2), list text, then tags (DOT = date of theft).
        "il_leads": TaggedSpec(
            prefix=_cols(("plate", 0, 8), ("state", 8, 10), ("lic_type", 10, 12)), lead_field="record_type",
            tags={"VYR": "vehicle_year", "VMA": "vehicle_make", "VMO": "vehicle_model", "VST": "vehicle_style",
                  "VCO": "vehicle_colour", "DOT": "entry_date", "OCA": "oca", "MIS": "remarks"},
            date_format="%m%d%y"),
        # Ohio LEADS: space-delimited plate, state, list name in words, expiry date.
        "oh_leads": PatternSpec(
            pattern=r"^\s*(?P<plate>\S+)\s+(?P<state>\S{2})\s+(?P<record_type>\D+?)\s+(?P<expiry>\d{8})\s*$"),
        # Washington NCIC: the NCIC fixed-width record shifted by a 2-digit prefix.
        "wa_ncic": FixedWidthSpec(max_line_length=202, min_line_length=2 + 39, columns=[
            Column(field=f, start=a + 2, end=None if b is None else b + 2)  # type: ignore[arg-type]
            for f, (a, b) in NCIC_COLUMNS.items() if f != "record_type"]),
        # DMV lists (FL, IN, NJ, GA): CSV plate, state, reason in words, expiry (administrative hits).
        "dmv_csv": DelimitedSpec(date_format="%m/%d/%Y", columns={
            "plate": "PLATE", "state": "STATE", "record_type": "REASON", "expiry": "EXPIRY"}),
    }
)

#: Record-type rules that go with a preset (the others use the NCIC letters of DEFAULT_TYPE_RULES).
PRESET_TYPE_RULES: MappingProxyType[str, dict[str, TypeRule]] = MappingProxyType({
    "tx_tcic": _TCIC_RULES,
    "ny_state": _NY_RULES,
    "fl_fcic": _WORD_RULES,
    "co_ccic": _WORD_RULES,
    "il_leads": _WORD_RULES,
    "oh_leads": _WORD_RULES,
    "dmv_csv": _WORD_RULES,
})


def preset_settings(name: str, **changes: object) -> SourceParseSettings:
    """Default source settings for a preset: its record-type map (unknown types reported, kept at priority 9)."""
    rules = PRESET_TYPE_RULES.get(name)
    base = SourceParseSettings() if rules is None else SourceParseSettings(type_map=RecordTypeMap(rules=dict(rules)))
    return base.model_copy(update=changes) if changes else base


def preset(name: str) -> FormatSpec:
    """The preset spec called ``name``.

    Raises:
        KeyError: no such preset (the message lists the known names).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown hot-list preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None

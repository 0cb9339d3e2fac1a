"""Ready-made format specs for the hot-list layouts DOMAIN.md describes.

Agencies copy one and adjust it in the source settings; the names are stable identifiers.
"""

from __future__ import annotations

from types import MappingProxyType

from app.domain.hotlists.formats import (
    DelimitedSpec,
    FooterLine,
    FormatSpec,
    HeaderLine,
    NcicFixedSpec,
    TaggedSpec,
)

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
    }
)


def preset(name: str) -> FormatSpec:
    """The preset spec called ``name``.

    Raises:
        KeyError: no such preset (the message lists the known names).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown hot-list preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None

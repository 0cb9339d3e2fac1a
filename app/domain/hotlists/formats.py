"""Hot-list file format specs: pydantic models chosen by a ``type`` discriminator.

Specs are configuration (stored per source as JSON); the parser turns them into precomputed
slices / column indices once per file and never touches pydantic per row.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

FieldName = Literal[
    "record_type", "nic", "ori", "entry_date", "plate", "state", "lic_year", "lic_type",
    "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style", "vehicle_colour",
    "expiry", "oca", "remarks",
]

#: Canonical order of the raw field tuple every row extractor produces.
FIELD_ORDER: tuple[FieldName, ...] = (
    "record_type", "nic", "ori", "entry_date", "plate", "state", "lic_year", "lic_type",
    "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style", "vehicle_colour",
    "expiry", "oca", "remarks",
)
FIELD_INDEX: dict[str, int] = {name: i for i, name in enumerate(FIELD_ORDER)}

#: DOMAIN.md NCIC-style record, 0-based [start, end) offsets; VCO runs to the end of the line.
NCIC_COLUMNS: dict[FieldName, tuple[int, int | None]] = {
    "record_type": (0, 1),
    "nic": (0, 10),
    "ori": (10, 19),
    "entry_date": (19, 27),
    "plate": (27, 37),
    "state": (37, 39),
    "lic_year": (39, 43),
    "lic_type": (43, 45),
    "vehicle_year": (45, 49),
    "vehicle_make": (49, 53),
    "vehicle_model": (53, 56),
    "vehicle_style": (56, 58),
    "vehicle_colour": (58, None),
}
#: An NCIC row must reach at least the end of LIS (state).
NCIC_MIN_LENGTH = 39

#: NCIC message field tags -> our fields (``LIC/ABC123 LIS/CA VYR/05 VMA/DODG``).
NCIC_TAGS: dict[str, FieldName] = {
    "TYP": "record_type", "NIC": "nic", "ORI": "ori", "DTE": "entry_date", "LIC": "plate",
    "LIS": "state", "LIY": "lic_year", "LIT": "lic_type", "VYR": "vehicle_year",
    "VMA": "vehicle_make", "VMO": "vehicle_model", "VST": "vehicle_style", "VCO": "vehicle_colour",
    "EXP": "expiry", "OCA": "oca", "MIS": "remarks",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(pattern: str, group: str | None) -> str:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from exc
    if group is not None and group not in compiled.groupindex:
        raise ValueError(f"pattern needs a named group (?P<{group}>...)")
    return pattern


class HeaderLine(_Strict):
    """A header line before the rows, e.g. ``DATE07/02/2018 09:00``."""

    pattern: str = Field(
        default=r"^\s*DATE\s*(?P<when>\d{2}/\d{2}/\d{4}\s+\d{2}:\d{2})\s*$",
        title="Header pattern",
        description="Regular expression for the header line; optional group 'when' holds the extract time.",
        max_length=500,
    )
    time_format: str = Field(
        default="%m/%d/%Y %H:%M", title="Time format", description="strptime format of 'when'.", max_length=50
    )
    required: bool = Field(default=True, title="Required", description="Refuse a file without it.")

    @field_validator("pattern")
    @classmethod
    def _valid(cls, v: str) -> str:
        return _check_regex(v, None)


class FooterLine(_Strict):
    """A trailer line after the rows, e.g. ``TOTAL RECORD 0000072``, checked against the row count."""

    pattern: str = Field(
        default=r"^\s*TOTAL\s+RECORDS?\s*:?\s*(?P<count>\d+)\s*$",
        title="Footer pattern",
        description="Regular expression for the footer line; group 'count' is the number of rows.",
        max_length=500,
    )
    required: bool = Field(
        default=True, title="Required", description="Refuse a file without it (a missing footer means truncated)."
    )

    @field_validator("pattern")
    @classmethod
    def _valid(cls, v: str) -> str:
        return _check_regex(v, "count")


class _SpecBase(_Strict):
    header: HeaderLine | None = Field(default=None, title="Header line", description="Expected header line.")
    footer: FooterLine | None = Field(default=None, title="Footer line", description="Expected footer line.")
    default_record_type: str | None = Field(
        default=None,
        title="Default record type",
        description="Record type for rows without one (e.g. 'V' for a state stolen-vehicle list).",
        max_length=20,
    )
    date_format: str = Field(
        default="%Y%m%d", title="Date format", description="strptime format of entry and expiry dates.", max_length=50
    )
    max_line_length: int = Field(
        default=1024, ge=16, le=65536, title="Maximum line length", description="Longer lines are rejected."
    )
    type_char: int = Field(
        default=0, ge=0, le=9, title="Type character",
        description="Without a record-type field: which character (0-based) of the record id holds the type "
                    "(NCIC: 0; Texas TCIC: 1).",
    )


class NcicFixedSpec(_SpecBase):
    """The NCIC-style fixed-width record of DOMAIN.md (offsets are fixed)."""

    type: Literal["ncic_fixed"] = "ncic_fixed"
    max_line_length: int = Field(
        default=200, ge=NCIC_MIN_LENGTH, le=65536, title="Maximum line length", description="Longer lines are rejected."
    )


class Column(_Strict):
    """One column of a fixed-width layout, 0-based, end exclusive (None = to end of line)."""

    field: FieldName = Field(title="Field", description="Which record field the column holds.")
    start: int = Field(ge=0, le=65535, title="Start", description="0-based first character.")
    end: int | None = Field(default=None, ge=1, le=65536, title="End", description="Exclusive end; empty = end of line.")

    @model_validator(mode="after")
    def _ordered(self) -> Column:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be greater than start")
        return self


class FixedWidthSpec(_SpecBase):
    """A configurable fixed-width layout."""

    type: Literal["fixed_width"] = "fixed_width"
    columns: list[Column] = Field(min_length=1, max_length=16, title="Columns", description="Column layout.")
    min_line_length: int | None = Field(
        default=None, ge=1, le=65536, title="Minimum line length",
        description="Shorter lines are rejected; default: the plate column must start inside the line.",
    )

    @model_validator(mode="after")
    def _has_plate(self) -> FixedWidthSpec:
        names = [c.field for c in self.columns]
        if "plate" not in names:
            raise ValueError("a 'plate' column is required")
        if len(set(names)) != len(names):
            raise ValueError("each field may appear in one column only")
        return self


class DelimitedSpec(_SpecBase):
    """CSV-like files: comma, semicolon, tab or pipe; columns by header name or 0-based position."""

    type: Literal["delimited"] = "delimited"
    delimiter: Literal[",", ";", "\t", "|"] = Field(default=",", title="Delimiter", description="Field separator.")
    quote_char: str | None = Field(
        default='"', min_length=1, max_length=1, title="Quote character", description="Empty = no quoting."
    )
    has_header_row: bool = Field(default=True, title="Header row", description="First row holds column names.")
    columns: dict[FieldName, str | int] = Field(
        title="Columns", description="Field -> header name (case-insensitive) or 0-based column position."
    )

    @model_validator(mode="after")
    def _consistent(self) -> DelimitedSpec:
        if "plate" not in self.columns:
            raise ValueError("a 'plate' column is required")
        for name, col in self.columns.items():
            if isinstance(col, int) and col < 0:
                raise ValueError(f"column position of {name} must be >= 0")
            if isinstance(col, str) and not self.has_header_row:
                raise ValueError(f"column {name} is given by name but the file has no header row")
        return self


class TaggedSpec(_SpecBase):
    """Tagged fields, ``LIC/ABC123 LIS/CA VYR/05 VMA/DODG`` (spaces or periods between fields).

    Optionally after fixed-width ``prefix`` columns (Illinois LEADS: plate, state and plate type
    first); the text between the prefix and the first tag then goes to ``lead_field``.
    """

    type: Literal["tagged"] = "tagged"
    prefix: list[Column] = Field(default_factory=list, max_length=8, title="Prefix columns",
                                 description="Fixed-width columns before the first tag.")
    lead_field: FieldName | None = Field(default=None, title="Lead field",
                                         description="Field for the text between the prefix and the first tag.")
    tags: dict[str, FieldName] = Field(
        default_factory=lambda: dict(NCIC_TAGS), title="Tags", description="Tag (2-4 letters) -> field."
    )

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, FieldName]) -> dict[str, FieldName]:
        for tag in v:
            if not re.fullmatch(r"[A-Z]{2,4}", tag):
                raise ValueError(f"tag {tag!r} must be 2-4 uppercase letters")
        return v

    @model_validator(mode="after")
    def _has_plate(self) -> TaggedSpec:
        if "plate" not in self.tags.values() and not any(c.field == "plate" for c in self.prefix):
            raise ValueError("a tag or prefix column for 'plate' is required")
        return self


class PatternSpec(_SpecBase):
    """One regular expression per line with named groups for the fields (space-delimited lists
    whose list name has spaces, e.g. Ohio LEADS ``ABC1234 0H STOLEN VEHICLE 20270101``)."""

    type: Literal["pattern"] = "pattern"
    pattern: str = Field(max_length=1000, title="Row pattern",
                         description="Regular expression with named groups (plate, state, record_type, ...).")

    @field_validator("pattern")
    @classmethod
    def _valid(cls, v: str) -> str:
        _check_regex(v, "plate")
        unknown = set(re.compile(v).groupindex) - set(FIELD_ORDER)
        if unknown:
            raise ValueError(f"unknown field groups: {sorted(unknown)}")
        return v


FormatSpec = Annotated[
    NcicFixedSpec | FixedWidthSpec | DelimitedSpec | TaggedSpec | PatternSpec, Field(discriminator="type")
]

#: Loads a stored spec (dict or JSON) into the right model.
FORMAT_SPEC_ADAPTER: TypeAdapter[FormatSpec] = TypeAdapter(FormatSpec)

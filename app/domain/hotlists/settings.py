"""Per-source parse settings: skip list, state filter, bad-row threshold, type map, encoding."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.domain.hotlists.categories import RecordTypeMap
from app.domain.hotlists.records import normalise_plate


class SourceParseSettings(BaseModel):
    """How a source's rows are filtered and when a whole file is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skip_plates: frozenset[str] = Field(
        default=frozenset({"0", "00", "000"}),
        title="Skip list",
        description="Placeholder plates never imported (compared after normalisation).",
    )
    state_filter: frozenset[str] | None = Field(
        default=None,
        title="State filter",
        description="Only rows of these states (2-letter codes) are imported; empty = all states.",
    )
    keep_rows_without_state: bool = Field(
        default=True,
        title="Keep rows without state",
        description="With a state filter, still import rows that carry no state.",
    )
    max_bad_row_fraction: float = Field(
        default=0.02, ge=0.0, le=1.0,
        title="Bad-row threshold",
        description="Refuse the file (keep the previous list) when more than this share of rows is bad.",
    )
    max_bad_rows: int | None = Field(
        default=None, ge=0, le=100_000_000,
        title="Bad-row limit",
        description="Also refuse when more than this many rows are bad; empty = no absolute limit.",
    )
    min_rows: int = Field(
        default=1, ge=0, le=100_000_000,
        title="Minimum rows",
        description="Refuse a file that yields fewer records (a truncated download).",
    )
    max_shrink_fraction: float = Field(
        default=0.2, ge=0.0, le=1.0,
        title="Shrink guard",
        description="Hold a list this much smaller than the previous import until an administrator confirms it "
                    "(1 = never hold).",
    )
    repair_zero_in_codes: bool = Field(
        default=True,
        title="Repair zero-for-O",
        description="Replace 0 by O in alphabetic codes (state, plate type, make, colour): '0H' -> 'OH'.",
    )
    encoding: Literal["auto", "utf-8", "latin-1", "cp1252"] = Field(
        default="auto",
        title="Encoding",
        description="auto: UTF-8 (with or without BOM), else Latin-1.",
    )
    type_map: RecordTypeMap = Field(
        default_factory=RecordTypeMap, title="Record types", description="Record type -> category and priority."
    )

    @field_validator("skip_plates", mode="after")
    @classmethod
    def _norm_skip(cls, v: frozenset[str]) -> frozenset[str]:
        return frozenset(normalise_plate(p) for p in v)

    @field_validator("state_filter", mode="after")
    @classmethod
    def _norm_states(cls, v: frozenset[str] | None) -> frozenset[str] | None:
        if not v:
            return None
        states = frozenset(s.strip().upper() for s in v)
        bad = [s for s in states if len(s) != 2 or not s.isalpha()]
        if bad:
            raise ValueError(f"state codes must be 2 letters: {sorted(bad)}")
        return states

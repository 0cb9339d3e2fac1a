"""Matcher configuration (pydantic; shown in the settings dialog)."""

from __future__ import annotations

from pydantic import Field

from recognition.config import StrictModel


class MatchConfig(StrictModel):
    """How tolerant hot-list matching is."""

    max_substitutions: int = Field(
        default=1, ge=0, le=2,
        title="Look-alike substitutions",
        description="How many OCR look-alike characters (O/0/Q/D, I/1/L, B/8, S/5, Z/2, G/6) may differ; 0 = exact only.",
    )
    allow_one_indel: bool = Field(
        default=False,
        title="Missing or extra character",
        description="Also match when the read has one character more or fewer than the entry.",
    )
    match_wildcards: bool = Field(
        default=True, title="Wildcard entries", description="Match local partial plates with * and ?."
    )
    match_alternatives: bool = Field(
        default=True, title="Reader alternatives", description="Also look up the reader's alternative readings exactly."
    )

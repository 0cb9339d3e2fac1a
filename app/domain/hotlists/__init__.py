"""Hot-list parsing: formats, presets, normalisation, record types and import validation (pure)."""

from app.domain.hotlists.categories import DEFAULT_TYPE_RULES, RecordTypeMap, TypeRule
from app.domain.hotlists.formats import (
    FORMAT_SPEC_ADAPTER,
    Column,
    DelimitedSpec,
    FixedWidthSpec,
    FooterLine,
    FormatSpec,
    HeaderLine,
    NcicFixedSpec,
    TaggedSpec,
)
from app.domain.hotlists.outcome import ParseCounts, ParseOutcome, RefusalReason, RowIssue, RowReason
from app.domain.hotlists.parse import parse_hotlist
from app.domain.hotlists.presets import PRESET_TYPE_RULES, PRESETS, preset, preset_settings
from app.domain.hotlists.records import (
    MAX_PLATE_LENGTH,
    HotListRecord,
    RecordCategory,
    normalise_pattern,
    normalise_plate,
)
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.write import format_ncic_line, format_tagged_line

__all__ = [
    "DEFAULT_TYPE_RULES", "FORMAT_SPEC_ADAPTER", "MAX_PLATE_LENGTH", "PRESETS", "PRESET_TYPE_RULES", "preset_settings", "Column", "DelimitedSpec",
    "FixedWidthSpec", "FooterLine", "FormatSpec", "HeaderLine", "HotListRecord", "NcicFixedSpec", "ParseCounts",
    "ParseOutcome", "RecordCategory", "RecordTypeMap", "RefusalReason", "RowIssue", "RowReason",
    "SourceParseSettings", "TaggedSpec", "TypeRule", "format_ncic_line", "format_tagged_line",
    "normalise_pattern", "normalise_plate", "parse_hotlist", "preset",
]

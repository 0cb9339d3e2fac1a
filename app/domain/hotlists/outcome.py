"""What a parse produced: records, per-row issues, counts and the accept/refuse verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.hotlists.records import HotListRecord


class RowReason(StrEnum):
    """Why a row was rejected, skipped, merged or warned about."""

    LINE_TOO_SHORT = "line_too_short"
    LINE_TOO_LONG = "line_too_long"
    MISSING_COLUMNS = "missing_columns"
    BAD_QUOTING = "bad_quoting"
    NO_FIELDS = "no_fields"
    EMPTY_PLATE = "empty_plate"
    PLATE_TOO_LONG = "plate_too_long"
    PLATE_INVALID_CHARS = "plate_invalid_chars"
    MISSING_RECORD_TYPE = "missing_record_type"
    UNKNOWN_RECORD_TYPE = "unknown_record_type"
    INVALID_STATE = "invalid_state"
    INVALID_DATE = "invalid_date"
    SKIP_LIST = "skip_list"
    STATE_FILTERED = "state_filtered"
    EXPIRED = "expired"
    DUPLICATE = "duplicate"
    CONTROL_CHARACTERS = "control_characters"
    INVALID_ENCODING = "invalid_encoding"
    FORMULA = "formula"
    FIELD_TOO_LONG = "field_too_long"
    PLATE_NORMALISED = "plate_normalised"
    INVALID_CODE = "invalid_code"
    UNTERMINATED = "unterminated"


class RefusalReason(StrEnum):
    """Why a whole file was refused (the previous list then stays active)."""

    UNREADABLE = "unreadable"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    MISSING_HEADER = "missing_header"
    MISSING_FOOTER = "missing_footer"
    FOOTER_MISMATCH = "footer_mismatch"
    MISSING_COLUMNS = "missing_columns"
    TOO_MANY_BAD_ROWS = "too_many_bad_rows"
    TOO_FEW_ROWS = "too_few_rows"
    NOT_A_FILE = "not_a_file"
    TOO_LARGE = "too_large"
    TIMED_OUT = "timed_out"
    SHRANK = "shrank"
    DATABASE_ERROR = "database_error"
    PARSE_FAILED = "parse_failed"
    DISK_SPACE = "disk_space"


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One report line about one input line (1-based line number in the file)."""

    line_no: int
    reason: RowReason
    detail: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.reason.value}: {self.detail}"


@dataclass(frozen=True, slots=True)
class ParseCounts:
    """Numbers for the import report."""

    lines: int = 0
    data_rows: int = 0
    blank_lines: int = 0
    imported: int = 0
    rejected: int = 0
    skipped_listed: int = 0
    skipped_state: int = 0
    skipped_expired: int = 0
    duplicates_merged: int = 0
    warnings: int = 0
    codes_repaired: int = 0


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """Result of :func:`parse_hotlist`.

    When ``accepted`` is False, ``records`` is empty and the source's previous list must stay
    active; ``refusal``/``refusal_detail`` say why and the row issues still explain the file.
    """

    accepted: bool
    refusal: RefusalReason | None
    refusal_detail: str
    records: tuple[HotListRecord, ...]
    rejected: tuple[RowIssue, ...]
    skipped: tuple[RowIssue, ...]
    duplicates: tuple[RowIssue, ...]
    warnings: tuple[RowIssue, ...]
    counts: ParseCounts
    encoding: str
    extract_time: datetime | None
    footer_count: int | None
    elapsed_s: float

    def report_lines(self, limit: int = 1000) -> list[str]:
        """Human-readable report: verdict, counts, then up to ``limit`` row lines in file order."""
        c = self.counts
        head = "accepted" if self.accepted else f"REFUSED ({self.refusal}): {self.refusal_detail}"
        lines = [
            head,
            f"rows read {c.data_rows}, imported {c.imported}, rejected {c.rejected}, "
            f"skipped {c.skipped_listed + c.skipped_state + c.skipped_expired} "
            f"(skip list {c.skipped_listed}, state filter {c.skipped_state}, expired {c.skipped_expired}), "
            f"duplicates merged {c.duplicates_merged}, warnings {c.warnings}, "
            f"codes repaired {c.codes_repaired}, blank lines {c.blank_lines}",
            f"encoding {self.encoding}, time {self.elapsed_s:.2f} s",
        ]
        issues = sorted(
            (*self.rejected, *self.skipped, *self.duplicates, *self.warnings), key=lambda i: i.line_no
        )
        lines.extend(str(i) for i in issues[:limit])
        if len(issues) > limit:
            lines.append(f"... {len(issues) - limit} more")
        return lines

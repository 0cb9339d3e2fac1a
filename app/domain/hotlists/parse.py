"""``parse_hotlist``: bytes or a file -> :class:`ParseOutcome` (pure; no database, no clock)."""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from app.domain.hotlists.build import BuildResult, build_records
from app.domain.hotlists.extract import (
    MissingColumnsError,
    Rows,
    delimited_rows,
    fixed_width_rows,
    ncic_rows,
    pattern_rows,
    tagged_rows,
)
from app.domain.hotlists.formats import (
    DelimitedSpec,
    FixedWidthSpec,
    FormatSpec,
    NcicFixedSpec,
    PatternSpec,
    TaggedSpec,
)
from app.domain.hotlists.outcome import ParseCounts, ParseOutcome, RefusalReason, RowIssue, RowReason
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.text import (
    Frame,
    TruncatedTextError,
    bad_lines,
    decode_bytes,
    find_frame,
    normalise_newlines,
    split_lines,
)

logger = logging.getLogger(__name__)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while a million records are allocated (it would rescan them ~1000 times).

    Records hold no cycles; reference counting frees them normally. The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rows(lines: list[str], first_no: int, spec: FormatSpec) -> Rows:
    if isinstance(spec, NcicFixedSpec):
        return ncic_rows(lines, first_no, spec)
    if isinstance(spec, FixedWidthSpec):
        return fixed_width_rows(lines, first_no, spec)
    if isinstance(spec, DelimitedSpec):
        return delimited_rows(lines, first_no, spec)
    if isinstance(spec, TaggedSpec):
        return tagged_rows(lines, first_no, spec)
    if isinstance(spec, PatternSpec):
        return pattern_rows(lines, first_no, spec)
    raise TypeError(f"unsupported format spec {type(spec).__name__}")


def _drop_unterminated(built: BuildResult, last_no: int) -> None:
    """A last line with no newline may be cut inside a field and still look valid: never store it."""
    for k in range(len(built.records) - 1, -1, -1):
        if built.records[k].line_no == last_no:
            del built.records[k]
            built.rejected.append(RowIssue(last_no, RowReason.UNTERMINATED,
                                           "the last line has no newline: the file may be cut inside it"))
            return


def _flag_bad(rows: Rows, bad: dict[int, tuple[str, str]]) -> Rows:
    for no, payload in rows:
        found = bad.get(no)
        yield (no, payload) if found is None else (no, RowIssue(no, RowReason(found[0]), found[1]))


def _refused(
    reason: RefusalReason, detail: str, t0: float, encoding: str = "", lines: int = 0,
    built: BuildResult | None = None, frame: Frame | None = None,
) -> ParseOutcome:
    logger.info("hot-list file refused: %s (%s)", reason.value, detail)
    b = built or BuildResult()
    return ParseOutcome(
        accepted=False, refusal=reason, refusal_detail=detail, records=(), rejected=tuple(b.rejected),
        skipped=tuple(b.skipped), duplicates=tuple(b.duplicates), warnings=tuple(b.warnings),
        counts=b.counts(lines) if built else ParseCounts(lines=lines), encoding=encoding,
        extract_time=frame.extract_time if frame else None, footer_count=frame.footer_count if frame else None,
        elapsed_s=time.perf_counter() - t0,
    )


def _verdict(
    built: BuildResult, frame: Frame, spec: FormatSpec, settings: SourceParseSettings, ended_with_newline: bool
) -> tuple[RefusalReason, str] | None:
    rows = built.data_rows
    if frame.footer_found and frame.footer_count != rows:
        return RefusalReason.FOOTER_MISMATCH, f"footer says {frame.footer_count} rows, the file has {rows}"
    if rows == 0:
        return RefusalReason.EMPTY, "no data rows"
    if not ended_with_newline and not frame.footer_found and built.last_row_rejected:
        last = built.rejected[-1]
        return RefusalReason.TRUNCATED, f"last line {last.line_no} is broken and has no newline ({last.reason.value})"
    bad = len(built.rejected)
    if bad > settings.max_bad_row_fraction * rows:
        return RefusalReason.TOO_MANY_BAD_ROWS, (
            f"{bad} of {rows} rows are bad ({bad / rows:.1%} > {settings.max_bad_row_fraction:.1%})"
        )
    if settings.max_bad_rows is not None and bad > settings.max_bad_rows:
        return RefusalReason.TOO_MANY_BAD_ROWS, f"{bad} bad rows > limit {settings.max_bad_rows}"
    if len(built.records) < settings.min_rows:
        return RefusalReason.TOO_FEW_ROWS, f"{len(built.records)} records < minimum {settings.min_rows}"
    return None


def parse_hotlist(
    data: bytes | str | os.PathLike[str],
    spec: FormatSpec,
    settings: SourceParseSettings | None = None,
    *,
    as_of: date | None = None,
) -> ParseOutcome:
    """Parse and validate a whole hot-list file.

    Args:
        data: the file's bytes, or a path to it (``str`` is taken as a path).
        spec: its format (see :mod:`app.domain.hotlists.presets`).
        settings: the source's skip list, state filter, thresholds and type map.
        as_of: today's date; rows whose expiry is before it are skipped. ``None``: keep all.

    Returns:
        The outcome; when ``accepted`` is False its ``records`` are empty and the source's
        previous list must stay active.
    """
    t0 = time.perf_counter()
    settings = settings or SourceParseSettings()
    if not isinstance(data, bytes | bytearray | memoryview):
        try:
            data = Path(data).read_bytes()
        except OSError as exc:
            return _refused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}", t0)
    raw = bytes(data)
    if not raw.strip(b" \t\r\n\x00"):
        return _refused(RefusalReason.EMPTY, "the file is empty", t0)
    try:
        text, encoding = decode_bytes(raw, settings.encoding)
    except TruncatedTextError as exc:
        return _refused(RefusalReason.TRUNCATED, str(exc), t0, "utf-8")
    text = normalise_newlines(text)
    bad = bad_lines(text, isinstance(spec, DelimitedSpec))
    lines, ended = split_lines(text)
    del text, raw
    for no in bad:  # never parsed, never stored in part: the row is reported with its line number
        lines[no - 1] = "?"
    frame = find_frame(lines, spec.header, spec.footer)
    if spec.header is not None and spec.header.required and not frame.header_found:
        return _refused(RefusalReason.MISSING_HEADER, "first line is not the expected header", t0, encoding, len(lines))
    if spec.footer is not None and spec.footer.required and not frame.footer_found:
        return _refused(
            RefusalReason.MISSING_FOOTER, "last line is not the expected footer (file truncated?)",
            t0, encoding, len(lines), frame=frame,
        )
    data_lines = lines[frame.start : frame.end] if (frame.start, frame.end) != (0, len(lines)) else lines
    try:
        with _gc_paused():
            rows = _rows(data_lines, frame.start + 1, spec)
            if bad:
                rows = _flag_bad(rows, bad)
            built = build_records(
                rows, settings, date_format=spec.date_format, default_record_type=spec.default_record_type, as_of=as_of,
                type_char=spec.type_char,
            )
    except MissingColumnsError as exc:
        return _refused(RefusalReason.MISSING_COLUMNS, str(exc), t0, encoding, len(lines), frame=frame)
    if not ended and not frame.footer_found and not built.last_row_rejected and built.records:
        _drop_unterminated(built, frame.start + len(data_lines))
    verdict = _verdict(built, frame, spec, settings, ended)
    if verdict is not None:
        return _refused(verdict[0], verdict[1], t0, encoding, len(lines), built, frame)
    outcome = ParseOutcome(
        accepted=True, refusal=None, refusal_detail="", records=tuple(built.records),
        rejected=tuple(built.rejected), skipped=tuple(built.skipped), duplicates=tuple(built.duplicates),
        warnings=tuple(built.warnings), counts=built.counts(len(lines)), encoding=encoding,
        extract_time=frame.extract_time, footer_count=frame.footer_count, elapsed_s=time.perf_counter() - t0,
    )
    logger.info(
        "hot-list parsed: %d rows, %d imported, %d rejected in %.2f s",
        outcome.counts.data_rows, outcome.counts.imported, outcome.counts.rejected, outcome.elapsed_s,
    )
    return outcome

"""Row extractors: each turns data lines into raw, unstripped field tuples.

An extractor yields ``(line_no, payload)`` where payload is a :data:`Raw` tuple, a
:class:`RowIssue` for a row whose layout is broken, or ``None`` for a blank line. Per-row work
is C-level slicing (``itemgetter`` over precomputed slices) or the ``csv`` module.

``Raw`` is ``(record_type, nic, ori, entry_date, plate, state, tail, expiry, oca, remarks)``
where ``tail`` holds the seven low-cardinality code fields LIY, LIT, VYR, VMA, VMO, VST, VCO:
a tuple of strings, or for the NCIC record the unsplit end of the line (one slice instead of
seven, and one cache lookup in the builder; :data:`NCIC_TAIL` splits it on a cache miss).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from itertools import count
from operator import itemgetter

from app.domain.hotlists.formats import (
    FIELD_INDEX,
    FIELD_ORDER,
    NCIC_COLUMNS,
    NCIC_MIN_LENGTH,
    DelimitedSpec,
    FixedWidthSpec,
    NcicFixedSpec,
    PatternSpec,
    TaggedSpec,
)
from app.domain.hotlists.outcome import RowIssue, RowReason
from app.domain.hotlists.text import is_blank

Raw = tuple[str, str, str, str, str, str, "str | tuple[str, ...]", str, str, str]
Payload = Raw | RowIssue | None
Rows = Iterator[tuple[int, Payload]]

_EMPTY = slice(0, 0)
_TAIL = FIELD_ORDER[6:13]
#: Splits the NCIC tail (line from LIS end) into LIY, LIT, VYR, VMA, VMO, VST, VCO.
NCIC_TAIL = itemgetter(
    *(slice(a - NCIC_MIN_LENGTH, None if b is None else b - NCIC_MIN_LENGTH) for a, b in (NCIC_COLUMNS[n] for n in _TAIL))
)


def _group(values: tuple[str, ...]) -> Raw:
    """16 values in FIELD_ORDER -> the Raw shape."""
    return (*values[:6], values[6:13], *values[13:])  # type: ignore[return-value]


class MissingColumnsError(Exception):
    """A delimited file's header row lacks a configured column."""


def _fixed(lines: list[str], first_no: int, getter: Callable[[str], Raw], min_len: int, max_len: int) -> Rows:
    if lines and min(map(len, lines)) >= min_len and max(map(len, lines)) <= max_len:
        # Every line fits: slice in C with no per-row Python code.
        return zip(count(first_no), map(getter, lines))
    return _fixed_checked(lines, first_no, getter, min_len, max_len)


def _fixed_checked(lines: list[str], first_no: int, getter: Callable[[str], Raw], min_len: int, max_len: int) -> Rows:
    too_short, too_long = RowReason.LINE_TOO_SHORT, RowReason.LINE_TOO_LONG
    for no, line in enumerate(lines, first_no):
        n = len(line)
        if n < min_len:
            if is_blank(line):
                yield no, None
            else:
                yield no, RowIssue(no, too_short, f"{n} characters, a row needs at least {min_len}")
        elif n > max_len:
            yield no, RowIssue(no, too_long, f"{n} characters, the limit is {max_len}")
        else:
            yield no, getter(line)


def ncic_rows(lines: list[str], first_no: int, spec: NcicFixedSpec) -> Rows:
    """Rows of the DOMAIN.md NCIC fixed-width record."""
    head = [slice(*NCIC_COLUMNS[name]) for name in FIELD_ORDER[:6]]
    getter = itemgetter(*head, slice(NCIC_MIN_LENGTH, None), _EMPTY, _EMPTY, _EMPTY)
    return _fixed(lines, first_no, getter, NCIC_MIN_LENGTH, spec.max_line_length)


def fixed_width_rows(lines: list[str], first_no: int, spec: FixedWidthSpec) -> Rows:
    """Rows of a configurable fixed-width layout."""
    by_field = {c.field: slice(c.start, c.end) for c in spec.columns}
    slicer = itemgetter(*(by_field.get(name, _EMPTY) for name in FIELD_ORDER))
    plate = next(c for c in spec.columns if c.field == "plate")
    min_len = spec.min_line_length or plate.start + 1
    return _fixed(lines, first_no, lambda line: _group(slicer(line)), min_len, spec.max_line_length)


def _reader(lines: list[str], spec: DelimitedSpec) -> Iterator[list[str]]:
    if spec.quote_char is None:
        return csv.reader(lines, delimiter=spec.delimiter, quoting=csv.QUOTE_NONE, strict=True)
    return csv.reader(lines, delimiter=spec.delimiter, quotechar=spec.quote_char, strict=True)


def delimited_rows(lines: list[str], first_no: int, spec: DelimitedSpec) -> Rows:
    """Rows of a delimited file; the header row (if any) is the first non-blank line.

    Raises:
        MissingColumnsError: the header row lacks a column named in the spec.
    """
    skip = 0
    positions: dict[str, int] = {}
    if spec.has_header_row:
        while skip < len(lines) and is_blank(lines[skip]):
            skip += 1
        try:
            header = next(_reader(lines[skip : skip + 1], spec), [])
        except csv.Error as exc:
            raise MissingColumnsError(f"header row on line {first_no + skip} is unreadable: {exc}") from exc
        names = {h.strip().upper(): i for i, h in enumerate(header)}
        missing = [c for c in spec.columns.values() if isinstance(c, str) and c.strip().upper() not in names]
        if missing:
            raise MissingColumnsError(f"header row has no column {', '.join(map(repr, missing))}")
        positions = {f: names[c.strip().upper()] if isinstance(c, str) else c for f, c in spec.columns.items()}
        skip += 1
    else:
        positions = {f: int(c) for f, c in spec.columns.items()}
    return _delimited(lines[skip:], first_no + skip, spec, positions)


def _delimited(lines: list[str], first_no: int, spec: DelimitedSpec, positions: dict[str, int]) -> Rows:
    """Rows of a delimited file; a quote left open never swallows the rows after it.

    A record is one line. When the csv reader needs more than one line for a record (a quote
    opened and not closed on its line), the first of those lines is reported as bad quoting and
    reading starts again on the next line.
    """
    start = 0
    while start < len(lines):
        resume = yield from _delimited_from(lines, start, first_no, spec, positions)
        if resume is None:
            return
        start = resume


def _delimited_from(lines: list[str], start: int, first_no: int, spec: DelimitedSpec,
                    positions: dict[str, int]) -> Iterator[tuple[int, Payload]]:
    needed = max(positions.values()) + 1
    # -1 picks the "" appended to every row for fields the file does not have.
    getter = itemgetter(*(positions.get(name, -1) for name in FIELD_ORDER))
    reader = _reader(lines[start:] if start else lines, spec)
    max_len = spec.max_line_length
    base = first_no + start - 1
    prev = 0  # reader.line_num after the previous record
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            no = base + prev + 1
            if reader.line_num > prev + 1:  # type: ignore[attr-defined]
                yield no, RowIssue(no, RowReason.BAD_QUOTING, f"quote opened on line {no} is not closed on it")
                return start + prev + 1
            # a quote opened on the last line reaches the end of the data: the same fault as above
            # (a streamed parse sees it at the end of a block)
            detail = f"quote opened on line {no} is not closed on it" if "end of data" in str(exc) else str(exc)
            yield no, RowIssue(no, RowReason.BAD_QUOTING, detail)
            prev = reader.line_num  # type: ignore[attr-defined]
            continue
        if reader.line_num > prev + 1:  # type: ignore[attr-defined]
            no = base + prev + 1
            yield no, RowIssue(no, RowReason.BAD_QUOTING, f"quote opened on line {no} is not closed on it")
            return start + prev + 1
        prev = reader.line_num  # type: ignore[attr-defined]
        no = base + prev
        if not row or (len(row) == 1 and is_blank(row[0])):
            yield no, None
            continue
        if len(row) < needed:
            yield no, RowIssue(no, RowReason.MISSING_COLUMNS, f"{len(row)} columns, need at least {needed}")
            continue
        if sum(map(len, row)) > max_len:
            yield no, RowIssue(no, RowReason.LINE_TOO_LONG, f"row longer than {max_len} characters")
            continue
        row.append("")
        yield no, _group(getter(row))


def pattern_rows(lines: list[str], first_no: int, spec: PatternSpec) -> Rows:
    """Rows matched by one regular expression with named field groups."""
    regex = re.compile(spec.pattern)
    slots = [(FIELD_INDEX[name], idx) for name, idx in regex.groupindex.items()]
    max_len = spec.max_line_length
    for no, line in enumerate(lines, first_no):
        if is_blank(line):
            yield no, None
            continue
        if len(line) > max_len:
            yield no, RowIssue(no, RowReason.LINE_TOO_LONG, f"{len(line)} characters, the limit is {max_len}")
            continue
        m = regex.match(line)
        if m is None:
            yield no, RowIssue(no, RowReason.NO_FIELDS, "the line does not have the source's layout")
            continue
        values = [""] * len(FIELD_ORDER)
        for slot, idx in slots:
            values[slot] = m.group(idx) or ""
        yield no, _group(tuple(values))


def tagged_rows(lines: list[str], first_no: int, spec: TaggedSpec) -> Rows:
    """Rows of tagged fields; unknown tags are ignored, the first occurrence of a tag wins."""
    tag_re = re.compile(r"(?:^|(?<=[\s.;]))([A-Z]{2,4})/")
    slots = {tag: FIELD_INDEX[name] for tag, name in spec.tags.items()}
    prefix = [(FIELD_INDEX[c.field], slice(c.start, c.end)) for c in spec.prefix]
    prefix_end = max((c.end or c.start + 1 for c in spec.prefix), default=0)
    lead = FIELD_INDEX[spec.lead_field] if spec.lead_field else None
    max_len = spec.max_line_length
    for no, full in enumerate(lines, first_no):
        if prefix:
            if len(full.rstrip()) < prefix_end and not is_blank(full):
                yield no, RowIssue(no, RowReason.LINE_TOO_SHORT, f"{len(full)} characters, a row needs {prefix_end}")
                continue
            line = full[prefix_end:]
        else:
            line = full
        if is_blank(full):
            yield no, None
            continue
        if is_blank(line):
            yield no, None
            continue
        if len(line) > max_len:
            yield no, RowIssue(no, RowReason.LINE_TOO_LONG, f"{len(line)} characters, the limit is {max_len}")
            continue
        values = [""] * len(FIELD_ORDER)
        found = False
        for slot, cut in prefix:
            values[slot] = full[cut]
            found = True
        matches = list(tag_re.finditer(line))
        if lead is not None:
            values[lead] = line[: matches[0].start() if matches else len(line)].strip()
        for k, m in enumerate(matches):
            slot = slots.get(m.group(1))
            if slot is None or values[slot]:
                continue
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            values[slot] = line[m.end() : end].strip().rstrip(".;").strip()
            found = True
        if not found:
            yield no, RowIssue(no, RowReason.NO_FIELDS, "no known field tag (e.g. LIC/) in the line")
            continue
        yield no, _group(tuple(values))

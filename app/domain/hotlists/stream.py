"""``parse_hotlist_stream``: the same checks as :func:`parse_hotlist`, a block of lines at a time.

A national list (10 million NCIC rows, ~700 MB) parsed whole holds the bytes, the text, every line
and every record at once (7.6 GB measured). Here the file's bytes arrive in blocks; each block is
decoded, checked and built into records, which are handed to ``emit`` at once and then dropped.
What stays for the whole file is small: the row issues for the report and, per record, a plate key,
state code, priority and line number in arrays (~15 bytes), used at the end to merge duplicates
(same plate and state: the highest priority wins, ties keep the first line) exactly as the whole-file
parser does. The verdict (footer count, bad-row share, minimum rows) needs the whole file, so it
comes last, with the sequence numbers of emitted records that lost a duplicate merge.

The encoding is decided before the first block (``encoding`` argument, from
:func:`sniff_encoding`): the whole-file rules (UTF-8, damaged UTF-8, Latin-1, cut inside a
character) look at every byte.
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from itertools import repeat

import numpy as np

from app.domain.hotlists.build import BuildResult, build_records
from app.domain.hotlists.extract import MissingColumnsError
from app.domain.hotlists.formats import DelimitedSpec, FormatSpec
from app.domain.hotlists.outcome import ParseOutcome, RefusalReason, RowIssue, RowReason
from app.domain.hotlists.parse import _drop_unterminated, _flag_bad, _gc_paused, _refused, _rows, _verdict
from app.domain.hotlists.records import HotListRecord
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.text import _UTF8_MULTIBYTE, Frame, bad_lines, is_blank

Emit = Callable[[list[HotListRecord]], None]
#: Decoded characters per block at least (~15,000 NCIC lines; a block is one read of the file, 8 MB): one block of records exists at a time.
BLOCK_CHARS = 1024 * 1024


class _Truncated(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Encoding:
    """How the whole file decodes: codec, error handler and the name in the report."""

    codec: str
    errors: str
    label: str


def sniff_encoding(blocks: Iterable[bytes], encoding: str) -> Encoding | RefusalReason:
    """The whole-file decoding rules of :func:`~app.domain.hotlists.text.decode_bytes`, over byte blocks.

    Returns the encoding, or ``RefusalReason.EMPTY`` / ``TRUNCATED``.
    """
    empty = True
    if encoding != "auto":
        for block in blocks:
            empty = empty and not block.strip(b" \t\r\n\x00")
        if empty:
            return RefusalReason.EMPTY
        return Encoding("utf-8-sig" if encoding == "utf-8" else encoding, "surrogateescape", encoding)
    strict = codecs.getincrementaldecoder("utf-8-sig")()
    valid, multibyte, bom, first, tail = True, False, False, True, b""
    for block in blocks:
        if first:
            bom, first = block.startswith(codecs.BOM_UTF8), False
        empty = empty and not block.strip(b" \t\r\n\x00")
        if valid:
            try:
                strict.decode(block)
            except UnicodeDecodeError:
                valid = False
        if not multibyte and not block.isascii():
            multibyte = _UTF8_MULTIBYTE.search(tail + block) is not None
        tail = block[-3:]
    if empty:
        return RefusalReason.EMPTY
    if valid:
        try:
            strict.decode(b"", final=True)
        except UnicodeDecodeError:
            return RefusalReason.TRUNCATED
        return Encoding("utf-8-sig", "strict", "utf-8-sig" if bom else "utf-8")
    if bom or multibyte:
        return Encoding("utf-8-sig", "surrogateescape", "utf-8 (damaged)")
    return Encoding("latin-1", "strict", "latin-1")


@dataclass(frozen=True)
class StreamOutcome:
    """The verdict of a streamed parse.

    ``outcome.records`` is empty (they went to ``emit``); ``emitted`` records were handed over,
    ``dropped`` holds the 0-based sequence numbers of those merged away as duplicates (ascending).
    ``outcome.counts.imported`` = ``emitted - len(dropped)``.
    """

    outcome: ParseOutcome
    emitted: int
    dropped: tuple[int, ...]


class _Merge:
    """Plate key, state, priority and line of every emitted record, for the merge at the end."""

    def __init__(self) -> None:
        self.keys: list[np.ndarray] = []
        self.states: list[np.ndarray] = []
        self.prios: list[np.ndarray] = []
        self.lines: list[np.ndarray] = []
        self.codes: dict[str | None, int] = {None: 0}

    def add(self, records: list[HotListRecord]) -> None:
        n = len(records)
        plates = [r.plate for r in records]
        lens = np.fromiter(map(len, plates), np.int64, n)
        self.keys.append((np.fromiter(map(int, plates, repeat(36)), np.int64, n) << 4) | lens)
        codes = self.codes
        self.states.append(np.fromiter((codes.setdefault(r.state, len(codes)) for r in records), np.int32, n))
        self.prios.append(np.fromiter((r.priority for r in records), np.int16, n))
        self.lines.append(np.fromiter((r.line_no for r in records), np.int64, n))

    def merge(self) -> tuple[list[int], list[RowIssue]]:
        """Sequence numbers that lose, and the duplicate issues in the order the whole-file parser reports them."""
        if not self.keys:
            return [], []
        keys = np.concatenate(self.keys)
        order = np.argsort(keys, kind="stable")  # equal plates keep line order
        ks = keys[order]
        same = np.flatnonzero(ks[1:] == ks[:-1])
        if not len(same):
            return [], []
        states, prios, lines = (np.concatenate(c) for c in (self.states, self.prios, self.lines))
        groups: dict[tuple[int, int], list[int]] = {}
        for i in np.unique(np.concatenate([same, same + 1])).tolist():
            seq = int(order[i])
            groups.setdefault((int(ks[i]), int(states[seq])), []).append(seq)
        losers: list[int] = []
        issues: list[tuple[int, int, RowIssue]] = []
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort()
            prev = members[0]
            for m in members[1:]:
                no, pno = int(lines[m]), int(lines[prev])
                if prios[m] < prios[prev]:
                    losers.append(prev)
                    issues.append((no, m, RowIssue(pno, RowReason.DUPLICATE,
                                                   f"merged into line {no} (priority {prios[m]} beats {prios[prev]})")))
                    prev = m
                else:
                    losers.append(m)
                    issues.append((no, m, RowIssue(no, RowReason.DUPLICATE,
                                                   f"merged into line {pno} (same plate and state)")))
        issues.sort(key=lambda t: t[:2])
        return sorted(losers), [t[2] for t in issues]


def _decoded(blocks: Iterable[bytes], enc: Encoding, block_chars: int) -> Iterable[tuple[str, bool]]:
    """``(text, last)`` pieces of at least ``block_chars`` that end at a line end; the last one: the rest."""
    decoder = codecs.getincrementaldecoder(enc.codec)(enc.errors)
    pending = ""
    for block in blocks:
        text = pending + decoder.decode(block)
        if len(text) < block_chars:
            pending = text
            continue
        cut = text.rfind("\n")
        if cut < 0:  # a file with CR line ends only: cut after a CR that is not the last character
            cut = text.rfind("\r", 0, len(text) - 1)
        if cut < 0:
            pending = text
            continue
        pending = text[cut + 1:]
        yield text[:cut + 1], False
    yield pending + decoder.decode(b"", final=True), True


def parse_hotlist_stream(  # noqa: C901, PLR0912, PLR0915 - one pass with its framing state
    blocks: Iterable[bytes],
    spec: FormatSpec,
    settings: SourceParseSettings | None,
    emit: Emit,
    *,
    encoding: Encoding,
    as_of: date | None = None,
    block_chars: int = BLOCK_CHARS,
) -> StreamOutcome:
    """Parse the file whose bytes ``blocks`` yields, handing records to ``emit`` block by block.

    ``encoding`` comes from :func:`sniff_encoding` over the same bytes. The outcome equals
    :func:`~app.domain.hotlists.parse.parse_hotlist`'s (records aside; see :class:`StreamOutcome`).
    A refused file may already have emitted records: the caller discards them.
    """
    t0 = time.perf_counter()
    settings = settings or SourceParseSettings()
    delimited = isinstance(spec, DelimitedSpec)
    total = BuildResult()
    merge = _Merge()
    emitted = 0
    next_no = 1  # line number of held[0]
    held: list[str] = []  # the last non-blank line so far and the blank lines after it (a footer?)
    held_bad: dict[int, tuple[str, str]] = {}
    header_done = spec.header is None
    header_found = False
    extract_time = None
    csv_header: str | None = None  # a delimited file's column-name row, repeated before each later block
    last_bad = False
    ended = True
    lines_total = 0

    def run(lines: list[str], first_no: int, text_bad: dict[int, tuple[str, str]], final_line: int | None) -> None:
        nonlocal emitted, last_bad, csv_header
        if not lines:
            return
        for no in text_bad:
            if first_no <= no < first_no + len(lines):
                lines[no - first_no] = "?"
        block_lines, block_first = lines, first_no
        if delimited and spec.has_header_row:
            if csv_header is None:
                k = next((i for i, line in enumerate(lines) if not is_blank(line)), None)
                if k is None:  # blank lines before the column-name row are not rows
                    return None
                csv_header = lines[k]
            else:
                block_lines, block_first = [csv_header, *lines], first_no - 1
        rows = _rows(block_lines, block_first, spec)
        rows = _flag_bad(rows, {n: v for n, v in text_bad.items() if first_no <= n < first_no + len(lines)}) \
            if text_bad else rows
        built = build_records(rows, settings, date_format=spec.date_format, default_record_type=spec.default_record_type,
                              as_of=as_of, type_char=spec.type_char, merge=False)
        if final_line is not None and not built.last_row_rejected and built.records:
            _drop_unterminated(built, final_line)
        if built.data_rows:
            last_bad = built.last_row_rejected
        total.rejected += built.rejected
        total.skipped += built.skipped
        total.warnings += built.warnings
        total.data_rows += built.data_rows
        total.blank_lines += built.blank_lines
        total.repaired += built.repaired
        if built.records:
            merge.add(built.records)
            emitted += len(built.records)
            emit(built.records)
        return None

    try:
        with _gc_paused():
            for piece, final in _decoded(blocks, encoding, block_chars):
                text = piece.replace("\r\n", "\n").replace("\r", "\n") if "\r" in piece else piece
                base = next_no + len(held)
                text_bad = {**held_bad, **bad_lines(text, delimited, base)}
                lines = text.split("\n")
                if lines[-1] == "":
                    lines.pop()
                    ended = True
                else:
                    ended = False
                lines_total += len(lines)
                lines = held + lines
                first_no = next_no
                held, held_bad = [], {}
                if not header_done:
                    first = next((i for i, line in enumerate(lines) if not is_blank(line)), None)
                    if first is None and not final:
                        held, next_no, held_bad = lines, first_no, text_bad
                        continue
                    header_done = True
                    if first is not None:
                        m = re.match(spec.header.pattern, lines[first])  # type: ignore[union-attr]
                        if m is not None:
                            header_found = True
                            raw = m.groupdict().get("when")
                            if raw:
                                extract_time = _when(raw, spec.header.time_format)  # type: ignore[union-attr]
                            lines, first_no = lines[first + 1:], first_no + first + 1
                    if spec.header.required and not header_found:  # type: ignore[union-attr]
                        return _done(_refused(RefusalReason.MISSING_HEADER, "first line is not the expected header",
                                              t0, encoding.label, lines_total), 0, ())
                last = next((i for i in range(len(lines) - 1, -1, -1) if not is_blank(lines[i])), None)
                if not final:
                    cut = 0 if last is None else last
                    run(lines[:cut], first_no, text_bad, None)
                    held, next_no = lines[cut:], first_no + cut
                    held_bad = {n: v for n, v in text_bad.items() if n >= next_no}
                    continue
                footer_found, footer_count, data = False, None, lines
                if spec.footer is not None and last is not None:
                    m = re.match(spec.footer.pattern, lines[last])
                    if m is not None:
                        footer_found, footer_count, data = True, int(m.group("count")), lines[:last]
                if spec.footer is not None and spec.footer.required and not footer_found:
                    frame = Frame(0, 0, extract_time, None, header_found, False)
                    return _done(_refused(RefusalReason.MISSING_FOOTER,
                                          "last line is not the expected footer (file truncated?)",
                                          t0, encoding.label, lines_total, frame=frame), 0, ())
                final_line = None if ended or footer_found or not data else first_no + len(data) - 1
                run(data, first_no, text_bad, final_line)
                break
    except MissingColumnsError as exc:
        frame = Frame(0, 0, extract_time, None, header_found, False)
        return _done(_refused(RefusalReason.MISSING_COLUMNS, str(exc), t0, encoding.label, lines_total, frame=frame),
                     emitted, ())
    dropped, duplicates = merge.merge()
    total.duplicates = duplicates
    total.last_row_rejected = last_bad
    kept = emitted - len(dropped)
    total.records = _Count(kept)  # type: ignore[assignment] - _verdict and counts() only take len()
    frame = Frame(0, 0, extract_time, footer_count, header_found, footer_found)
    verdict = _verdict(total, frame, spec, settings, ended)
    if verdict is not None:
        return _done(_refused(verdict[0], verdict[1], t0, encoding.label, lines_total, total, frame), emitted, ())
    outcome = ParseOutcome(
        accepted=True, refusal=None, refusal_detail="", records=(), rejected=tuple(total.rejected),
        skipped=tuple(total.skipped), duplicates=tuple(total.duplicates), warnings=tuple(total.warnings),
        counts=total.counts(lines_total), encoding=encoding.label, extract_time=extract_time,
        footer_count=footer_count, elapsed_s=time.perf_counter() - t0,
    )
    return _done(outcome, emitted, tuple(dropped))


class _Count(list):
    """Stands in for the record list once the records are gone: only its length is asked for."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0


def _when(raw: str, fmt: str):  # noqa: ANN202
    from datetime import datetime

    try:
        return datetime.strptime(" ".join(raw.split()), fmt)
    except ValueError:
        return None


def _done(outcome: ParseOutcome, emitted: int, dropped: tuple[int, ...]) -> StreamOutcome:
    return StreamOutcome(replace(outcome, records=()), emitted, dropped)

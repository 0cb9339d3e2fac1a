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
from app.domain.hotlists.fastpath import RecordBlock, fast_path_for
from app.domain.hotlists.formats import DelimitedSpec, FormatSpec
from app.domain.hotlists.outcome import ParseOutcome, RefusalReason, RowIssue, RowReason
from app.domain.hotlists.parse import _drop_unterminated, _flag_bad, _gc_paused, _refused, _rows, _verdict
from app.domain.hotlists.records import HotListRecord
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.text import _UTF8_MULTIBYTE, Frame, bad_lines, is_blank

Emit = Callable[[list[HotListRecord]], None]
#: Takes a block's records as columns (:class:`RecordBlock`) instead of :class:`HotListRecord` values.
BlockEmit = Callable[[RecordBlock], None]
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
    first_block = True  # the decoder sees the first block whatever it holds (a BOM)
    for block in blocks:
        if first:
            bom, first = block.startswith(codecs.BOM_UTF8), False
        empty = empty and not block.strip(b" \t\r\n\x00")
        # an ASCII block after a whole character decodes to itself: skip the decoder (0.65 s of a 10 M scan)
        if valid and not (not first_block and block.isascii() and not strict.getstate()[0]):
            try:
                strict.decode(block)
            except UnicodeDecodeError:
                valid = False
        first_block = False
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


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGIT = np.zeros(128, np.int64)
_DIGIT[[ord(c) for c in _BASE36]] = np.arange(36)
_WIDTH = 10  # MAX_PLATE_LENGTH
_PLACE = np.array([36 ** (_WIDTH - 1 - i) for i in range(_WIDTH)], np.int64)
_SHIFT = np.array([36 ** k for k in range(_WIDTH + 1)], np.int64)


def _plate_keys(plates: list[str]) -> np.ndarray:
    """``int(plate, 36) << 4 | len(plate)`` of every plate (equal plates, equal keys), vectorised.

    The plates as one fixed-width code-point matrix, each row read as a base-36 number and shifted
    back by its padding; any plate that is not 1-10 characters of A-Z0-9 takes ``int()``.
    """
    n = len(plates)
    joined = "".join(plates)
    lens = np.fromiter(map(len, plates), np.int64, n)
    if not n or not (joined.isascii() and joined.isalnum() and joined == joined.upper()) \
            or lens.min() < 1 or lens.max() > _WIDTH:
        return (np.fromiter(map(int, plates, repeat(36)), np.int64, n) << 4) | lens
    points = np.array(plates, dtype=f"U{_WIDTH}").view(np.uint32).reshape(n, _WIDTH)
    return ((_DIGIT[points] @ _PLACE) // _SHIFT[_WIDTH - lens]) << 4 | lens


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

    def add_block(self, block: RecordBlock) -> None:
        """Add a block's records (line order) from its columns."""
        n = len(block)
        self.keys.append(_plate_keys(block.plates))
        codes = self.codes
        for st in dict.fromkeys(block.states):  # first-seen order, as add() numbers them
            codes.setdefault(st, len(codes))
        self.states.append(np.fromiter(map(codes.__getitem__, block.states), np.int32, n))
        self.prios.append(np.fromiter(block.priorities, np.int16, n))
        self.lines.append(np.fromiter(block.lines, np.int64, n))

    def extend(self, other: _Merge) -> None:
        """Append another part's records (after this part's; its state codes mapped onto these)."""
        remap = np.zeros(len(other.codes), np.int32)
        for state, code in other.codes.items():
            remap[code] = self.codes.setdefault(state, len(self.codes))
        self.keys += other.keys
        self.states += [remap[s] for s in other.states]
        self.prios += other.prios
        self.lines += other.lines
        # moved, not shared: the merge frees each block once it has used it (a national list's peak)
        other.keys, other.states, other.prios, other.lines = [], [], [], []

    def merge(self) -> tuple[list[int], list[RowIssue]]:
        """Sequence numbers that lose, and the duplicate issues in the order the whole-file parser reports them."""
        if not self.keys:
            return [], []
        # One call at the end of a parse, which it consumes: each column's blocks are freed as soon as
        # they are joined, and only the rows of duplicate plates are looked up in the other columns
        # (ten million rows: ~370 MB of temporaries before, the parser child's peak).
        keys = np.concatenate(self.keys)
        self.keys = []
        order = np.argsort(keys, kind="stable")  # equal plates keep line order
        keys.sort()  # in place: keys[order] without a second copy
        same = np.flatnonzero(keys[1:] == keys[:-1])
        at = np.unique(np.concatenate([same, same + 1]))
        seqs, ks = order[at], keys[at]
        del order, keys, same, at
        columns = [_gather(c, seqs).tolist() for c in (self.states, self.prios, self.lines)]
        self.states, self.prios, self.lines = [], [], []
        if not len(seqs):
            return [], []
        seq_list = seqs.tolist()
        groups: dict[tuple[int, int], list[int]] = {}
        for seq, key, state in zip(seq_list, ks.tolist(), columns[0], strict=True):
            groups.setdefault((key, state), []).append(seq)
        prios, lines = (dict(zip(seq_list, c, strict=True)) for c in columns[1:])
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


def _gather(blocks: list[np.ndarray], seqs: np.ndarray) -> np.ndarray:
    """The values at sequence numbers ``seqs`` of a column held as consecutive blocks (nothing joined)."""
    if not blocks or not len(seqs):
        return np.empty(0, np.int64)
    sizes = np.array([len(b) for b in blocks], np.int64)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    which = np.searchsorted(ends, seqs, side="right")
    out = np.empty(len(seqs), blocks[0].dtype)
    for k in np.unique(which).tolist():
        sel = which == k
        out[sel] = blocks[k][seqs[sel] - starts[k]]
    return out


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


@dataclass
class StreamPart:
    """What one stretch of lines left for the verdict (a whole file is one part; a split file two).

    ``refusal`` (reason, detail) is a refusal found while reading (missing header / footer / columns);
    ``lines_total`` the lines of the part (a missing header still counts every line, as the whole-file
    parser does; a missing column row stops the count there).
    """

    total: BuildResult
    merge: _Merge
    emitted: int = 0
    lines_total: int = 0
    has_data: bool = False
    last_bad: bool = False
    header_found: bool = False
    extract_time: object = None
    footer_found: bool = False
    footer_count: int | None = None
    ended: bool = True
    refusal: tuple[RefusalReason, str] | None = None


def parse_hotlist_stream(
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
    part = parse_stream_part(blocks, spec, settings, emit, encoding=encoding, as_of=as_of, block_chars=block_chars)
    return finish_stream([part], spec, settings, encoding, t0)


def parse_stream_part(  # noqa: C901, PLR0912, PLR0915 - one pass with its framing state
    blocks: Iterable[bytes],
    spec: FormatSpec,
    settings: SourceParseSettings | None,
    emit: Emit | None,
    *,
    encoding: Encoding,
    as_of: date | None = None,
    block_chars: int = BLOCK_CHARS,
    first_line: int = 1,
    first: bool = True,
    last: bool = True,
    block_emit: BlockEmit | None = None,
    fast: bool = True,
) -> StreamPart:
    """Parse a stretch of whole lines starting at line ``first_line``; :func:`finish_stream` gives the verdict.

    ``first``: the stretch starts the file (the header is looked for); ``last``: it ends the file
    (footer, a last line without newline). A middle or first part of a split file must end with a
    line end; its records' sequence numbers start at 0 (the caller offsets them).

    ``block_emit`` (instead of ``emit``) takes each block's records as columns. ``fast``: NCIC
    fixed-width blocks take the fast path (:mod:`app.domain.hotlists.fastpath`); False: every row
    goes through :func:`build_records` (the reference the fast path is tested against).
    """
    settings = settings or SourceParseSettings()
    fastpath = fast_path_for(spec, settings, as_of) if fast else None
    delimited = isinstance(spec, DelimitedSpec)
    total = BuildResult()
    state = StreamPart(total, _Merge())
    next_no = first_line  # line number of held[0]
    held: list[str] = []  # the last non-blank line so far and the blank lines after it (a footer?)
    held_bad: dict[int, tuple[str, str]] = {}
    header_done = spec.header is None or not first
    csv_header: str | None = None  # a delimited file's column-name row, repeated before each later block

    def run(lines: list[str], first_no: int, text_bad: dict[int, tuple[str, str]], final_line: int | None) -> None:
        nonlocal csv_header
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
        in_block = {n: v for n, v in text_bad.items() if first_no <= n < first_no + len(lines)} if text_bad else {}
        if fastpath is not None and final_line is None:
            built, block = fastpath.build(block_lines, block_first, in_block)
        else:
            rows = _rows(block_lines, block_first, spec)
            rows = _flag_bad(rows, in_block) if in_block else rows
            built = build_records(rows, settings, date_format=spec.date_format,
                                  default_record_type=spec.default_record_type, as_of=as_of,
                                  type_char=spec.type_char, merge=False)
            if final_line is not None and not built.last_row_rejected and built.records:
                _drop_unterminated(built, final_line)
            block = RecordBlock.of_records(built.records)
        if built.data_rows:
            state.last_bad, state.has_data = built.last_row_rejected, True
        total.rejected += built.rejected
        total.skipped += built.skipped
        total.warnings += built.warnings
        total.data_rows += built.data_rows
        total.blank_lines += built.blank_lines
        total.repaired += built.repaired
        if len(block):
            state.merge.add_block(block)
            state.emitted += len(block)
            if block_emit is not None:
                block_emit(block)
            else:
                emit(block.records())  # type: ignore[misc]
        return None

    try:
        with _gc_paused():
            for piece, final in _decoded(blocks, encoding, block_chars):
                text = piece.replace("\r\n", "\n").replace("\r", "\n") if "\r" in piece else piece
                if state.refusal is not None:  # refused at the header: the report still counts every line
                    state.lines_total += text.count("\n") + (not text.endswith("\n") and text != "")
                    continue
                base = next_no + len(held)
                text_bad = {**held_bad, **bad_lines(text, delimited, base)}
                lines = text.split("\n")
                if lines[-1] == "":
                    lines.pop()
                    state.ended = True
                else:
                    state.ended = False
                state.lines_total += len(lines)
                lines = held + lines
                first_no = next_no
                held, held_bad = [], {}
                if not header_done:
                    head = next((i for i, line in enumerate(lines) if not is_blank(line)), None)
                    if head is None and not final:
                        held, next_no, held_bad = lines, first_no, text_bad
                        continue
                    header_done = True
                    if head is not None:
                        m = re.match(spec.header.pattern, lines[head])  # type: ignore[union-attr]
                        if m is not None:
                            state.header_found = True
                            raw = m.groupdict().get("when")
                            if raw:
                                state.extract_time = _when(raw, spec.header.time_format)  # type: ignore[union-attr]
                            lines, first_no = lines[head + 1:], first_no + head + 1
                    if spec.header.required and not state.header_found:  # type: ignore[union-attr]
                        state.refusal = (RefusalReason.MISSING_HEADER, "first line is not the expected header")
                        continue
                tail = next((i for i in range(len(lines) - 1, -1, -1) if not is_blank(lines[i])), None)
                if not final:
                    cut = 0 if tail is None else tail
                    run(lines[:cut], first_no, text_bad, None)
                    held, next_no = lines[cut:], first_no + cut
                    held_bad = {n: v for n, v in text_bad.items() if n >= next_no}
                    continue
                if not last:  # a part that ends before the file does: no footer, every line ends
                    run(lines, first_no, text_bad, None)
                    break
                data = lines
                if spec.footer is not None and tail is not None:
                    m = re.match(spec.footer.pattern, lines[tail])
                    if m is not None:
                        state.footer_found, state.footer_count, data = True, int(m.group("count")), lines[:tail]
                if spec.footer is not None and spec.footer.required and not state.footer_found:
                    state.refusal = (RefusalReason.MISSING_FOOTER, "last line is not the expected footer (file truncated?)")
                    return state
                final_line = None if state.ended or state.footer_found or not data else first_no + len(data) - 1
                run(data, first_no, text_bad, final_line)
                break
    except MissingColumnsError as exc:
        state.refusal = (RefusalReason.MISSING_COLUMNS, str(exc))
    return state


def finish_stream(parts: list[StreamPart], spec: FormatSpec, settings: SourceParseSettings | None,
                  encoding: Encoding, t0: float) -> StreamOutcome:
    """The verdict over the parts of one file, in file order: totals, the duplicate merge across parts, refusals.

    The sequence numbers of part k's records follow those of the parts before it.
    """
    settings = settings or SourceParseSettings()
    head, end = parts[0], parts[-1]
    lines_total = sum(part.lines_total for part in parts)
    emitted = 0
    for part in parts:  # a part refused while reading ends the file there (as a one-pass parse stops)
        emitted += part.emitted
        if part.refusal is not None:
            reason, detail = part.refusal
            frame = None if reason is RefusalReason.MISSING_HEADER else \
                Frame(0, 0, head.extract_time, None, head.header_found, False)
            handed = emitted if reason is RefusalReason.MISSING_COLUMNS else 0
            return _done(_refused(reason, detail, t0, encoding.label, lines_total, frame=frame), handed, ())
    total = BuildResult()
    merge = parts[0].merge
    for k, part in enumerate(parts):
        b = part.total
        total.rejected += b.rejected
        total.skipped += b.skipped
        total.warnings += b.warnings
        total.data_rows += b.data_rows
        total.blank_lines += b.blank_lines
        total.repaired += b.repaired
        if part.has_data:
            total.last_row_rejected = part.last_bad
        if k:
            merge.extend(part.merge)
    dropped, duplicates = merge.merge()
    total.duplicates = duplicates
    kept = emitted - len(dropped)
    total.records = _Count(kept)  # type: ignore[assignment] - _verdict and counts() only take len()
    frame = Frame(0, 0, head.extract_time, end.footer_count, head.header_found, end.footer_found)
    verdict = _verdict(total, frame, spec, settings, end.ended)
    if verdict is not None:
        return _done(_refused(verdict[0], verdict[1], t0, encoding.label, lines_total, total, frame), emitted, ())
    outcome = ParseOutcome(
        accepted=True, refusal=None, refusal_detail="", records=(), rejected=tuple(total.rejected),
        skipped=tuple(total.skipped), duplicates=tuple(total.duplicates), warnings=tuple(total.warnings),
        counts=total.counts(lines_total), encoding=encoding.label, extract_time=head.extract_time,
        footer_count=end.footer_count, elapsed_s=time.perf_counter() - t0,
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

"""One read of a hot-list file before its parse: the encoding, the SHA-256 and where it can be split in two.

A national list (10 M rows) is ~100 CPU-s of parsing and staging in one process. On a 2-core
console the parse is split at a line boundary over two processes (:mod:`app.services.hotlist_parse_child`):
the first part from the start of the file, the second from the split to the end. The outcome must be
exactly the one-process parse's (same records, counts, issues, line numbers), so a file is split only
where that is certain:

- an encoding in which a LF byte is always a line end and never part of a character (UTF-8,
  Latin-1, CP1252: every encoding the settings allow); the second part decodes as plain UTF-8 (a BOM is only a BOM at the file's start);
- no lone CR (CR-only line ends): line numbers are then the LF bytes before the split;
- not a delimited file with a column-name row (every block of it needs that row);
- the file's first non-blank line (the header) lies before the split and its last non-blank line
  (the footer, the unterminated last line) after it.

The split itself is the first LF at or after the middle of the file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.domain.hotlists.formats import DelimitedSpec, FormatSpec
from app.domain.hotlists.outcome import RefusalReason
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.stream import (
    BLOCK_CHARS,
    BlockEmit,
    Emit,
    Encoding,
    StreamPart,
    parse_stream_part,
    sniff_encoding,
)
from app.services.hotlist_files import iter_list_file

_READ = 8 * 1024 * 1024

#: Files smaller than this are parsed by one process. A second parser costs ~1 CPU-s (its start) and,
#: on a loaded 2-core machine, claim latency during the import (1 M rows, ~60 MB, load 6-8: claims
#: 270-277 ms split against 176-181 one process, no wall-time gain); a national list (10 M rows,
#: ~630 MB, minutes of parsing) gains from it. ~4 M NCIC rows and up are split.
SPLIT_MIN_BYTES = 256 * 1024 * 1024
#: Set to ``0`` to parse NCIC fixed-width lists without the fast path (A/B measurements, tests; spawned
#: parser processes inherit it).
FAST_PATH_ENV = "HOTLIST_FAST_PATH"
#: Codecs in which a LF byte is a line end and nothing else.
_SPLIT_CODECS = frozenset({"utf-8-sig", "utf-8", "latin-1", "cp1252"})
#: What :func:`app.domain.hotlists.text.is_blank` strips, plus the line ends.
_BLANK = b" \t\r\n\x00\x0b\x0c"


@dataclass(frozen=True, slots=True)
class Split:
    """The second part starts at byte ``at`` (just after a LF), on line ``first_line``; the file has ``size`` bytes."""

    at: int
    first_line: int
    size: int


@dataclass(frozen=True, slots=True)
class FileScan:
    """The whole-file facts the parse needs before it starts."""

    encoding: Encoding | RefusalReason
    digest: str
    size: int
    split: Split | None

    def part_bounds(self, part: int) -> tuple[int, int, int, bool, bool]:
        """``(start, stop, first line, first?, last?)`` of part 0 or 1 (the whole file when not split)."""
        s = self.split
        if s is None:
            return 0, self.size, 1, True, True
        return (0, s.at, 1, True, False) if part == 0 else (s.at, s.size, s.first_line, False, True)


def splittable(spec: FormatSpec) -> bool:
    """Tell whether a format's rows can be parsed from any line on (a CSV column-name row cannot)."""
    return not (isinstance(spec, DelimitedSpec) and spec.has_header_row)


def part_encoding(enc: Encoding, first: bool) -> Encoding:
    """The decoding of a part: a part after the first one never strips a BOM."""
    if first or enc.codec != "utf-8-sig":
        return enc
    return Encoding("utf-8", enc.errors, enc.label)


def scan_list_file(path: Path, encoding: str, *, split_at: int | None = None, read_block: int = _READ) -> FileScan:
    """Read ``path`` once (every guard of :func:`iter_list_file`): encoding rules, SHA-256, a safe split.

    ``split_at``: look for a split at the first LF at or after this byte (None: no split).

    Raises:
        ListFileRefused: while reading.

    """
    digest = hashlib.sha256()
    st = _SplitScan(split_at)

    def blocks():  # noqa: ANN202
        for block in iter_list_file(path, block=read_block):
            digest.update(block)
            st.add(block)
            yield block

    enc = sniff_encoding(blocks(), encoding)
    split = None
    if split_at is not None and not isinstance(enc, RefusalReason) and enc.codec in _SPLIT_CODECS:
        split = st.split()
    return FileScan(enc, digest.hexdigest(), st.pos, split)


def fast_path_enabled() -> bool:
    """Tell whether NCIC fixed-width blocks take the fast path (unless :data:`FAST_PATH_ENV` is ``0``)."""
    return os.environ.get(FAST_PATH_ENV, "1") != "0"


def parse_file_part(path: Path, spec: FormatSpec, settings: SourceParseSettings | None, as_of: date | None,  # noqa: PLR0913
                    scan: FileScan, part: int, emit: Emit | None, *, block_chars: int = BLOCK_CHARS,
                    read_block: int = _READ, block_emit: BlockEmit | None = None,
                    fast: bool | None = None) -> StreamPart:
    """Parse part ``part`` (0 or 1) of a scanned file (the whole file when it is not split).

    Reads exactly the bytes the scan saw (a file cut since is unreadable); records go to ``emit``
    (or as columns to ``block_emit``) with sequence numbers from 0 in the part. ``fast``: the NCIC
    fast path (None: :func:`fast_path_enabled`).

    Raises:
        ListFileRefused: while reading.

    """
    if isinstance(scan.encoding, RefusalReason):
        raise ValueError(f"a refused file has no parts ({scan.encoding})")
    start, stop, first_line, first, last = scan.part_bounds(part)
    blocks = iter_list_file(path, block=read_block, start=start, stop=stop)
    return parse_stream_part(blocks, spec, settings, emit, encoding=part_encoding(scan.encoding, first), as_of=as_of,
                             block_chars=block_chars, first_line=first_line, first=first, last=last,
                             block_emit=block_emit, fast=fast_path_enabled() if fast is None else fast)


class _SplitScan:
    """Counts, block by block, what decides the split (lone CRs, LFs before it, first and last non-blank byte)."""

    def __init__(self, split_at: int | None) -> None:
        self.want = split_at
        self.pos = 0
        self.crs = self.crlfs = 0
        self.prev_cr = False
        self.lfs_before = 0
        self.at: int | None = None
        self.first_nb = self.last_nb = -1

    def add(self, block: bytes) -> None:
        n = len(block)
        if self.want is None:  # no split wanted: only the size
            self.pos += n
            return
        if b"\r" in block:  # one memchr pass: most lists have no CR at all (two counts were ~1.1 s of 10 M)
            self.crs += block.count(b"\r")
            self.crlfs += block.count(b"\r\n")
        self.crlfs += self.prev_cr and block[:1] == b"\n"
        self.prev_cr = block[-1:] == b"\r"
        if self.first_nb < 0:
            k = n - len(block.lstrip(_BLANK))
            if k < n:
                self.first_nb = self.pos + k
        r = len(block.rstrip(_BLANK))
        if r:
            self.last_nb = self.pos + r - 1
        if self.at is None:
            j = block.find(b"\n", max(0, self.want - self.pos)) if self.pos + n > self.want else -1
            if j >= 0:
                self.at = self.pos + j + 1
                self.lfs_before += block.count(b"\n", 0, j + 1)
            else:
                self.lfs_before += block.count(b"\n")
        self.pos += n

    def split(self) -> Split | None:
        at = self.at
        if at is None or at >= self.pos or self.crs != self.crlfs:
            return None
        if not (0 <= self.first_nb < at <= self.last_nb):
            return None
        return Split(at, self.lfs_before + 1, self.pos)

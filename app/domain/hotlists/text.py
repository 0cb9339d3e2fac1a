"""Bytes -> lines: encoding detection (UTF-8, BOM, Latin-1), newlines, header and footer lines."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime

from app.domain.hotlists.formats import FooterLine, HeaderLine


class TruncatedTextError(Exception):
    """The bytes end inside a multi-byte UTF-8 character: the file was cut off."""


def decode_bytes(data: bytes, encoding: str) -> tuple[str, str]:
    """Decode a hot-list file; returns ``(text, encoding used)``.

    ``auto`` tries UTF-8 (a BOM is dropped) and falls back to Latin-1, which decodes any byte.
    A UTF-8 file cut inside a multi-byte character raises :class:`TruncatedTextError` instead of
    silently turning into Latin-1 mojibake.
    """
    if encoding != "auto":
        name = "utf-8-sig" if encoding == "utf-8" else encoding
        return data.decode(name, errors="replace"), encoding
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data):
            raise TruncatedTextError(f"file ends inside a UTF-8 character at byte {exc.start}") from exc
        body = data[len(codecs.BOM_UTF8):] if bom else data
        return body.decode("latin-1"), "latin-1"


def split_lines(text: str) -> tuple[list[str], bool]:
    """Split on LF, CRLF or CR; returns ``(lines, ended_with_newline)``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    ended = lines[-1] == ""
    if ended:
        lines.pop()
    return lines, ended


def is_blank(line: str) -> bool:
    """Empty, whitespace or NUL padding only."""
    return not line.strip(" \t\x00\x0b\x0c")


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the data rows are once header and footer lines are recognised (0-based, end exclusive)."""

    start: int
    end: int
    extract_time: datetime | None
    footer_count: int | None
    header_found: bool
    footer_found: bool


def find_frame(lines: list[str], header: HeaderLine | None, footer: FooterLine | None) -> Frame:
    """Locate optional header (first non-blank line) and footer (last non-blank line)."""
    first = next((i for i, line in enumerate(lines) if not is_blank(line)), len(lines))
    last = next((i for i in range(len(lines) - 1, -1, -1) if not is_blank(lines[i])), -1)
    start, end = 0, len(lines)
    when: datetime | None = None
    count: int | None = None
    header_found = footer_found = False
    if header is not None and first < len(lines):
        m = re.match(header.pattern, lines[first])
        if m is not None:
            header_found, start = True, first + 1
            raw = m.groupdict().get("when")
            if raw:
                try:
                    when = datetime.strptime(" ".join(raw.split()), header.time_format)
                except ValueError:
                    when = None
    if footer is not None and last >= start:
        m = re.match(footer.pattern, lines[last])
        if m is not None:
            footer_found, end, count = True, last, int(m.group("count"))
    return Frame(start, end, when, count, header_found, footer_found)

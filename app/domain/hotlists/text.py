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
    Bytes that do not decode are kept as lone surrogates (``surrogateescape``), never replaced or
    dropped: :func:`bad_lines` then reports each line holding one as a bad row. A file that is
    UTF-8 elsewhere (it holds valid multi-byte sequences) is decoded as damaged UTF-8, not Latin-1.
    """
    if encoding != "auto":
        name = "utf-8-sig" if encoding == "utf-8" else encoding
        return data.decode(name, errors="surrogateescape"), encoding
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data):
            raise TruncatedTextError(f"file ends inside a UTF-8 character at byte {exc.start}") from exc
        body = data[len(codecs.BOM_UTF8):] if bom else data
        if bom or _UTF8_MULTIBYTE.search(body):
            return body.decode("utf-8", errors="surrogateescape"), "utf-8 (damaged)"
        return body.decode("latin-1"), "latin-1"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: C0 controls but tab (LF and CR end lines), DEL, C1 controls, the replacement character, undecodable bytes.
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
#: The bytes of an ASCII text that :data:`_BAD_CHAR` never matches (the quick test of a clean block).
_CLEAN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
#: A delimited field that a spreadsheet would run as a formula.
_FORMULA = r'(?:^|(?<=[,;|\t]))[ "]*[=+@]'
_BAD_OR_FORMULA = re.compile(f"{_BAD_CHAR.pattern}|{_FORMULA}", re.M)


def bad_lines(text: str, delimited: bool, first_no: int = 1) -> dict[int, tuple[str, str]]:
    """Line number -> (reason, detail) for lines that must never be stored, even in part.

    ``text`` has LF line ends only (see :func:`normalise_newlines`). Control characters (NUL,
    ESC ...), bytes that are not text in the file's encoding, and (in delimited files) formula
    cells. Lines of only NUL/blank padding are left to the blank rule. A clean file costs one
    regular-expression pass over the text and no per-line work.
    """
    if not delimited and text.isascii() and not text.encode("ascii").translate(None, _CLEAN_ASCII):
        return {}  # printable ASCII, tabs and LFs only: one C pass instead of the regular expression's
    pattern = _BAD_OR_FORMULA if delimited else _BAD_CHAR
    out: dict[int, tuple[str, str]] = {}
    no, counted, pos = first_no, 0, 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return out
        at = m.start()
        no += text.count("\n", counted, at)
        begin = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        counted, pos = end, end + 1
        line = text[begin:end]
        if is_blank(line):
            continue
        bad = _BAD_CHAR.search(line)
        if bad is not None:
            ch, col = bad.group(), bad.start() + 1
            if "\ud800" <= ch <= "\udfff":
                out[no] = ("invalid_encoding", f"byte 0x{ord(ch) - 0xDC00:02X} at column {col} is not text")
            elif ch == "\ufffd":
                out[no] = ("invalid_encoding", f"replacement character U+FFFD at column {col}")
            else:
                out[no] = ("control_characters", f"control character U+{ord(ch):04X} at column {col}")
        else:
            out[no] = ("formula", f"formula cell at column {m.end() - begin}")


def normalise_newlines(text: str) -> str:
    """CRLF and CR -> LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


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

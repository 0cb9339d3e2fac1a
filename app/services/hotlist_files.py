"""Reading a hot-list file safely: regular files only, a size limit and a time limit."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from app.domain.hotlists.outcome import RefusalReason

#: Largest list file read (NCIC holds ~12 million records of ~70 bytes).
MAX_FILE_BYTES = 4 * 1024**3
#: Longest time reading one file may take (a hung network share must not hold the import worker).
READ_TIMEOUT_S = 300.0
_CHUNK = 8 * 1024 * 1024


class ListFileRefused(Exception):
    """The list file cannot be imported at all (not a regular file, too large, too slow, unreadable)."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_list_file(path: Path, max_bytes: int = MAX_FILE_BYTES, timeout_s: float = READ_TIMEOUT_S,
                   monotonic: Callable[[], float] = time.monotonic) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices, folders, huge files and endless reads.

    Raises:
        ListFileRefused: with the reason for the import report.

    """
    return b"".join(iter_list_file(path, max_bytes, timeout_s, monotonic))


def iter_list_file(path: Path, max_bytes: int = MAX_FILE_BYTES, timeout_s: float = READ_TIMEOUT_S,  # noqa: PLR0913
                   monotonic: Callable[[], float] = time.monotonic, block: int = _CHUNK,
                   start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """The bytes of a regular file in blocks of ``block``, with the guards of :func:`read_list_file`.

    ``start`` / ``stop``: only the bytes ``start..stop`` (one part of a split parse); the file must
    still hold ``stop`` bytes (a file cut since it was scanned is unreadable, never half parsed).

    Raises:
        ListFileRefused: (while iterating) with the reason for the import report.

    """
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise ListFileRefused(RefusalReason.NOT_A_FILE, f"{path.name} is {kind}; only regular files are imported")
    if st.st_size > max_bytes:
        raise ListFileRefused(RefusalReason.TOO_LARGE, f"{st.st_size:,} bytes > limit {max_bytes:,}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO swapped in after the stat cannot hang the open
    except OSError as exc:
        raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ListFileRefused(RefusalReason.NOT_A_FILE, f"{path.name} is not a regular file")
        deadline = monotonic() + timeout_s
        total = start
        if start:
            os.lseek(fd, start, os.SEEK_SET)
        while True:
            want = block if stop is None else min(block, stop - total)
            if want <= 0:
                return
            try:
                chunk = os.read(fd, want)
            except OSError as exc:
                raise ListFileRefused(RefusalReason.UNREADABLE, f"cannot read file: {exc.strerror or exc}") from exc
            if not chunk:
                if stop is not None:
                    raise ListFileRefused(RefusalReason.UNREADABLE, "the file changed while it was read")
                return
            total += len(chunk)
            if total > max_bytes:
                raise ListFileRefused(RefusalReason.TOO_LARGE, f"more than {max_bytes:,} bytes")
            if monotonic() > deadline:
                raise ListFileRefused(RefusalReason.TIMED_OUT, f"reading took longer than {timeout_s:.0f} s")
            yield chunk
    finally:
        os.close(fd)

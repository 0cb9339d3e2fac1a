"""Atomic writing of finished documents and their SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


class ReportError(Exception):
    """Base class of report errors."""


class ReportWriteError(ReportError):
    """The document could not be written (read-only folder, full disk, missing folder ...).

    When this is raised nothing is left at the target path, and no temporary file remains.
    """


class ReportInputError(ReportError, ValueError):
    """The inputs do not make a document that may be printed (e.g. an unapproved release)."""


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A written document.

    Attributes:
        path: Where the file now is.
        sha256: Lower-case hex SHA-256 of the file's bytes.
        size_bytes: File size.

    """

    path: Path
    sha256: str
    size_bytes: int


def write_atomically(path: Path | str, data: bytes) -> ReportFile:
    """Write ``data`` to ``path`` so that readers see either nothing or the whole file.

    The bytes go to a temporary file in the same folder, are flushed and fsynced, and the
    temporary file is renamed over ``path`` with ``os.replace``; the folder is fsynced too.

    Args:
        path: Target file. Its folder must exist.
        data: The complete file content.

    Returns:
        The written file with its SHA-256.

    Raises:
        ReportWriteError: The folder is missing, read-only or full, or the rename failed.

    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise ReportWriteError(f"Cannot write {target}: folder {folder} does not exist. Nothing was written.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ReportWriteError(_message(target, exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise ReportWriteError(_message(target, exc)) from exc
    _fsync_folder(folder)
    digest = hashlib.sha256(data).hexdigest()
    logger.info("wrote %s (%d bytes, sha256 %s)", target, len(data), digest)
    return ReportFile(path=target, sha256=digest, size_bytes=len(data))


def _message(target: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"Cannot write {target}: {reason}. Nothing was written; choose another folder or free space."


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every OS (Windows), so best effort.
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)

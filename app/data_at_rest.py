"""Data at rest on a workstation: owner-only permissions and one running console per data folder.

The database, its WAL, images, spool journals and exported documents hold criminal-justice
information. On POSIX the folder tree is 0700 and files 0600 (the process umask is 077, so files
created later are private too); a start-up check tightens anything looser and says so. Encryption
of the disk itself is the agency's part (README: CJIS 5.10.1.2).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
LOCK_NAME = "console.lock"


def private_umask() -> None:
    """Make every file and folder this process creates from now on readable by the owner only."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def _too_open(path: Path) -> int | None:
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        return None
    return mode if mode & 0o077 else None


def check_private(data: Path, config: Path | None = None, fix: bool = True) -> list[str]:
    """Warnings for folders and files of the data tree that others can read; tightened when ``fix``.

    Every folder is checked; files are checked in the data folder itself (database, WAL, lock) and
    one level down (spool journals, documents, image packs), which is where the app writes them.
    """
    if os.name != "posix":  # NTFS: the profile folder's ACL already limits access to the user
        return []
    found: list[tuple[Path, int]] = []
    roots = [p for p in (data, config) if p is not None and p.exists()]
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            if (mode := _too_open(here)) is not None:
                found.append((here, mode))
            depth = len(here.relative_to(root).parts)
            if depth <= 2:
                found += [(here / f, m) for f in filenames if (m := _too_open(here / f)) is not None]
            if depth >= 3:
                dirnames[:] = []
    warnings = []
    for path, mode in found:
        if path.is_symlink():
            continue
        want = 0o700 if path.is_dir() else 0o600
        if fix:
            try:
                path.chmod(want)
            except OSError as exc:
                warnings.append(f"{path} is readable by other users ({mode:o}) and could not be tightened: {exc}")
                continue
        warnings.append(f"{path} was readable by other users ({mode:o}); " +
                        (f"tightened to {want:o}." if fix else f"it should be {want:o}."))
    if warnings:
        logger.warning("data folder permissions: %s", "; ".join(warnings[:5]))
    return warnings


class AlreadyRunning(Exception):
    """Another console holds this data folder."""


class InstanceLock:
    """An exclusive lock on ``<data>/console.lock`` held for the life of the process (released on exit)."""

    def __init__(self, data: Path) -> None:
        self.path = data / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise AlreadyRunning naming the holder's process id."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError as exc:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() if hasattr(os, "pread") else "?"
            os.close(fd)
            raise AlreadyRunning(f"Another console is already running on the data folder {self.path.parent} "
                                 f"(process {holder or '?'}). Close it first.") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the data folder up (also happens when the process ends)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


def _lock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

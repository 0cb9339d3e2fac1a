"""Shared helpers of the records services: document paths, atomic ZIPs, settings and report headers.

Images are read through :class:`app.services.image_store.ReadImages` (hash-checked).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.agency import AgencyProfile
from app.domain.errors import DomainError
from app.persistence.repositories.agency import AgencyRepository, SharedSettingsRepository
from app.persistence.repositories.records import DocumentRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.reports import inputs


class ExportWriteError(DomainError):
    """An export could not be written; nothing was left at the target."""


def protected_target_problem(uow: UnitOfWork, target: Path) -> str | None:
    """Why an export may not be written at ``target``: it is the database (or its journal) or a filed document.

    Exports go where the member chooses (a case folder, removable media); written over the
    database or a document on file they would destroy the access record or a filed report.
    """
    target = Path(target)
    resolved = target.resolve()
    bind = uow.s.get_bind()
    if bind.dialect.name == "sqlite" and bind.url.database not in (None, "", ":memory:"):
        db = Path(bind.url.database).resolve()
        if resolved in {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}:
            return "An export cannot be written over the database (it holds the access record): choose another file."
    if DocumentRepository(uow.s).is_filed([str(target), str(resolved)]):
        return "An export cannot be written over a document on file: choose another file name."
    return None


def setting(uow: UnitOfWork, key: str, default: object) -> object:
    """One shared (agency-wide) setting."""
    return SharedSettingsRepository(uow.s).get(key, default)


def report_profile(profile: AgencyProfile) -> inputs.AgencyProfile:
    """The agency header of every document (reports need a non-empty name)."""
    lines = tuple(x.strip() for x in profile.address.splitlines() if x.strip())
    return inputs.AgencyProfile(name=profile.name or "Agency not configured", ori=profile.ori, address_lines=lines,
                                chief_of_police=profile.chief_of_police,
                                alpr_administrator=profile.alpr_administrator, policy_number=profile.policy_number)


def load_profile(uow: UnitOfWork) -> inputs.AgencyProfile:
    """The agency profile as the report header."""
    return report_profile(AgencyRepository(uow.s).get())


def document_path(documents_root: Path, kind: str, stem: str, suffix: str, now: datetime) -> Path:
    """documents/<kind>/<YYYY>/<stem>-<timestamp><suffix>; the folder is created."""
    folder = documents_root / kind / f"{now:%Y}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{now:%Y%m%dT%H%M%S}{suffix}"


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A finished export file."""

    path: Path
    sha256: str
    size_bytes: int


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def write_zip_atomically(target: Path, fill: Callable[[zipfile.ZipFile], None]) -> WrittenFile:
    """Build a ZIP in a temp file next to ``target`` and rename it into place.

    Raises:
        ExportWriteError: missing, read-only or full folder; nothing is left behind.

    """
    folder = target.parent
    if not folder.is_dir():
        raise ExportWriteError(f"Cannot write {target}: the folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportWriteError(_why(target, exc)) from exc
    try:
        with os.fdopen(fd, "w+b") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                fill(zf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportWriteError(_why(target, exc)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    h = hashlib.sha256()
    with open(target, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return WrittenFile(target, h.hexdigest(), target.stat().st_size)


def _why(target: Path, exc: OSError) -> str:
    return (f"Cannot write {target}: {exc.strerror or exc}. Nothing was written; choose another folder "
            "or free space.")

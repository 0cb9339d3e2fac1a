"""Where a read's image bytes live, and the errors of reading them back.

A read row carries, for its plate crop and its overview, the SHA-256 of the bytes and an
:class:`ImageRef` location: a pack file and offset (SQLite workstation), a database row
(PostgreSQL center), a kept copy (evidence), or, for rows older than the image store, a
file named by the hash (``images/<sha[:2]>/<sha>.jpg``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import DomainError

#: ``image_pack`` of a row whose images were copied to the kept area (evidence, open hit, release).
KEPT_PACK = "kept"


class ImageKind(StrEnum):
    PLATE = "plate"
    OVERVIEW = "overview"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """One stored image: its hash and where its bytes are.

    ``pack`` None means a legacy content-addressed file; ``KEPT_PACK`` a kept copy whose id is
    ``offset``; otherwise the backend's own unit (pack file name, or day of the image table).
    """

    sha256: str
    pack: str | None = None
    offset: int = 0
    length: int = 0

    @property
    def legacy(self) -> bool:
        return self.pack is None

    @property
    def kept(self) -> bool:
        return self.pack == KEPT_PACK


class ImageMissing(DomainError):
    """The image's bytes are gone (purged, or a pack file removed outside the app)."""


class ImageIntegrityError(DomainError):
    """The stored bytes do not hash to the SHA-256 recorded with the read: they are not evidence."""

    def __init__(self, ref: ImageRef, found: str) -> None:
        super().__init__(f"Image {ref.sha256[:12]} fails its integrity check (stored bytes hash to {found[:12]}); "
                         "it was not used.")
        self.ref = ref

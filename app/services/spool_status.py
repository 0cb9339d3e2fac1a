"""What the spool banner shows: reads waiting for the database, the journal's state, reads lost."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SpoolStatus"]


@dataclass(frozen=True, slots=True)
class SpoolStatus:
    """For the banner: how many reads wait for the database, what the journal can do, what was lost."""

    pending: int
    database_available: bool
    last_error: str = ""
    set_aside: int = 0
    buffered: int = 0
    dropped: int = 0
    journal_error: str = ""
    free_mb: int | None = None
    low_space: bool = False

    @property
    def alarm(self) -> bool:
        """Reads are at risk (journal unwritable) or were lost: banner, chime and access record."""
        return bool(self.journal_error) or self.dropped > 0

    @property
    def text(self) -> str:
        """Banner text; empty when all is well."""
        parts: list[str] = []
        if self.journal_error:
            parts.append(f"READS NOT SAVED TO DISK ({self.journal_error}): {self.buffered} read"
                         f"{'s' if self.buffered != 1 else ''} held in memory until the disk is back")
        if self.dropped:
            parts.append(f"{self.dropped} read{'s' if self.dropped != 1 else ''} LOST (memory buffer full)")
        if self.low_space and not self.journal_error:
            parts.append(f"Low disk space for reads: {self.free_mb} MB free")
        if not self.database_available:
            parts.append(f"Database unreachable: spooling {self.pending} read{'s' if self.pending != 1 else ''} to disk")
        elif self.pending:
            parts.append(f"Replaying {self.pending} spooled read{'s' if self.pending != 1 else ''}")
        return "; ".join(parts)

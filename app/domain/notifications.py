"""What one console tells the others about a hit (carried by PostgreSQL NOTIFY; see app.persistence.notifications)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from typing import Any

from app.domain.changes import Changes

logger = logging.getLogger(__name__)

CHANNEL = "alpr_hits"
KINDS = ("hit", "sighting", "claim", "release", "step")  # sighting: an open hit was seen again
#: reads stored anywhere in the center (one notification per ingest batch, chunked under 8000 bytes)
READS_CHANNEL = "alpr_reads"
#: Changes made in one process that the others must act on (hot lists: rebuild the matcher; cameras)
CHANGES_CHANNEL = "alpr_changes"


@dataclass(frozen=True, slots=True)
class HitNotification:
    """A change to a hit made somewhere (``kind``: hit, claim, release or step)."""

    hit_id: int
    kind: str
    workstation: str = ""
    user: str = ""
    priority: int | None = None

    def to_json(self) -> str:
        """Compact JSON payload (well under PostgreSQL's 8000-byte limit)."""
        return json.dumps({"hit_id": self.hit_id, "kind": self.kind, "ws": self.workstation, "user": self.user,
                           "priority": self.priority}, separators=(",", ":"))

    @classmethod
    def parse(cls, payload: str) -> HitNotification | None:
        """Parse a payload; None (logged) for anything malformed."""
        try:
            data: dict[str, Any] = json.loads(payload)
            return cls(int(data["hit_id"]), str(data["kind"]), str(data.get("ws") or ""), str(data.get("user") or ""),
                       None if data.get("priority") is None else int(data["priority"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("ignoring a malformed hit notification")
            return None


@dataclass(frozen=True, slots=True)
class ReadsStored:
    """Reads one process just committed: ``(read id, camera key, time stored as epoch seconds)`` each.

    Plates are not in the payload: a console that wants one reads it through the services (recorded).
    """

    workstation: str
    reads: tuple[tuple[int, str, float], ...]

    def to_json_chunks(self, limit: int = 7000) -> list[str]:
        """Payloads under PostgreSQL's 8000-byte NOTIFY limit, together carrying every read."""
        out: list[str] = []
        batch: list[list] = []
        size = 0
        for rid, cam, ts in self.reads:
            item = [rid, cam[:64], round(ts, 3)]
            n = len(json.dumps(item)) + 1
            if batch and size + n > limit:
                out.append(json.dumps({"ws": self.workstation, "r": batch}, separators=(",", ":")))
                batch, size = [], 0
            batch.append(item)
            size += n
        if batch:
            out.append(json.dumps({"ws": self.workstation, "r": batch}, separators=(",", ":")))
        return out

    @classmethod
    def parse(cls, payload: str) -> ReadsStored | None:
        """Parse one payload; None (logged) for anything malformed."""
        try:
            data: dict[str, Any] = json.loads(payload)
            return cls(str(data.get("ws") or ""), tuple((int(r[0]), str(r[1]), float(r[2])) for r in data["r"]))
        except (ValueError, KeyError, TypeError, IndexError):
            logger.warning("ignoring a malformed reads notification")
            return None


def changes_payload(changes: Changes, workstation: str) -> str:
    """The CHANGES_CHANNEL payload of ``changes`` made on ``workstation``."""
    flags = [f.name for f in fields(changes) if getattr(changes, f.name)]
    return json.dumps({"ws": workstation, "c": flags}, separators=(",", ":"))


def parse_changes(payload: str) -> tuple[str, Changes] | None:
    """(workstation, Changes) of a CHANGES_CHANNEL payload; None (logged) for anything malformed."""
    try:
        data: dict[str, Any] = json.loads(payload)
        names = {f.name for f in fields(Changes)}
        return str(data.get("ws") or ""), Changes(**{k: True for k in data["c"] if k in names})
    except (ValueError, KeyError, TypeError):
        logger.warning("ignoring a malformed changes notification")
        return None

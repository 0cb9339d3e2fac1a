"""What one console tells the others about a hit (carried by PostgreSQL NOTIFY; see app.persistence.notifications)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

CHANNEL = "alpr_hits"
KINDS = ("hit", "claim", "release", "step")


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

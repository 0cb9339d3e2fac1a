"""A communications center: recognition nodes, the cameras they lease, and what consoles show of them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

#: a node silent this long loses its cameras (seconds; settings.node.lease_timeout_s)
DEFAULT_LEASE_TIMEOUT_S = 15.0
#: a camera's ``owner_workstation`` meaning "whichever recognition node has capacity" (the center's pool)
NODE_POOL = "@nodes"


def fair_share(cameras: int, live_nodes: int, capacity: int) -> int:
    """How many cameras one node should hold: an even split over the live nodes, within its capacity.

    >>> fair_share(8, 2, 8), fair_share(8, 1, 8), fair_share(8, 1, 5), fair_share(0, 3, 8)
    (4, 8, 5, 0)
    """
    if cameras <= 0 or capacity <= 0:
        return 0
    return min(capacity, math.ceil(cameras / max(1, live_nodes)))


@dataclass(frozen=True, slots=True)
class NodeReport:
    """What a node says with each heartbeat."""

    name: str
    host: str
    pid: int
    capacity: int
    fps: float = 0.0
    reads: int = 0
    cameras: tuple[CameraReport, ...] = ()


@dataclass(frozen=True, slots=True)
class CameraReport:
    """One leased camera's health as its node sees it."""

    key: str
    state: str
    fps: float = 0.0


@dataclass(frozen=True, slots=True)
class CameraAssignment:
    """A camera and the node that runs it (``node`` empty: no node has it)."""

    key: str
    name: str
    node: str = ""
    state: str = "unassigned"
    fps: float = 0.0
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NodeHealth:
    """One node as the consoles show it."""

    name: str
    host: str
    alive: bool
    state: str
    capacity: int
    cameras: tuple[str, ...]
    fps: float
    reads: int
    last_heartbeat: datetime
    heartbeat_age_s: float


@dataclass(frozen=True, slots=True)
class CenterHealth:
    """Every node and every camera of the center, read at ``at`` (database clock)."""

    at: datetime
    nodes: tuple[NodeHealth, ...]
    cameras: tuple[CameraAssignment, ...]

    @property
    def unassigned(self) -> tuple[CameraAssignment, ...]:
        return tuple(c for c in self.cameras if not c.node)

"""The communications center: recognition nodes lease cameras with heartbeats; consoles read their health.

A node calls :meth:`CenterService.heartbeat` every few seconds. In one transaction that renews its
row, drops the leases of nodes silent longer than the lease timeout (failover), gives up cameras
beyond its fair share and takes free ones up to it (capacity permitting). It runs exactly the cameras
it holds afterwards. A node stopping cleanly calls :meth:`leave` so the others take over at once.
"""

from __future__ import annotations

import logging

from app.domain.center import DEFAULT_LEASE_TIMEOUT_S, CenterHealth, NodeReport
from app.domain.changes import Changes
from app.domain.roles import Permission as P
from app.domain.users import Actor
from app.persistence.notifications import notify_changes
from app.persistence.repositories.center import CenterRepository, db_now
from app.services import audit_trail
from app.services.cameras import CameraService
from app.services.context import ServiceContext
from recognition.config import CameraConfig

logger = logging.getLogger(__name__)


class CenterService:
    """Leases and health of the center's recognition nodes.

    Args:
        ctx: service context (the center's PostgreSQL).
        cameras: camera administration (recognition configs and keyring logins).
        lease_timeout_s: a node silent this long loses its cameras.

    """

    def __init__(self, ctx: ServiceContext, cameras: CameraService,
                 lease_timeout_s: float = DEFAULT_LEASE_TIMEOUT_S) -> None:
        self.ctx = ctx
        self.cameras = cameras
        self.lease_timeout_s = lease_timeout_s

    def heartbeat(self, report: NodeReport) -> tuple[CameraConfig, ...]:
        """Renew the node, fail over silent nodes' cameras, balance; returns the cameras to run now."""
        with self.ctx.uow() as uow:
            repo = CenterRepository(uow.s)
            now = db_now(uow.s)
            repo.beat(report, now)
            released = repo.release_silent(now, self.lease_timeout_s)
            mine = repo.balance(report, now, self.lease_timeout_s)
        if released:
            logger.warning("%d camera lease(s) of silent nodes released", released)
        return self.cameras.leased_cameras(mine)

    def leave(self, name: str) -> None:
        """Give every camera of node ``name`` back (clean stop)."""
        with self.ctx.uow() as uow:
            repo = CenterRepository(uow.s)
            repo.leave(name, db_now(uow.s))

    def announce(self, changes: Changes) -> None:
        """Tell the other processes of the center (nodes rebuild their matcher on a hot-list change)."""
        with self.ctx.uow() as uow:
            notify_changes(uow.s, changes, self.ctx.workstation)

    def health(self, actor: Actor) -> CenterHealth:
        """Every node (alive or not, cameras, fps, last heartbeat) and every node camera's assignment.

        For console users and camera administrators (and the runtime's system actor, which reads it for
        every console). It holds no plate data, so a read is not recorded; a refusal is.

        Raises:
            PermissionDenied: ``actor`` may neither view the console nor manage cameras.
            SessionRevoked: ``actor``'s session ended.

        """
        audit_trail.require_any(self.ctx, actor, (P.VIEW_CONSOLE, P.MANAGE_CAMERAS), "center.health")
        with self.ctx.uow() as uow:
            repo = CenterRepository(uow.s)
            return repo.health(db_now(uow.s), self.lease_timeout_s)

"""What a screen needs: services, the DB executor, the signed-in actor, the signal hub, the alerts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.domain.cameras import CameraInfo
from app.domain.errors import SessionRevoked
from app.domain.users import Actor, User
from app.paths import AppPaths
from app.runtime.alerts import HitAlertsBridge
from app.services.bundle import ServiceBundle
from app.settings.model import AppSettings
from app.workers.db_executor import DbExecutor
from app.workers.signals import AppSignals

T = TypeVar("T")


@dataclass(slots=True)
class UiContext:
    services: ServiceBundle
    executor: DbExecutor
    signals: AppSignals
    settings: AppSettings
    paths: AppPaths
    user: User
    actor: Actor
    agency_name: str = ""
    alerts: HitAlertsBridge | None = None  # the signed-in dispatcher's audible alerts (from the runtime)
    cameras: tuple[CameraInfo, ...] = ()  # the cameras this console runs (tiles); more arrive on the hub
    #: called with the reason when a service refuses the signed-in user's session (the console locks)
    on_session_revoked: Callable[[str], None] | None = None

    def close(self) -> None:
        """Sign-out: the session's screens stop hearing the hub (see app.ui.session_hub)."""
        from app.ui.session_hub import SessionSignals

        if isinstance(self.signals, SessionSignals):
            self.signals.close()

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service call on the DB executor and await it; a revoked session locks the console."""
        return await self._revocable(self.executor.run(fn, *args, **kwargs))

    async def call_bulk(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a long job (import, purge, export) on the bulk worker: dispatcher actions never wait on it."""
        return await self._revocable(self.executor.run_bulk(fn, *args, **kwargs))

    async def _revocable(self, work: Awaitable[T]) -> T:
        try:
            return await work
        except SessionRevoked as exc:
            if self.on_session_revoked is not None:
                self.on_session_revoked(str(exc))
            raise

"""Scheduled housekeeping: hot-list expiry, storage partitions, old image files, the retention purge and imports.

Plain Python, run on the DB executor by the app runtime every few minutes. Each step runs on its
own: one failing step is reported (``HousekeepingResult.problems``, shown on the banner) and never
stops the others. The result carries the ``Changes`` the run caused, which the runtime broadcasts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import tzinfo

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.hotlist_admin import HotListSource
from app.domain.hotlist_schedule import import_due
from app.domain.users import Actor
from app.services.bundle import ServiceBundle

logger = logging.getLogger(__name__)

JobLock = Callable[[str], AbstractContextManager[bool]]


@dataclass(frozen=True, slots=True)
class HousekeepingResult:
    """What one run changed and what went wrong (each problem a sentence for the banner)."""

    changes: Changes = Changes()
    problems: tuple[str, ...] = ()
    imported: tuple[str, ...] = ()
    skipped: bool = False  # another process of the center held the housekeeping lock


@dataclass
class Housekeeping:
    """One housekeeping run over the services (expire, purge if due, imports due).

    Args:
        services: the process's services.
        actor: who the access record names (the system scheduler of this workstation).
        lock: cluster-wide job lock (PostgreSQL advisory lock; absent: always run).
        tz: local time zone of the import times (default: the machine's).

    """

    services: ServiceBundle
    actor: Actor
    lock: JobLock | None = None
    tz: tzinfo | None = None
    _problems: list[str] = field(default_factory=list, init=False)

    def run(self) -> HousekeepingResult:
        """Run every step; never raises for a failing step."""
        with (self.lock("housekeeping") if self.lock else nullcontext(True)) as mine:
            if not mine:
                return HousekeepingResult(skipped=True)
            self._problems = []
            changes = Changes()
            if self._step("Hot-list expiry", lambda: self.services.hotlists.expire(self.actor)):
                changes |= Changes(hotlists=True)
            records = self.services.records
            self._step("Storage partitions", records.purge.prepare_storage)
            if records.image_files.needed():  # this workstation's image files from before the image store
                self._step("Moving old image files into the image store", records.image_files.run)
            purged = self._step("Retention purge", lambda: records.purge.purge_if_due(self.actor))
            if purged:
                changes |= Changes(records=True, hits=True)
            imported: list[str] = []
            sources = self._step("Hot-list schedule", lambda: self.services.hotlists.sources(self.actor)) or []
            for src in sources:
                if self._due(src) and self._import(src):
                    imported.append(src.name)
                    changes |= Changes(hotlists=True)
            return HousekeepingResult(changes, tuple(self._problems), tuple(imported))

    def _due(self, src: HotListSource) -> bool:
        try:
            return import_due(src, self.services.ctx.clock.now(), self.tz)
        except ValueError as exc:
            self._problems.append(f"Hot list {src.name}: daily import time is not valid ({exc}).")
            return False

    def _import(self, src: HotListSource) -> bool:
        logger.info("scheduled import of %s", src.name)
        summary = self._step(f"Scheduled import of {src.name}",
                             lambda: self.services.hotlists.import_source(self.actor, src.id))
        if summary is not None and not summary.accepted:
            self._problems.append(f"Scheduled import of {src.name} was refused ({summary.refusal}): "
                                  "the previous list stays active.")
            return False
        return summary is not None

    def _step(self, what: str, call: Callable[[], object]) -> object:
        try:
            return call()
        except DomainError as exc:  # e.g. the purge's clock guard: an administrator must look
            logger.error("%s did not run: %s", what, exc)
            self._problems.append(f"{what} did not run: {exc}")
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the other steps still run
            logger.exception("%s failed", what)
            self._problems.append(f"{what} failed: {exc}")
        return None

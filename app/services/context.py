"""What every service needs: units of work, a clock, the workstation name and the security rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.access import ChainSealer
from app.domain.clock import Clock, SystemClock
from app.persistence.unit_of_work import UnitOfWorkFactory
from app.services.change_feed import ChangeFeed
from app.services.checkpoint_key import CheckpointKeyring


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    """Account rules (policies 002 IV.A-C, 003 462.6); values come from the settings."""

    max_failed_attempts: int = 5
    lockout_minutes: int = 15
    min_password_length: int = 12
    idle_lock_minutes: int = 30


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Units of work, clock, workstation, security rules and the change feed shared by the services."""

    uow: UnitOfWorkFactory
    workstation: str
    clock: Clock = field(default_factory=SystemClock)
    security: SecurityPolicy = field(default_factory=SecurityPolicy)
    changes: ChangeFeed = field(default_factory=ChangeFeed)
    checkpoint_key: CheckpointKeyring | None = None

    def sealer(self) -> ChainSealer | None:
        """Signs the access record's checkpoints; None without a secure keyring."""
        return self.checkpoint_key.sealer() if self.checkpoint_key is not None else None

"""Users, their training records and the rules about who may log in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.roles import Permission, Role, permissions_for


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    course: str
    completed_on: date
    expires_on: date
    id: int | None = None
    notes: str | None = None


class TrainingStatus(StrEnum):
    CURRENT = "current"
    MISSING = "missing"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    full_name: str
    roles: frozenset[Role]
    active: bool = True
    badge_number: str | None = None
    failed_attempts: int = 0
    locked_until: datetime | None = None
    must_change_password: bool = False
    policy_ack_version: str | None = None
    training: tuple[TrainingRecord, ...] = field(default=())
    last_login_at: datetime | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_for(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def training_status(self, today: date) -> TrainingStatus:
        if not self.training:
            return TrainingStatus.MISSING
        latest = max(self.training, key=lambda t: t.expires_on)
        return TrainingStatus.CURRENT if latest.expires_on >= today else TrainingStatus.EXPIRED

    def training_expires_on(self) -> date | None:
        return max((t.expires_on for t in self.training), default=None)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and from where: attached to every service call and access-record row."""

    user_id: int | None
    username: str
    workstation: str
    roles: frozenset[Role] = frozenset()

    def can(self, permission: Permission) -> bool:
        return permission in permissions_for(self.roles)

    @classmethod
    def of(cls, user: User, workstation: str) -> Actor:
        return cls(user.id, user.username, workstation, user.roles)

    @classmethod
    def system(cls, workstation: str, name: str = "system") -> Actor:
        return cls(None, name, workstation, frozenset(Role))


def password_problems(username: str, password: str, min_length: int = 12) -> list[str]:
    """Rules of policy 002 IV.B / 003 462.6: personal, non-trivial passwords."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Password must be at least {min_length} characters long.")
    if password.strip().lower() == username.strip().lower() or (
        username and username.lower() in password.lower()
    ):
        problems.append("Password must not contain the username.")
    if len(set(password)) < 4:
        problems.append("Password must not be a repetition of a few characters.")
    return problems

"""Users, their training records and the rules about who may log in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.display_dates import date_text
from app.domain.roles import Permission, Role, permissions_for


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    course: str
    completed_on: date
    expires_on: date
    id: int | None = None
    notes: str | None = None


def signature(full_name: str, title: str | None) -> str:
    """'Sam Lee, Patrol Sergeant': a person as printed on documents."""
    name = (full_name or "").strip()
    title = (title or "").strip()
    return f"{name}, {title}" if name and title else name or title


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
    lockout_count: int = 0
    must_change_password: bool = False
    policy_ack_version: str | None = None
    training: tuple[TrainingRecord, ...] = field(default=())
    last_login_at: datetime | None = None
    title: str | None = None

    @property
    def signature(self) -> str:
        """How documents name the person: 'Sam Lee, Patrol Sergeant' (the full name alone without a title)."""
        return signature(self.full_name or self.username, self.title)

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


def training_problem(record: TrainingRecord, today: date) -> str | None:
    """Why ``record`` cannot be recorded as completed training now (None when it can).

    A completion more than a day ahead (local date against UTC) would open ALPR data before the
    training took place; an expiry on or before the completion is a typing error.
    """
    if record.expires_on <= record.completed_on:
        return "The training expiry must be after its completion date."
    if record.completed_on > today + timedelta(days=1):
        return ("The training completion date is in the future: record a training once it is completed "
                "(no access to ALPR data before).")
    return None


def session_refusal(user: User, today: date, policy_version: str | None) -> tuple[str, str] | None:
    """Why ``user`` may not act now (code, message), or None. Decided from the stored account at each call."""
    if not user.active:
        return "disabled", "Your account has been disabled. Contact the ALPR administrator."
    status = user.training_status(today)
    if status is not TrainingStatus.CURRENT:
        exp = user.training_expires_on()
        text = ("No ALPR training is on record for you" if status is TrainingStatus.MISSING
                else f"Your ALPR training expired on {date_text(exp)}")
        return f"training_{status.value}", f"{text}. Contact the ALPR administrator."
    if user.must_change_password:
        return "must_change_password", "You must change your password before using the console."
    if policy_version is not None and user.policy_ack_version != policy_version:
        return "policy_not_acknowledged", "Read and accept the agency's ALPR policy before using the console."
    return None


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


USERNAME_RULE = "3 to 32 characters: lower-case letters a-z, digits, dot, dash or underscore, starting with a letter or digit"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,31}")


def fold_username(raw: str) -> str:
    """NFKC, case-folded, trimmed: the form a username is stored and looked up in."""
    return unicodedata.normalize("NFKC", raw).casefold().strip()


def username_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a username (look-alikes such as Cyrillic letters or zero-width marks), or None."""
    if not _USERNAME.fullmatch(fold_username(raw)):
        return f"The username must be {USERNAME_RULE}."
    return None

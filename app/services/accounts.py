"""Logging in and out, the training gate, lockout, idle lock and password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.domain.errors import Conflict, LoginRefused, ValidationFailed
from app.domain.roles import Role
from app.domain.users import Actor, TrainingRecord, TrainingStatus, User, password_problems
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.passwords import PasswordHashing


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A successful login: the user, the actor for later calls, and what must happen next."""

    user: User
    actor: Actor
    needs_policy_ack: bool
    policy_version: str
    policy_text: str
    must_change_password: bool


class AccountService:
    """Authentication use cases. Every outcome lands in the access record."""

    def __init__(self, ctx: ServiceContext, hashing: PasswordHashing) -> None:
        self.ctx = ctx
        self.hashing = hashing

    # ---- first run -------------------------------------------------------------------------
    def needs_first_admin(self) -> bool:
        """True while no account exists (first run)."""
        with self.ctx.uow() as uow:
            return UserRepository(uow.s).count() == 0

    def create_first_admin(
        self, username: str, full_name: str, password: str, training: TrainingRecord, badge: str | None = None
    ) -> User:
        """Create the first supervisor/ALPR administrator; refused once any account exists."""
        self._check_password(username, password)
        if not username.strip() or not full_name.strip():
            raise ValidationFailed("Username and full name are required.")
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            if users.count() > 0:
                raise Conflict("An administrator already exists; ask them to create your account.")
            user = users.add(username, full_name, self.hashing.hash(password), frozenset({Role.SUPERVISOR}), badge, now)
            users.add_training(user.id, training, None, now)
            actor = Actor.of(user, self.ctx.workstation)
            audit_trail.record(uow, self.ctx, actor, "admin.first_admin_created", object_type="user", object_id=user.id)
            return users.get(user.id)

    # ---- login / logout ----------------------------------------------------------------------
    def login(self, username: str, password: str) -> LoginResult:
        """Check credentials, lockout, disabled state and the training gate.

        Raises:
            LoginRefused: with the reason; the refusal is recorded.

        """
        sec = self.ctx.security
        now = self.ctx.clock.now()
        anon = Actor(None, username.strip()[:64] or "(blank)", self.ctx.workstation)
        outcome = "refused"
        # Never raise inside the unit of work: the failure count and the record must commit.
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            user = users.by_username(username)
            if user is None:
                self.hashing.burn(password)
                refusal = LoginRefused("unknown_user", "Unknown username or wrong password.")
            elif not user.active:
                refusal = LoginRefused("disabled", "This account is disabled. Contact the ALPR administrator.")
            elif user.is_locked(now):
                until = user.locked_until.astimezone().strftime("%H:%M") if user.locked_until else ""
                refusal = LoginRefused(
                    "locked", f"This account is locked after too many failed attempts (until {until}). "
                    "Wait, or ask an administrator to unlock it."
                )
            elif not self.hashing.verify(users.password_hash(user.id), password):
                attempts = user.failed_attempts + 1
                lock_until = now + timedelta(minutes=sec.lockout_minutes) if attempts >= sec.max_failed_attempts else None
                users.record_failure(user.id, lock_until)
                left = sec.max_failed_attempts - attempts
                msg = "Unknown username or wrong password."
                if lock_until is not None:
                    msg += f" The account is now locked for {sec.lockout_minutes} minutes."
                elif left <= 2:
                    msg += f" {left} attempt(s) left before the account is locked."
                refusal = LoginRefused("bad_password" if lock_until is None else "locked_now", msg)
                outcome = "failed"
            else:
                status = user.training_status(now.date())
                if status is not TrainingStatus.CURRENT:
                    exp = user.training_expires_on()
                    text = ("No ALPR training is on record for you" if status is TrainingStatus.MISSING
                            else f"Your ALPR training expired on {exp:%Y-%m-%d}")
                    refusal = LoginRefused(
                        f"training_{status.value}",
                        f"{text}. Department-approved training is required before any access to ALPR data "
                        "(policy). Contact the ALPR administrator.",
                    )
                else:
                    users.record_success(user.id, now)
                    actor = Actor.of(user, self.ctx.workstation)
                    audit_trail.record(uow, self.ctx, actor, "login")
                    profile = AgencyRepository(uow.s).get()
                    return LoginResult(
                        user=users.get(user.id), actor=actor,
                        needs_policy_ack=user.policy_ack_version != profile.policy_version,
                        policy_version=profile.policy_version, policy_text=profile.policy_text,
                        must_change_password=user.must_change_password,
                    )
            actor = anon if user is None else Actor(user.id, user.username, self.ctx.workstation, user.roles)
            audit_trail.record(uow, self.ctx, actor, "login", outcome=outcome, detail={"reason": refusal.reason})
        raise refusal

    def acknowledge_policy(self, actor: Actor, version: str) -> None:
        """Record that ``actor`` read and accepted the agency's ALPR policy ``version``."""
        with self.ctx.uow() as uow:
            UserRepository(uow.s).acknowledge_policy(actor.user_id, version, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "policy.acknowledged", detail={"version": version})

    def logout(self, actor: Actor, reason: str = "user") -> None:
        """Record a logout (``reason``: user, idle, shutdown)."""
        audit_trail.record_alone(self.ctx, actor, "logout", detail={"reason": reason})

    def lock_screen(self, actor: Actor, reason: str = "idle") -> None:
        """Record that the console was locked."""
        audit_trail.record_alone(self.ctx, actor, "lock", detail={"reason": reason})

    def unlock_screen(self, actor: Actor, password: str) -> User:
        """Re-check the password of the locked session's own user; failures count toward lockout."""
        result = self.login(actor.username, password)
        if result.user.id != actor.user_id:  # pragma: no cover - username is the actor's own
            raise LoginRefused("wrong_user", "Only the user who locked the console can unlock it.")
        return result.user

    def change_password(self, actor: Actor, old: str, new: str) -> None:
        """Change the actor's own password after checking the old one."""
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            if not self.hashing.verify(users.password_hash(actor.user_id), old):
                raise ValidationFailed("The current password is wrong.")
            self._check_password(actor.username, new)
            if self.hashing.verify(users.password_hash(actor.user_id), new):
                raise ValidationFailed("The new password must differ from the current one.")
            users.set_password(actor.user_id, self.hashing.hash(new), self.ctx.clock.now(), must_change=False)
            audit_trail.record(uow, self.ctx, actor, "password.changed", object_type="user", object_id=actor.user_id)

    def _check_password(self, username: str, password: str) -> None:
        problems = password_problems(username, password, self.ctx.security.min_password_length)
        if problems:
            raise ValidationFailed(problems)

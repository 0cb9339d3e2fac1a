"""Logging in and out, the training gate, lockout, idle lock and password changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.display_dates import date_text
from app.domain.errors import Conflict, LoginRefused, ValidationFailed
from app.domain.roles import Role
from app.domain.users import Actor, TrainingRecord, TrainingStatus, User, training_problem, username_problem
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.passwords import PasswordHashing, password_problems

#: the one message for unknown user, disabled, locked and wrong password (the reason is recorded)
SIGN_IN_REFUSED = ("Sign-in refused: unknown username or wrong password, or the account cannot sign in now. "
                   "Try again, or ask the ALPR administrator.")
MAX_LOCK_MINUTES = 24 * 60


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
        if not username.strip() or not full_name.strip():
            raise ValidationFailed("Username and full name are required.")
        problem = username_problem(username)
        if problem:
            raise ValidationFailed(problem)
        self._check_password(username, password, full_name)
        now = self.ctx.clock.now()
        problem = training_problem(training, now.date())  # the same rule as every later training record
        if problem:
            raise ValidationFailed(problem)
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

        Unknown username, disabled account, locked account and wrong password get the same message
        and cost one password verification each, so neither the words nor the timing tell them
        apart; the reason is kept in the access record. The training gate is told only after the
        right password.

        Raises:
            LoginRefused: with the reason code; the refusal is recorded.

        """
        now = self.ctx.clock.now()
        outcome = "refused"
        # Never raise inside the unit of work: the failure count and the record must commit.
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            user = users.by_username(username) if username_problem(username) is None else None
            if user is None:
                self.hashing.burn(password)
                refusal = LoginRefused("unknown_user", SIGN_IN_REFUSED)
            elif not user.active or user.is_locked(now):
                self.hashing.burn(password)
                refusal = LoginRefused("disabled" if not user.active else "locked", SIGN_IN_REFUSED)
            elif not self.hashing.verify(users.password_hash(user.id), password):
                lock_until = self._lock_after_failure(user, now)
                users.record_failure(user.id, lock_until)
                refusal = LoginRefused("bad_password" if lock_until is None else "locked_now", SIGN_IN_REFUSED)
                outcome = "failed"
            else:
                refusal = _training_refusal(user, now)
                if refusal is None:
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
            if user is None:  # the typed name may be a password typed in the wrong box: keep only a keyed hash
                actor = Actor(None, self._pseudonym(username), self.ctx.workstation)
            else:
                actor = Actor(user.id, user.username, self.ctx.workstation)
            audit_trail.record(uow, self.ctx, actor, "login", outcome=outcome, detail={"reason": refusal.reason})
        raise refusal

    def _lock_after_failure(self, user: User, now: datetime) -> datetime | None:
        """When this failure reaches the limit: the end of a lock that doubles with each lock since success."""
        sec = self.ctx.security
        if user.failed_attempts + 1 < sec.max_failed_attempts:
            return None
        minutes = min(sec.lockout_minutes * 2 ** min(user.lockout_count, 16), MAX_LOCK_MINUTES)
        return now + timedelta(minutes=minutes)

    def _pseudonym(self, typed: str) -> str:
        sealer = self.ctx.sealer()
        folded = typed.strip().encode()
        if sealer is not None:
            digest = sealer.pseudonym(folded)
        else:
            digest = hashlib.sha256(b"alpr-unknown-username\n" + folded).hexdigest()[:16]
        return f"unknown#{digest}"

    def acknowledge_policy(self, actor: Actor, version: str) -> None:
        """Record that ``actor`` read and accepted the agency's ALPR policy ``version``.

        Raises:
            ValidationFailed: ``version`` is not the version in force (accepting a version not yet
                published would skip reading its text when it is); the refusal is recorded.

        """
        with self.ctx.uow(read_only=True) as uow:
            current = AgencyRepository(uow.s).get().policy_version
        if version != current:
            audit_trail.record_alone(self.ctx, actor, "policy.acknowledged", outcome="refused",
                                     detail={"version": version, "in_force": current})
            raise ValidationFailed(f"Policy version {version} is not the one in force ({current}): read and "
                                   "accept the policy shown at sign-in.")
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
        """Change the actor's own password after checking the old one.

        A wrong current password counts toward the lockout like a failed sign-in, and a locked or
        disabled account changes nothing: otherwise this check would be an unlimited guessing oracle.
        """
        now = self.ctx.clock.now()
        refusal: Exception | None = None
        with self.ctx.uow() as uow:  # never raise a refusal inside: the failure count and the record must commit
            users = UserRepository(uow.s)
            me = users.get(actor.user_id)
            if not me.active or me.is_locked(now):
                self.hashing.burn(old)
                refusal = LoginRefused("disabled" if not me.active else "locked", SIGN_IN_REFUSED)
            elif not self.hashing.verify(users.password_hash(actor.user_id), old):
                lock_until = self._lock_after_failure(me, now)
                users.record_failure(me.id, lock_until)
                refusal = ValidationFailed("The current password is wrong.")
            if refusal is not None:
                audit_trail.record(uow, self.ctx, actor, "password.changed", outcome="failed", object_type="user",
                                   object_id=actor.user_id, detail={"reason": getattr(refusal, "reason", None)
                                                                    or "wrong_current_password"})
        if refusal is not None:
            raise refusal
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            me = users.get(actor.user_id)
            self._check_password(me.username, new, me.full_name)
            if self.hashing.verify(users.password_hash(actor.user_id), new):
                raise ValidationFailed("The new password must differ from the current one.")
            users.set_password(actor.user_id, self.hashing.hash(new), self.ctx.clock.now(), must_change=False)
            audit_trail.record(uow, self.ctx, actor, "password.changed", object_type="user", object_id=actor.user_id)

    def _check_password(self, username: str, password: str, full_name: str = "") -> None:
        problems = password_problems(password, min_length=self.ctx.security.min_password_length,
                                     username=username, context=(full_name, *self._agency_words()))
        if problems:
            raise ValidationFailed(problems)

    def _agency_words(self) -> tuple[str, ...]:
        with self.ctx.uow(read_only=True) as uow:
            p = AgencyRepository(uow.s).get()
        return (p.name, p.ori)


def _training_refusal(user: User, now: datetime) -> LoginRefused | None:
    status = user.training_status(now.date())
    if status is TrainingStatus.CURRENT:
        return None
    exp = user.training_expires_on()
    text = ("No ALPR training is on record for you" if status is TrainingStatus.MISSING
            else f"Your ALPR training expired on {date_text(exp)}")
    return LoginRefused(f"training_{status.value}", f"{text}. Department-approved training is required before "
                        "any access to ALPR data (policy). Contact the ALPR administrator.")

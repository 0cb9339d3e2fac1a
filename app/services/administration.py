"""User administration and the agency profile (supervisor / ALPR administrator only)."""

from __future__ import annotations

import hashlib

from app.domain.agency import AgencyProfile
from app.domain.changes import Changes
from app.domain.errors import Conflict, ValidationFailed
from app.domain.roles import Permission, Role
from app.domain.users import Actor, TrainingRecord, User, training_problem, username_problem
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.passwords import PasswordHashing, password_problems

P = Permission


class AdministrationService:
    """Users are created, changed, disabled and unlocked here; never deleted."""

    def __init__(self, ctx: ServiceContext, hashing: PasswordHashing) -> None:
        self.ctx = ctx
        self.hashing = hashing

    def list_users(self, actor: Actor) -> list[User]:
        """All accounts, active or not."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.list")
        with self.ctx.uow() as uow:
            return UserRepository(uow.s).list()

    def create_user(
        self, actor: Actor, username: str, full_name: str, password: str, roles: frozenset[Role],
        badge: str | None = None, training: TrainingRecord | None = None, title: str | None = None,
    ) -> User:
        """Create a personal account; the user must change the initial password at first login."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.create", terms=username)
        if not username.strip() or not full_name.strip():
            raise ValidationFailed("Username and full name are required.")
        problem = username_problem(username)
        if problem:
            raise ValidationFailed(problem)
        if not roles:
            raise ValidationFailed("Give the user at least one role.")
        self._check_password(username, password, full_name)
        if training:
            self._check_training(training)
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            if users.by_username(username):
                raise Conflict(f"The username '{username}' is taken (accounts are never deleted).")
            user = users.add(username, full_name, self.hashing.hash(password), roles, badge, now,
                             must_change_password=True, title=title)
            if training:
                users.add_training(user.id, training, actor.user_id, now)
            audit_trail.record(uow, self.ctx, actor, "users.create", object_type="user", object_id=user.id,
                               detail={"username": user.username, "roles": sorted(roles)})
            return users.get(user.id)

    def update_user(self, actor: Actor, user_id: int, full_name: str, badge: str | None,
                    roles: frozenset[Role], title: str | None = None) -> User:
        """Change name, badge, title (None keeps it, '' clears it) and roles (never one's own roles)."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.update", object_type="user", object_id=user_id)
        if not roles:
            raise ValidationFailed("Give the user at least one role.")
        if not full_name.strip():
            raise ValidationFailed("The full name is required.")
        with self.ctx.uow(read_only=True) as uow:
            before = UserRepository(uow.s).get(user_id)
        if user_id == actor.user_id and roles != before.roles:  # another administrator must (both ways)
            audit_trail.record_alone(self.ctx, actor, "users.update", outcome="refused", object_type="user",
                                     object_id=user_id, detail={"problem": "own roles",
                                                                "roles_before": sorted(before.roles),
                                                                "roles_asked": sorted(roles)})
            raise Conflict("You cannot change your own roles: another administrator must.")
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            users.update_profile(user_id, full_name, badge, title)
            users.set_roles(user_id, roles)
            audit_trail.record(uow, self.ctx, actor, "users.update", object_type="user", object_id=user_id,
                               detail={"roles_before": sorted(before.roles), "roles_after": sorted(roles)})
            uow.s.flush()
            uow.s.expire_all()
            return users.get(user_id)

    def record_training(self, actor: Actor, user_id: int, record: TrainingRecord) -> User:
        """Add a training completion with its expiry date."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.training", object_type="user", object_id=user_id)
        self._check_training(record)
        if user_id == actor.user_id:  # training is recorded for a member by someone else (department-approved)
            audit_trail.record_alone(self.ctx, actor, "users.training", outcome="refused", object_type="user",
                                     object_id=user_id, detail={"problem": "own training"})
            raise Conflict("You cannot record your own training: another administrator must.")
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            users.add_training(user_id, record, actor.user_id, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "users.training", object_type="user", object_id=user_id,
                               detail={"course": record.course, "completed_on": str(record.completed_on),
                                       "expires_on": str(record.expires_on)})
            return users.get(user_id)

    def _check_training(self, record: TrainingRecord) -> None:
        problem = training_problem(record, self.ctx.clock.now().date())
        if problem:
            raise ValidationFailed(problem)

    def set_active(self, actor: Actor, user_id: int, active: bool) -> None:
        """Disable or re-enable an account (accounts are never deleted)."""
        action = "users.enable" if active else "users.disable"
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, action, object_type="user", object_id=user_id)
        if user_id == actor.user_id and not active:
            raise Conflict("You cannot disable your own account.")
        with self.ctx.uow() as uow:
            UserRepository(uow.s).set_active(user_id, active, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, action, object_type="user", object_id=user_id)

    def unlock(self, actor: Actor, user_id: int) -> None:
        """Clear a lockout after failed attempts."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.unlock", object_type="user", object_id=user_id)
        with self.ctx.uow() as uow:
            UserRepository(uow.s).unlock(user_id)
            audit_trail.record(uow, self.ctx, actor, "users.unlock", object_type="user", object_id=user_id)

    def reset_password(self, actor: Actor, user_id: int, new_password: str) -> None:
        """Set a temporary password the user must change at next login (never one's own account)."""
        audit_trail.require(self.ctx, actor, P.MANAGE_USERS, "users.reset_password", object_type="user",
                            object_id=user_id)
        if user_id == actor.user_id:  # one's own password is changed knowing the current one (change_password)
            audit_trail.record_alone(self.ctx, actor, "users.reset_password", outcome="refused", object_type="user",
                                     object_id=user_id, detail={"problem": "own account"})
            raise Conflict("You cannot reset your own password: change it with your current one, or ask "
                           "another administrator.")
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s)
            target = users.get(user_id)
            self._check_password(target.username, new_password, target.full_name)
            users.set_password(user_id, self.hashing.hash(new_password), self.ctx.clock.now(), must_change=True)
            users.unlock(user_id)
            audit_trail.record(uow, self.ctx, actor, "users.reset_password", object_type="user", object_id=user_id)

    def _check_password(self, username: str, password: str, full_name: str) -> None:
        with self.ctx.uow(read_only=True) as uow:
            agency = AgencyRepository(uow.s).get()
        problems = password_problems(password, min_length=self.ctx.security.min_password_length,
                                     username=username, context=(full_name, agency.name, agency.ori))
        if problems:
            raise ValidationFailed(problems)

    def agency_profile(self, actor: Actor) -> AgencyProfile:
        """The agency profile (readable by every logged-in user: it heads every document)."""
        with self.ctx.uow() as uow:
            return AgencyRepository(uow.s).get()

    @publishes(Changes(agency=True))
    def save_agency_profile(self, actor: Actor, profile: AgencyProfile) -> None:
        """Change the agency profile; a changed policy text needs a new policy version.

        Every user accepts the policy version in force before using the console, so a new text under
        the old version would never be put before them. The access record keeps the old and new value
        of each changed field (the policy text as its SHA-256 and length).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: an ORI that is not 9 characters, or a new policy text under the old version or
                any version a member has accepted.

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_AGENCY, "agency.update")
        if profile.ori and len(profile.ori) != 9:
            raise ValidationFailed("The ORI has 9 characters.")
        with self.ctx.uow() as uow:
            repo = AgencyRepository(uow.s)
            before = repo.get()
            if profile.policy_text != before.policy_text and (
                    profile.policy_version == before.policy_version
                    or profile.policy_version in UserRepository(uow.s).acknowledged_policy_versions()):
                raise ValidationFailed("The policy text changed: give it a new policy version (one no member has "
                                       "accepted yet), so every user reads and accepts the new text before using "
                                       "the console.")
            changed = sorted(k for k in profile.__slots__ if getattr(before, k) != getattr(profile, k))
            # recorded before the save: the administrator's session is checked against the version they accepted
            audit_trail.record(uow, self.ctx, actor, "agency.update", detail={
                "changed": changed, "before": {k: _shown(k, getattr(before, k)) for k in changed},
                "after": {k: _shown(k, getattr(profile, k)) for k in changed}})
            repo.save(profile, self.ctx.clock.now())


def _shown(field: str, value: object) -> object:
    """A profile value as the access record keeps it (the long policy text by its digest and length)."""
    if field == "policy_text":
        text = str(value or "")
        return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text)}
    return value

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.roles import Role
from app.domain.users import TrainingRecord, User, fold_username
from app.persistence.orm.accounts import TrainingRecordRow, UserRoleRow, UserRow


def _to_domain(r: UserRow) -> User:
    return User(
        id=r.id,
        username=r.username,
        full_name=r.full_name,
        roles=frozenset(Role(x.role) for x in r.roles),
        active=r.active,
        badge_number=r.badge_number,
        failed_attempts=r.failed_attempts,
        locked_until=as_utc(r.locked_until) if r.locked_until else None,
        lockout_count=r.lockout_count or 0,
        must_change_password=r.must_change_password,
        policy_ack_version=r.policy_ack_version,
        training=tuple(
            TrainingRecord(t.course, t.completed_on, t.expires_on, t.id, t.notes) for t in r.training
        ),
        last_login_at=as_utc(r.last_login_at) if r.last_login_at else None,
        title=r.title,
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def count(self) -> int:
        return self.s.scalar(select(func.count(UserRow.id))) or 0

    def _row(self, user_id: int) -> UserRow:
        row = self.s.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"No user with id {user_id}.")
        return row

    def get(self, user_id: int) -> User:
        return _to_domain(self._row(user_id))

    def by_username(self, username: str) -> User | None:
        """The account named ``username`` in its folded form (NFKC, case-folded), or None."""
        row = self.s.scalar(select(UserRow).where(func.lower(UserRow.username) == fold_username(username)))
        return _to_domain(row) if row else None

    def password_hash(self, user_id: int) -> str:
        return self._row(user_id).password_hash

    def list(self) -> list[User]:
        return [_to_domain(r) for r in self.s.scalars(select(UserRow).order_by(UserRow.username))]

    def add(self, username: str, full_name: str, password_hash: str, roles: frozenset[Role],
            badge_number: str | None, now: datetime, must_change_password: bool = False,
            title: str | None = None) -> User:
        row = UserRow(
            username=fold_username(username), full_name=full_name.strip(), password_hash=password_hash,
            badge_number=badge_number, title=(title or "").strip() or None, active=True, failed_attempts=0, created_at=now,
            password_changed_at=now, must_change_password=must_change_password,
        )
        row.roles = [UserRoleRow(role=str(r)) for r in sorted(roles)]
        self.s.add(row)
        self.s.flush()
        return _to_domain(row)

    def set_roles(self, user_id: int, roles: frozenset[Role]) -> None:
        """Keep the rows of roles that stay, delete the removed ones, add the new ones.

        Replacing the whole collection made the unit of work insert the kept roles again before
        deleting the old rows, which broke the (user_id, role) unique constraint.
        """
        row = self._row(user_id)
        wanted = {str(r) for r in roles}
        for old in [x for x in row.roles if x.role not in wanted]:
            row.roles.remove(old)
        self.s.flush()
        have = {x.role for x in row.roles}
        row.roles.extend(UserRoleRow(role=r) for r in sorted(wanted - have))
        self.s.flush()

    def update_profile(self, user_id: int, full_name: str, badge_number: str | None,
                       title: str | None = None) -> None:
        """Name and badge; ``title`` None keeps the title, '' clears it."""
        row = self._row(user_id)
        row.full_name, row.badge_number = full_name.strip(), badge_number
        if title is not None:
            row.title = title.strip() or None

    def set_password(self, user_id: int, password_hash: str, now: datetime, must_change: bool) -> None:
        row = self._row(user_id)
        row.password_hash, row.password_changed_at, row.must_change_password = password_hash, now, must_change

    def record_failure(self, user_id: int, locked_until: datetime | None) -> int:
        """Count a wrong password; ``locked_until`` starts a lock (the counter starts again after it)."""
        row = self._row(user_id)
        row.failed_attempts = (row.failed_attempts or 0) + 1
        if locked_until is not None:
            row.locked_until = locked_until
            row.failed_attempts = 0
            row.lockout_count = (row.lockout_count or 0) + 1
        return row.failed_attempts

    def record_success(self, user_id: int, now: datetime) -> None:
        row = self._row(user_id)
        row.failed_attempts, row.locked_until, row.lockout_count, row.last_login_at = 0, None, 0, now

    def unlock(self, user_id: int) -> None:
        row = self._row(user_id)
        row.failed_attempts, row.locked_until, row.lockout_count = 0, None, 0

    def set_active(self, user_id: int, active: bool, now: datetime) -> None:
        row = self._row(user_id)
        row.active = active
        row.disabled_at = None if active else now

    def acknowledged_policy_versions(self) -> set[str]:
        """Every policy version some account has accepted (and still stands accepted by)."""
        return {v for v in self.s.scalars(select(UserRow.policy_ack_version).distinct()) if v}

    def acknowledge_policy(self, user_id: int, version: str, now: datetime) -> None:
        row = self._row(user_id)
        row.policy_ack_version, row.policy_ack_at = version, now

    def add_training(self, user_id: int, record: TrainingRecord, recorded_by: int | None, now: datetime) -> None:
        self._row(user_id)
        self.s.add(TrainingRecordRow(
            user_id=user_id, course=record.course, completed_on=record.completed_on,
            expires_on=record.expires_on, recorded_by=recorded_by, recorded_at=now, notes=record.notes,
        ))
        self.s.flush()
        self.s.expire(self._row(user_id), ["training"])

    def training_expiring_before(self, day: date) -> list[User]:
        return [u for u in self.list() if (u.training_expires_on() or date.min) < day]


def people_by(session: Session, ids: set[int] | frozenset[int] = frozenset(),
              usernames: set[str] | frozenset[str] = frozenset()) -> list[User]:
    """The accounts with these ids or usernames (for naming people on documents)."""
    rows: list[UserRow] = []
    if ids:
        rows += session.scalars(select(UserRow).where(UserRow.id.in_(sorted(ids)))).all()
    if usernames:
        rows += session.scalars(select(UserRow).where(UserRow.username.in_(sorted(usernames)))).all()
    return [_to_domain(r) for r in rows]

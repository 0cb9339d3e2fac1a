"""How documents name people: full name and title ("Sam Lee, Patrol Sergeant"), never a login name.

Report inputs are first filled with what the records hold (user ids, usernames); :class:`Signatures`
turns them into the printed form inside the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.users import Actor, User
from app.persistence.repositories.users import people_by


@dataclass(frozen=True, slots=True)
class Signatures:
    """Printed names of the users a document mentions, looked up once."""

    by_id: dict[int, str] = field(default_factory=dict)
    by_username: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session, ids: set[int | None] | None = None, usernames: set[str] | None = None,  # noqa: ANN001
             ) -> Signatures:
        """Look up ``ids`` and ``usernames`` (unknown ones print as they are)."""
        users: list[User] = people_by(session, {i for i in ids or () if i is not None},
                                      {u for u in usernames or () if u})
        return cls({u.id: u.signature for u in users}, {u.username: u.signature for u in users})

    def of_id(self, user_id: int | None, fallback: str = "") -> str:
        """The printed name of user ``user_id`` (``fallback`` when unknown)."""
        return self.by_id.get(user_id, fallback) if user_id is not None else fallback

    def of(self, username: str | None) -> str:
        """The printed name of ``username`` (the username itself when it is no account, e.g. 'system')."""
        return self.by_username.get(username or "", username or "")

    def of_actor(self, actor: Actor) -> str:
        """The printed name of the acting user."""
        return self.of_id(actor.user_id, actor.username)


def actor_signature(session, actor: Actor) -> str:  # noqa: ANN001 - a unit of work session
    """'Sam Lee, Patrol Sergeant' for the signed-in user (their username for a system actor)."""
    return Signatures.load(session, {actor.user_id}).of_actor(actor)

"""A bench's login: the password kept (no forced change) and the agency policy accepted, as a user would."""

from __future__ import annotations


def ready_login(bundle, username: str, password: str):  # noqa: ANN001, ANN201 - a Services bundle, a LoginResult
    """Log ``username`` in through the accounts service, ready to use the console (benches only)."""
    result = bundle.accounts.login(username, password)
    if getattr(result, "must_change_password", False):  # the bench keeps its password
        from app.persistence.repositories.users import UserRepository

        with bundle.ctx.uow() as uow:
            UserRepository(uow.s)._row(result.user.id).must_change_password = False
    if getattr(result, "needs_policy_ack", False):
        bundle.accounts.acknowledge_policy(result.actor, result.policy_version)
    return result

"""Issue 10: a right withdrawn while signed in ends access at the next call; the services (not the UI)
enforce the password change and the policy acknowledgement."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.domain.agency import AgencyProfile
from app.domain.errors import PermissionDenied, SessionRevoked
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.search import SearchCriteria, SearchReason
from app.domain.roles import Role
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.users import UserRepository
from tests.app.records_fixtures import access_rows, add_read, make_world, rctx, records_template_db  # noqa: F401

REASON = SearchReason(purpose="Criminal investigation", case_number="26-00112")


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _search(w, actor=None):
    return w.svc.search.search(actor or w.inv, REASON, SearchCriteria(plate=parse_plate_pattern("ABC123")))


def _change(w, fn):
    with w.ctx.uow() as uow:
        fn(UserRepository(uow.s))


def test_disabled_while_signed_in(w):
    add_read(w, "ABC123", w.ctx.clock.now() - timedelta(hours=1))
    assert _search(w).total == 1
    _change(w, lambda users: users.set_active(w.inv.user_id, False, w.ctx.clock.now()))
    with pytest.raises(SessionRevoked) as e:
        _search(w)
    assert e.value.reason == "disabled" and "disabled" in str(e.value)
    refused = [r for r in access_rows(w.ctx, "search") if r.outcome == "refused"]
    assert refused and refused[0].detail == {"session": "disabled"}


def test_role_removed_while_signed_in(w):
    assert _search(w).total == 0
    _change(w, lambda users: users.set_roles(w.inv.user_id, frozenset({Role.DISPATCHER})))
    with pytest.raises(PermissionDenied):
        _search(w)  # the Actor still says "investigator"; the database does not


def test_role_granted_in_the_database_counts_even_if_the_actor_predates_it(w):
    _change(w, lambda users: users.set_roles(w.disp.user_id, frozenset({Role.DISPATCHER, Role.INVESTIGATOR})))
    assert _search(w, w.disp).total == 0


def test_training_expires_while_signed_in(w):
    assert _search(w).total == 0
    w.ctx.clock.advance(days=400)
    with pytest.raises(SessionRevoked) as e:
        _search(w)
    assert e.value.reason == "training_expired"


def test_temporary_password_must_be_changed_before_any_access(w):
    with w.ctx.uow() as uow:
        UserRepository(uow.s)._row(w.inv.user_id).must_change_password = True
    with pytest.raises(SessionRevoked) as e:
        _search(w)
    assert e.value.reason == "must_change_password"


def test_new_policy_version_must_be_accepted_before_any_access(w):
    with w.ctx.uow() as uow:
        repo = AgencyRepository(uow.s)
        p = repo.get()
        repo.save(AgencyProfile(**{**{k: getattr(p, k) for k in p.__slots__}, "policy_version": "2"}),
                  w.ctx.clock.now())
    with pytest.raises(SessionRevoked) as e:
        _search(w)
    assert e.value.reason == "policy_not_acknowledged"


def test_a_revoked_row_is_never_written_as_ok(w):
    """The backstop in the access record: even a service without a check cannot record an "ok" access."""
    from app.services import audit_trail

    _change(w, lambda users: users.set_active(w.inv.user_id, False, w.ctx.clock.now()))
    with pytest.raises(SessionRevoked):
        with w.ctx.uow() as uow:
            audit_trail.record(uow, w.ctx, w.inv, "read.view", object_type="read", object_id=1)
    assert access_rows(w.ctx, "read.view") == []


def test_ui_locks_with_the_reason(w):
    from app.ui.context import UiContext
    from app.workers.db_executor import DbExecutor

    executor = DbExecutor()
    locked: list[str] = []
    ui = UiContext(None, executor, None, None, None, None, w.inv, on_session_revoked=locked.append)  # type: ignore[arg-type]
    _change(w, lambda users: users.set_active(w.inv.user_id, False, w.ctx.clock.now()))
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(SessionRevoked):
            loop.run_until_complete(ui.call(_search, w))
    finally:
        loop.close()
        executor.shutdown()
    assert locked and "disabled" in locked[0]

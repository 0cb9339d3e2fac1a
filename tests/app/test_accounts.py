from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import LoginRefused, PermissionDenied, ValidationFailed
from app.domain.roles import Role
from app.domain.users import TrainingRecord
from app.persistence.repositories.access_log import AccessLogRepository
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from tests.app.conftest import current_training, signed_in

PW = "correct horse battery"


@pytest.fixture
def accounts(any_ctx, fast_hashing):
    return AccountService(any_ctx, fast_hashing)


@pytest.fixture
def admin_actor(accounts):
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    return signed_in(accounts, "sup1", PW)


def _log(ctx):
    with ctx.uow() as uow:
        return AccessLogRepository(uow.s).recent(limit=100)


def test_first_admin_then_login_recorded(accounts, any_ctx):
    assert accounts.needs_first_admin()
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    assert not accounts.needs_first_admin()
    result = accounts.login("SUP1", PW)
    assert Role.SUPERVISOR in result.user.roles
    assert result.needs_policy_ack
    actions = [(e.action, e.outcome) for e in _log(any_ctx)]
    assert ("login", "ok") in actions


def test_password_rules(accounts):
    with pytest.raises(ValidationFailed, match="12 characters"):
        accounts.create_first_admin("sup1", "Sam", "short", current_training())
    with pytest.raises(ValidationFailed, match="username"):
        accounts.create_first_admin("supervisor1", "Sam", "supervisor1-extra", current_training())


def test_lockout_after_five_failures_and_admin_unlock(accounts, any_ctx, fast_hashing, admin_actor, clock):
    admin = AdministrationService(any_ctx, fast_hashing)
    u = admin.create_user(admin_actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                          training=current_training())
    for _ in range(4):
        with pytest.raises(LoginRefused) as e:
            accounts.login("disp1", "wrong password!!")
        assert e.value.reason == "bad_password"
    with pytest.raises(LoginRefused) as e:
        accounts.login("disp1", "wrong password!!")
    assert e.value.reason == "locked_now"
    # Even the right password is refused while locked.
    with pytest.raises(LoginRefused) as e:
        accounts.login("disp1", PW)
    assert e.value.reason == "locked"
    # After 15 minutes the lock lapses.
    clock.advance(minutes=16)
    assert accounts.login("disp1", PW).user.id == u.id
    # Lock again and let the administrator unlock it.
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.login("disp1", "wrong password!!")
    admin.unlock(admin_actor, u.id)
    assert accounts.login("disp1", PW).user.id == u.id
    outcomes = [(e.action, e.outcome) for e in _log(any_ctx)]
    assert ("login", "failed") in outcomes and ("login", "refused") in outcomes
    assert ("users.unlock", "ok") in outcomes


@pytest.mark.parametrize("training, reason", [
    (None, "training_missing"),
    (TrainingRecord("ALPR", date(2024, 1, 1), date(2025, 1, 1)), "training_expired"),
])
def test_training_gate(accounts, any_ctx, fast_hashing, admin_actor, training, reason):
    admin = AdministrationService(any_ctx, fast_hashing)
    admin.create_user(admin_actor, "inv1", "Ivy Investigator", PW, frozenset({Role.INVESTIGATOR}), training=training)
    with pytest.raises(LoginRefused) as e:
        accounts.login("inv1", PW)
    assert e.value.reason == reason
    assert "training" in str(e.value).lower()
    assert any(x.action == "login" and x.outcome == "refused" and x.detail == {"reason": reason}
               for x in _log(any_ctx))


def test_disabled_user_refused(accounts, any_ctx, fast_hashing, admin_actor):
    admin = AdministrationService(any_ctx, fast_hashing)
    u = admin.create_user(admin_actor, "clerk1", "Cleo Clerk", PW, frozenset({Role.RECORDS_CLERK}),
                          training=current_training())
    admin.set_active(admin_actor, u.id, False)
    with pytest.raises(LoginRefused) as e:
        accounts.login("clerk1", PW)
    assert e.value.reason == "disabled"


def test_permission_refused_in_service_and_recorded(accounts, any_ctx, fast_hashing, admin_actor):
    admin = AdministrationService(any_ctx, fast_hashing)
    admin.create_user(admin_actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                      training=current_training())
    dispatcher = accounts.login("disp1", PW).actor
    with pytest.raises(PermissionDenied):
        admin.create_user(dispatcher, "x-user", "X", PW, frozenset({Role.SUPERVISOR}))
    refused = [e for e in _log(any_ctx) if e.outcome == "refused" and e.action == "users.create"]
    assert refused and refused[0].username == "disp1"


def test_change_password_and_policy_ack(accounts, any_ctx, admin_actor):
    accounts.change_password(admin_actor, PW, "a much better passphrase")
    with pytest.raises(LoginRefused):
        accounts.login("sup1", PW)
    result = accounts.login("sup1", "a much better passphrase")
    accounts.acknowledge_policy(result.actor, result.policy_version)
    assert not accounts.login("sup1", "a much better passphrase").needs_policy_ack


def test_idle_lock_is_recorded_and_needs_the_password(accounts, any_ctx, admin_actor):
    # Given the console locked itself after the idle period
    accounts.lock_screen(admin_actor, "idle")
    # When someone tries to unlock it with a wrong password, it stays locked and the attempt counts
    with pytest.raises(LoginRefused):
        accounts.unlock_screen(admin_actor, "not my password")
    # Then the right password unlocks it, and lock, failure and unlock are all in the access record
    assert accounts.unlock_screen(admin_actor, PW).username == "sup1"
    log = [(e.action, e.outcome, (e.detail or {}).get("reason")) for e in _log(any_ctx)]
    assert ("lock", "ok", "idle") in log
    assert ("login", "failed", "bad_password") in log

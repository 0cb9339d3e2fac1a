"""Issue 10: lockout, one refusal for every reason, NIST SP 800-63B passwords, look-alike usernames,
failed-login rows that never keep a typed secret."""

from __future__ import annotations

import pytest

from app.domain.errors import LoginRefused, ValidationFailed
from app.domain.roles import Role
from app.persistence.repositories.access_log import AccessLogRepository
from app.services.accounts import SIGN_IN_REFUSED, AccountService
from app.services.administration import AdministrationService
from app.services.passwords import password_problems
from tests.app.conftest import current_training, signed_in

PW = "correct horse battery"
WRONG = "wrong password!!"


class CountingHashing:
    """The real hashing, counting the argon2 verifications each login spends."""

    def __init__(self, inner) -> None:
        self.inner, self.verifies = inner, 0

    def hash(self, p):
        return self.inner.hash(p)

    def verify(self, h, p):
        self.verifies += 1
        return self.inner.verify(h, p)

    def burn(self, p):
        self.verifies += 1
        self.inner.burn(p)


@pytest.fixture
def hashing(fast_hashing):
    return CountingHashing(fast_hashing)


@pytest.fixture
def accounts(ctx, hashing):
    return AccountService(ctx, hashing)


@pytest.fixture
def admin(ctx, hashing):
    return AdministrationService(ctx, hashing)


@pytest.fixture
def sup(accounts):
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    return signed_in(accounts, "sup1", PW)


@pytest.fixture
def disp(admin, sup):
    return admin.create_user(sup, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                             training=current_training())


def _log(ctx):
    with ctx.uow() as uow:
        return AccessLogRepository(uow.s).recent(limit=500)


def _fail(accounts, n, username="disp1", password=WRONG):
    for _ in range(n):
        with pytest.raises(LoginRefused):
            accounts.login(username, password)


# ---- lockout ------------------------------------------------------------------------------------

def test_success_resets_the_failure_counter(accounts, disp):
    _fail(accounts, 4)
    accounts.login("disp1", PW)
    _fail(accounts, 4)  # four more are allowed again: the counter restarted
    assert accounts.login("disp1", PW).user.failed_attempts == 0


def test_one_guess_after_a_lock_expires_does_not_lock_again(accounts, disp, clock):
    _fail(accounts, 5)
    clock.advance(minutes=16)
    _fail(accounts, 1)  # today: the counter was 5, so this single guess locked the account again
    assert accounts.login("disp1", PW).user.id == disp.id


def test_each_lock_lasts_longer(accounts, disp, clock):
    _fail(accounts, 5)  # 15 minutes
    clock.advance(minutes=16)
    _fail(accounts, 5)  # 30 minutes
    clock.advance(minutes=16)
    with pytest.raises(LoginRefused) as e:
        accounts.login("disp1", PW)
    assert e.value.reason == "locked"
    clock.advance(minutes=15)
    assert accounts.login("disp1", PW).user.lockout_count == 0


@pytest.mark.parametrize("case", ["unknown", "disabled", "locked", "wrong_password"])
def test_one_message_and_one_hash_check_for_every_refusal(case, accounts, admin, sup, disp, hashing, ctx):
    if case == "disabled":
        admin.set_active(sup, disp.id, False)
    if case == "locked":
        _fail(accounts, 5)
    username = "nobody1" if case == "unknown" else "disp1"
    password = WRONG if case == "wrong_password" else PW
    hashing.verifies = 0
    with pytest.raises(LoginRefused) as e:
        accounts.login(username, password)
    assert str(e.value) == SIGN_IN_REFUSED
    assert hashing.verifies == 1  # the same argon2 work whatever the reason
    last = _log(ctx)[0]
    assert last.action == "login" and last.detail["reason"].startswith(
        {"unknown": "unknown_user", "disabled": "disabled", "locked": "locked", "wrong_password": "bad_password"}[case])


def test_failed_login_keeps_the_username_only_when_it_names_an_account(accounts, disp, ctx):
    with pytest.raises(LoginRefused):
        accounts.login("Tr0ub4dor&3-secret", PW)  # a password typed into the username box
    with pytest.raises(LoginRefused):
        accounts.login("disp1", WRONG)
    rows = [e for e in _log(ctx) if e.action == "login"][:2]
    assert rows[0].username == "disp1"
    assert rows[1].username.startswith("unknown#")
    dump = repr(_log(ctx))
    assert "Tr0ub4dor" not in dump


# ---- passwords ----------------------------------------------------------------------------------

WEAK = ["passwordpassword", "123456789012", "qwertyuiopas", "Password1234", "aaaaaaaaaaaa",
        "iloveyou1234", "dispatcher2026", "letmein12345", "newuser1-2026", "New User 12345"]


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passwords_are_refused(weak, admin, sup):
    with pytest.raises(ValidationFailed):
        admin.create_user(sup, "newuser1", "New User", weak, frozenset({Role.DISPATCHER}))


def test_context_words_are_refused():
    assert password_problems("dana-dispatcher-77", username="disp1", context=("Dana Dispatcher",))
    assert password_problems("coralville-blue-sky-9", username="x1", context=("Coralville Police Department",))
    assert password_problems("xdisp1-river-lamp", username="disp1")
    assert not password_problems("violet tractor ocean 42", username="disp1", context=("Dana Dispatcher",))


def test_reset_and_change_use_the_same_rules(accounts, admin, sup, disp):
    with pytest.raises(ValidationFailed):
        admin.reset_password(sup, disp.id, "123456789012")
    with pytest.raises(ValidationFailed):
        accounts.change_password(sup, PW, "qwertyuiopas")


# ---- usernames ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lookalike", ["d\u0456sp1", "disp1\u200b", "DISP1", "\uff44isp1", "disp 1", "d"])
def test_lookalike_usernames_are_refused_beside_disp1(lookalike, admin, sup, disp):
    with pytest.raises((ValidationFailed, Exception)) as e:
        admin.create_user(sup, lookalike, "Look Alike", "violet tractor ocean 42", frozenset({Role.DISPATCHER}))
    assert "username" in str(e.value).lower()
    assert [u.username for u in admin.list_users(sup)].count("disp1") == 1
    assert len(admin.list_users(sup)) == 2


def test_usernames_are_stored_folded(admin, sup, accounts):
    u = admin.create_user(sup, "Ivy.Inv", "Ivy Investigator", "violet tractor ocean 42",
                          frozenset({Role.INVESTIGATOR}), training=current_training())
    assert u.username == "ivy.inv"
    assert accounts.login("IVY.INV", "violet tractor ocean 42").user.id == u.id

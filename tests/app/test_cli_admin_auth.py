"""Issue 10: the admin CLI needs an administrator's username and password and records them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import AppPaths
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.accounts import AccountService
from app.services.context import ServiceContext
from app.services.passwords import PasswordHashing

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PW = "correct horse battery"
NEW_PW = "violet tractor ocean 42"


def _main(data, *args, stdin=""):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "admin", *args], cwd=ROOT,
                          input=stdin, text=True, capture_output=True, env=env, timeout=180)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """An administrator who has signed in once at the console (policy accepted)."""
    data = tmp_path_factory.mktemp("cli") / "d"
    r = _main(data, "create-admin", "--username", "sup1", "--full-name", "Sam S", "--password-stdin",
              stdin=ADMIN_PW + "\n")
    assert r.returncode == 0, r.stderr
    engine = make_engine(sqlite_url(AppPaths.default(data).database))
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="CONSOLE")
    accounts = AccountService(ctx, PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1))
    result = accounts.login("sup1", ADMIN_PW)
    accounts.acknowledge_policy(result.actor, result.policy_version)
    engine.dispose()
    return data


def _log(data):
    engine = make_engine(sqlite_url(AppPaths.default(data).database))
    with unit_of_work_factory(engine)() as uow:
        rows = AccessLogRepository(uow.s).recent(50)
    engine.dispose()
    return rows


@pytest.mark.parametrize("cmd", [["reset-password", "--username", "sup1", "--password-stdin"],
                                 ["unlock", "--username", "sup1"], ["retention", "purge"]])
def test_commands_refused_without_an_administrator(data, cmd):
    r = _main(data, *cmd, stdin=NEW_PW + "\n")
    assert r.returncode == 1 and "--as" in r.stderr
    assert not any(e.action.startswith("users.") for e in _log(data))


def test_wrong_administrator_password_is_refused_and_counted(data):
    r = _main(data, "--as", "sup1", "--admin-password-stdin", "unlock", "--username", "sup1",
              stdin="not the password\n")
    assert r.returncode == 1 and "Sign-in refused" in r.stderr
    assert (_log(data)[0].action, _log(data)[0].outcome) == ("login", "failed")


def test_reset_password_records_the_administrator(data):
    r = _main(data, "--as", "sup1", "--admin-password-stdin", "unlock", "--username", "sup1",
              stdin=ADMIN_PW + "\n")
    assert r.returncode == 0, r.stderr
    row = next(e for e in _log(data) if e.action == "users.unlock")
    assert row.username == "sup1" and row.user_id is not None


def test_audit_verify_needs_no_login(data):
    r = _main(data, "audit", "verify")
    assert r.returncode == 0 and r.stdout.startswith("intact")


def test_a_session_without_the_checkpoint_key_writes_nothing_to_a_signed_record(tmp_path):
    """Rows written without the key would look forged to every later verify: refuse, and say why."""
    from app.domain.users import Actor
    from app.persistence.migrate import upgrade
    from app.services import audit_trail
    from app.services.checkpoint_key import CheckpointKeyring
    from app.settings.secrets import MemorySecretStore

    data = tmp_path / "d"
    engine = make_engine(sqlite_url(AppPaths.default(data).ensure().database))
    upgrade(engine)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="CONSOLE",
                         checkpoint_key=CheckpointKeyring(MemorySecretStore()))
    audit_trail.record_alone(ctx, Actor(None, "console", "CONSOLE"), "login")  # the console signs its head
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    r = subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "admin", "audit", "verify"], cwd=ROOT,
                       text=True, capture_output=True, env=env, timeout=180)
    assert r.returncode == 2 and "OS keyring" in r.stderr
    verdict = audit_trail.verify_chain(ctx)
    engine.dispose()
    assert verdict.intact and verdict.rows_checked == 1


def test_jurisdiction_change_needs_a_reason_and_names_the_administrator(data):
    admin = ("--as", "sup1", "--admin-password-stdin", "retention", "jurisdiction", "--to", "california")
    r = _main(data, *admin, "--reason", "x", stdin=ADMIN_PW + "\n")
    assert r.returncode == 1 and "reason" in r.stderr
    r = _main(data, *admin, "--reason", "Agency is in California, Gov. Code 34090 applies", stdin=ADMIN_PW + "\n")
    assert r.returncode == 0, r.stderr
    assert "California" in r.stdout and "reads 730 d" in r.stdout
    row = next(e for e in _log(data) if e.action == "retention.jurisdiction")
    assert row.username == "sup1" and row.reason == "Agency is in California, Gov. Code 34090 applies"

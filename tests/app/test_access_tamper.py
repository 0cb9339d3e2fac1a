"""Issue 10, first two rows of the table: tampering that a self-linked chain alone cannot reveal.

Each probe edits the database directly, the way an insider with the database file or a DBA login
would, with the public hashing algorithm at hand. Verify must name the damage every time, and
running verify (which records itself) must not seal the hole.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from app.domain.access import AccessEntry, as_utc, chain_hash
from app.domain.users import Actor
from app.services import audit_trail

ACTOR = Actor(None, "tester", "WS1")


def _fill(ctx, n=20):
    for i in range(n):
        audit_trail.record_alone(ctx, ACTOR, "search", terms=f"ABC{i}", reason="case 26-123")
        ctx.clock.advance(seconds=1)


def _rows(c):
    return c.execute(text("select * from access_log order by id")).mappings().all()


def _entry(r) -> AccessEntry:
    import json

    detail = r["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail)
    return AccessEntry(at=as_utc(r["at"]) if not isinstance(r["at"], str) else _parse(r["at"]),
                       user_id=r["user_id"], username=r["username"], workstation=r["workstation"],
                       action=r["action"], outcome=r["outcome"], object_type=r["object_type"],
                       object_id=r["object_id"], terms=r["terms"], reason=r["reason"],
                       case_number=r["case_number"], detail=detail)


def _parse(s: str):
    from datetime import datetime

    return as_utc(datetime.fromisoformat(s))


def rehash_from(c, start_id: int) -> None:
    """Recompute prev_hash/hash of every row from ``start_id`` on with the public algorithm."""
    rows = _rows(c)
    prev = "0" * 64
    for r in rows:
        if r["id"] >= start_id:
            digest = chain_hash(prev, _entry(r))
            c.execute(text("update access_log set prev_hash=:p, hash=:h where id=:i"),
                      {"p": prev, "h": digest, "i": r["id"]})
            prev = digest
        else:
            prev = r["hash"]


def forge_append(c) -> None:
    last = _rows(c)[-1]
    e = _entry(last)
    forged = AccessEntry(at=e.at + timedelta(seconds=5), user_id=None, username="tester", workstation="WS1",
                         action="search", outcome="ok", terms="FORGED1", reason="case 26-123")
    c.execute(text("insert into access_log (at, user_id, username, workstation, action, outcome, terms, reason, "
                   "prev_hash, hash) values (:at, null, 'tester', 'WS1', 'search', 'ok', 'FORGED1', 'case 26-123', "
                   ":p, :h)"), {"at": forged.at, "p": last["hash"], "h": chain_hash(last["hash"], forged)})


def _max_id(c) -> int:
    return c.execute(text("select max(id) from access_log")).scalar()


TAMPER = {
    "edit_middle": lambda c: c.execute(text("update access_log set terms='XYZ999' where id=7")),
    "delete_middle": lambda c: c.execute(text("delete from access_log where id=9")),
    "truncate_last_1": lambda c: c.execute(text("delete from access_log where id=:m"), {"m": _max_id(c)}),
    "truncate_last_3": lambda c: c.execute(text("delete from access_log where id>:m"), {"m": _max_id(c) - 3}),
    "truncate_all": lambda c: c.execute(text("delete from access_log")),
    "forged_append": forge_append,
    "edit_then_rehash": lambda c: (c.execute(text("update access_log set terms='XYZ999' where id=7")),
                                   rehash_from(c, 7)),
    "delete_then_rehash": lambda c: (c.execute(text("delete from access_log where id=9")), rehash_from(c, 10)),
    "checkpoint_edited": lambda c: c.execute(text("update access_checkpoints set row_count=row_count-1")),
    "head_checkpoint_deleted": lambda c: c.execute(text("delete from access_checkpoints where kind='head'")),
}


@pytest.mark.parametrize("kind", sorted(TAMPER))
def test_verify_detects(kind, any_ctx, any_engine):
    # Given an intact record
    _fill(any_ctx)
    assert audit_trail.verify_chain(any_ctx).intact
    # When it is tampered with
    with any_engine.begin() as c:
        TAMPER[kind](c)
    # Then verify says so
    verdict = audit_trail.verify_chain(any_ctx)
    assert not verdict.intact, kind
    assert verdict.describe().startswith("BROKEN")


@pytest.mark.parametrize("kind", ["truncate_last_1", "truncate_last_3", "forged_append", "delete_then_rehash"])
def test_verify_and_later_appends_do_not_seal_the_hole(kind, ctx, engine):
    _fill(ctx)
    with engine.begin() as c:
        TAMPER[kind](c)
    # the verify records itself, and the console goes on appending
    first = audit_trail.verify_chain(ctx)
    audit_trail.record_verify(ctx, ACTOR, first)
    _fill(ctx, 3)
    again = audit_trail.verify_chain(ctx)
    assert not first.intact and not again.intact


def test_verify_reports_before_recording_itself(ctx):
    _fill(ctx, 5)
    verdict = audit_trail.verify_chain(ctx)
    assert verdict.rows_checked == 5
    audit_trail.record_verify(ctx, ACTOR, verdict)
    after = audit_trail.verify_chain(ctx)
    assert after.intact and after.rows_checked == 6 and after.sealed


def test_checkpoint_key_never_enters_the_database(ctx, engine):
    _fill(ctx, 3)
    key = ctx.checkpoint_key._store.get("access-log/checkpoint-key")
    assert key
    with engine.connect() as c:
        dump = "\n".join(str(tuple(r)) for t in ("access_log", "access_checkpoints", "settings")
                         for r in c.execute(text(f"select * from {t}")))  # noqa: S608 - fixed names
    assert key not in dump


def test_without_a_keyring_verify_warns_that_truncation_cannot_be_seen(engine, clock):
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext

    bare = ServiceContext(uow=unit_of_work_factory(engine), workstation="WS", clock=clock)
    _fill(bare, 2)
    verdict = audit_trail.verify_chain(bare)
    assert verdict.intact and not verdict.sealed
    assert "truncation" in verdict.describe()


def test_two_processes_appending_never_fork_the_chain(tmp_path, clock):
    """Table row 3: the console and an admin CLI call append at the same time on SQLite."""
    import subprocess
    import sys

    from app.persistence.engine import make_engine, sqlite_url
    from app.persistence.migrate import upgrade
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.checkpoint_key import KEY_NAME, CheckpointKeyring
    from app.services.context import ServiceContext
    from app.settings.secrets import MemorySecretStore

    db = tmp_path / "alpr.db"
    engine = make_engine(sqlite_url(db))
    upgrade(engine)
    key = "ab" * 32
    procs = [subprocess.Popen([sys.executable, "-m", "tests.app.chain_writer", str(db), "150", key, f"W{i}"])
             for i in range(2)]
    assert [p.wait(timeout=240) for p in procs] == [0, 0]
    store = MemorySecretStore()
    store.set(KEY_NAME, key)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="CHECK", clock=clock,
                         checkpoint_key=CheckpointKeyring(store))
    verdict = audit_trail.verify_chain(ctx)
    engine.dispose()
    assert verdict.intact, verdict.describe()
    assert verdict.rows_checked == 300 and verdict.sealed


def _admin(ctx, role="supervisor"):
    from app.domain.roles import Role
    from app.persistence.repositories.users import UserRepository
    from tests.app.conftest import ready_user

    with ctx.uow() as uow:
        u = UserRepository(uow.s).add(f"{role}9", "Admin Nine", "x", frozenset({Role(role)}), None, ctx.clock.now())
    ready_user(ctx, u.id)
    return Actor(u.id, u.username, "WS1")


def test_reseal_after_rows_written_without_the_key(ctx, engine):
    from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext

    # Given a signed record and a session that wrote two rows without reaching the keyring
    _fill(ctx, 5)
    admin = _admin(ctx)
    with pytest.raises(Conflict):
        audit_trail.reseal(ctx, admin, "nothing wrong at all here")
    keyless = ServiceContext(uow=unit_of_work_factory(engine), workstation="SSH", clock=ctx.clock)
    _fill(keyless, 2)
    assert not audit_trail.verify_chain(ctx).intact
    # When an auditor (no agency rights) or a reason-less administrator tries to reseal, nothing changes
    with pytest.raises(PermissionDenied):
        audit_trail.reseal(ctx, _admin(ctx, "auditor"), "keyring was locked during an ssh session")
    with pytest.raises(ValidationFailed):
        audit_trail.reseal(ctx, admin, "ok")
    # Then the administrator's reseal, with its reason, signs the present end, and is itself recorded
    found = audit_trail.reseal(ctx, admin, "keyring was locked during an ssh session")
    assert not found.intact
    after = audit_trail.verify_chain(ctx)
    assert after.intact and after.sealed, after.describe()
    with ctx.uow() as uow:
        from app.persistence.repositories.access_log import AccessLogRepository

        row = AccessLogRepository(uow.s).recent(1, action="audit.reseal")[0]
    assert row.username == admin.username and row.detail["problems"]


def test_reseal_keeps_what_earlier_checkpoints_pinned(ctx, engine):
    _fill(ctx, 10)
    assert audit_trail.verify_chain(ctx).intact  # leaves a "verify" checkpoint at row 10
    with engine.begin() as c:
        TAMPER["truncate_last_3"](c)
    audit_trail.reseal(ctx, _admin(ctx), "testing that history stays checked")
    assert not audit_trail.verify_chain(ctx).intact  # row 10, pinned by the verify checkpoint, is still missing

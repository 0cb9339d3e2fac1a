"""Security probes of issue 10, run against throwaway SQLite databases.

Prints one JSON object as its last line: tamper_kinds_tried, tamper_kinds_detected,
chain_breaks_two_writers, revoked_session_calls_allowed, weak_passwords_accepted,
audit_rows_per_s (each row in its own unit of work, signed head checkpoint included), and the
median sign-in refusal time per reason (refusal_ms) with its spread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from app.domain.access import AccessEntry, as_utc, chain_hash  # noqa: E402
from app.domain.users import Actor, TrainingRecord  # noqa: E402
from app.persistence.engine import make_engine, sqlite_url  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from app.persistence.unit_of_work import unit_of_work_factory  # noqa: E402
from app.services import audit_trail  # noqa: E402
from app.services.checkpoint_key import KEY_NAME, CheckpointKeyring  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402
from app.settings.secrets import MemorySecretStore  # noqa: E402

KEY = "5e" * 32
WEAK = ["passwordpassword", "123456789012", "qwertyuiopas", "Password1234", "aaaaaaaaaaaa", "iloveyou1234",
        "letmein12345", "111111111111", "abc123abc123", "monkeymonkey", "dragon123456", "Password123!",
        "qwerty123456", "1q2w3e4r5t6y", "trustno1trustno1", "sunshine2026", "football2026", "welcome12345",
        "newuser12345", "benchcounty1", "dispatcher2026", "alpr-console-1", "P@ssw0rd2026", "zaq12wsxcde3"]


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 2, 14, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


def _ctx(db: Path, clock=None) -> ServiceContext:  # noqa: ANN001
    store = MemorySecretStore()
    store.set(KEY_NAME, KEY)
    engine = make_engine(sqlite_url(db))
    upgrade(engine)
    return ServiceContext(uow=unit_of_work_factory(engine), workstation="BENCH", clock=clock or Clock(),
                          checkpoint_key=CheckpointKeyring(store))


# ---- tampering ---------------------------------------------------------------------------------

def _entry(r) -> AccessEntry:  # noqa: ANN001
    detail = json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"]
    at = datetime.fromisoformat(r["at"]) if isinstance(r["at"], str) else r["at"]
    return AccessEntry(at=as_utc(at), user_id=r["user_id"], username=r["username"], workstation=r["workstation"],
                       action=r["action"], outcome=r["outcome"], object_type=r["object_type"],
                       object_id=r["object_id"], terms=r["terms"], reason=r["reason"],
                       case_number=r["case_number"], detail=detail)


def _rehash(c, start: int) -> None:  # noqa: ANN001
    prev = "0" * 64
    for r in c.execute(text("select * from access_log order by id")).mappings().all():
        if r["id"] >= start:
            h = chain_hash(prev, _entry(r))
            c.execute(text("update access_log set prev_hash=:p, hash=:h where id=:i"), {"p": prev, "h": h, "i": r["id"]})
            prev = h
        else:
            prev = r["hash"]


def _forge(c) -> None:  # noqa: ANN001
    last = c.execute(text("select * from access_log order by id desc limit 1")).mappings().first()
    e = AccessEntry(at=_entry(last).at + timedelta(seconds=1), user_id=None, username="bench", workstation="BENCH",
                    action="search", outcome="ok", terms="FORGED")
    c.execute(text("insert into access_log (at, username, workstation, action, outcome, terms, prev_hash, hash) "
                   "values (:at, 'bench', 'BENCH', 'search', 'ok', 'FORGED', :p, :h)"),
              {"at": e.at, "p": last["hash"], "h": chain_hash(last["hash"], e)})


def _max(c) -> int:  # noqa: ANN001
    return c.execute(text("select max(id) from access_log")).scalar()


TAMPER = {
    "edit_middle": lambda c: c.execute(text("update access_log set terms='X' where id=20")),
    "edit_first": lambda c: c.execute(text("update access_log set username='nobody' where id=1")),
    "delete_middle": lambda c: c.execute(text("delete from access_log where id=25")),
    "delete_first": lambda c: c.execute(text("delete from access_log where id=1")),
    "swap_two_rows": lambda c: c.execute(text("update access_log set terms=case id when 10 then "
                                              "(select terms from access_log where id=11) else "
                                              "(select terms from access_log where id=10) end where id in (10, 11)")),
    "truncate_last_1": lambda c: c.execute(text("delete from access_log where id=:m"), {"m": _max(c)}),
    "truncate_last_3": lambda c: c.execute(text("delete from access_log where id>:m"), {"m": _max(c) - 3}),
    "truncate_all": lambda c: c.execute(text("delete from access_log")),
    "forged_append": _forge,
    "edit_then_rehash": lambda c: (c.execute(text("update access_log set terms='X' where id=20")), _rehash(c, 20)),
    "delete_then_rehash": lambda c: (c.execute(text("delete from access_log where id=25")), _rehash(c, 26)),
    "truncate_then_forge": lambda c: (c.execute(text("delete from access_log where id>:m"), {"m": _max(c) - 3}),
                                      _forge(c)),
    "checkpoint_edited": lambda c: c.execute(text("update access_checkpoints set row_count=row_count-1")),
    "head_checkpoint_deleted": lambda c: c.execute(text("delete from access_checkpoints where kind='head'")),
    "all_checkpoints_deleted_after_truncate": lambda c: (
        c.execute(text("delete from access_log where id>:m"), {"m": _max(c) - 1}),
        c.execute(text("delete from access_checkpoints where kind='head'"))),
    "detail_json_edited": lambda c: c.execute(text("update access_log set detail='{\"x\": 1}' where id=30")),
}


def tamper(tmp: Path) -> tuple[int, int, list[str]]:
    detected, missed = 0, []
    for i, (kind, fn) in enumerate(TAMPER.items()):
        ctx = _ctx(tmp / f"tamper{i}.db")
        actor = Actor(None, "bench", "BENCH")
        for n in range(50):
            audit_trail.record_alone(ctx, actor, "search", terms=f"P{n}", reason="bench", detail={"n": n})
            ctx.clock.t += timedelta(seconds=1)
        assert audit_trail.verify_chain(ctx).intact
        engine = make_engine(sqlite_url(tmp / f"tamper{i}.db"))
        with engine.begin() as c:
            fn(c)
        engine.dispose()
        verdict = audit_trail.verify_chain(ctx)
        audit_trail.record_verify(ctx, actor, verdict)  # the verify records itself: the hole must stay visible
        again = audit_trail.verify_chain(ctx)
        if not verdict.intact and not again.intact:
            detected += 1
        else:
            missed.append(kind)
    return len(TAMPER), detected, missed


# ---- two writers -------------------------------------------------------------------------------

WRITER = """
import sys
sys.path.insert(0, sys.argv[4])
from pathlib import Path
from bench.security import _ctx
from app.domain.users import Actor
from app.services import audit_trail
ctx = _ctx(Path(sys.argv[1]))
a = Actor(None, sys.argv[3], sys.argv[3])
for i in range(int(sys.argv[2])):
    audit_trail.record_alone(ctx, a, "search", terms=f"{sys.argv[3]}-{i}")
"""


def two_writers(tmp: Path, n: int) -> tuple[int, int]:
    db = tmp / "writers.db"
    _ctx(db)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(n), f"W{i}", str(ROOT)]) for i in range(2)]
    for p in procs:
        p.wait(timeout=600)
    engine = make_engine(sqlite_url(db))
    with engine.connect() as c:
        rows = c.execute(text("select prev_hash, hash from access_log order by id")).all()
    engine.dispose()
    prev, breaks = "0" * 64, 0
    for p_hash, h in rows:
        breaks += p_hash != prev
        prev = h
    return breaks, len(rows)


# ---- revoked sessions and passwords ------------------------------------------------------------

def revoked_calls(tmp: Path) -> tuple[int, int]:
    from app.domain.agency import AgencyProfile
    from app.domain.errors import PermissionDenied
    from app.domain.records.plates import parse_plate_pattern
    from app.domain.records.search import SearchCriteria, SearchReason
    from app.domain.roles import Role
    from app.persistence.repositories.agency import AgencyRepository
    from app.persistence.repositories.users import UserRepository
    from app.services.records_bundle import RecordsServices

    clock = Clock()
    ctx = _ctx(tmp / "revoked.db", clock)
    svc = RecordsServices.build(ctx, tmp / "images", tmp / "docs")
    reason = SearchReason(purpose="Criminal investigation", case_number="26-00001")
    today = clock.now().date()

    def fresh(name: str):  # noqa: ANN202
        with ctx.uow() as uow:
            users = UserRepository(uow.s)
            u = users.add(name, name, "x", frozenset({Role.INVESTIGATOR, Role.SUPERVISOR}), None, clock.now())
            users.add_training(u.id, TrainingRecord("ALPR", today - timedelta(days=30), today + timedelta(days=60)),
                               None, clock.now())
            users.acknowledge_policy(u.id, AgencyRepository(uow.s).get().policy_version, clock.now())
        return Actor(u.id, name, "BENCH", frozenset({Role.INVESTIGATOR, Role.SUPERVISOR}))

    def set_policy(version: str) -> None:
        with ctx.uow() as uow:
            repo = AgencyRepository(uow.s)
            p = repo.get()
            repo.save(AgencyProfile(**{**{k: getattr(p, k) for k in p.__slots__}, "policy_version": version}),
                      clock.now())

    def revoke(kind: str, actor: Actor) -> None:
        with ctx.uow() as uow:
            users = UserRepository(uow.s)
            if kind == "disabled":
                users.set_active(actor.user_id, False, clock.now())
            elif kind == "roles_removed":
                users.set_roles(actor.user_id, frozenset({Role.DISPATCHER}))
            elif kind == "must_change_password":
                users._row(actor.user_id).must_change_password = True
        if kind == "training_expired":
            clock.t += timedelta(days=61)
        if kind == "policy_changed":
            set_policy("bench-2")

    calls = [
        lambda a: svc.search.search(a, reason, SearchCriteria(plate=parse_plate_pattern("ABC123"))),
        lambda a: svc.search.cameras(a), lambda a: svc.holds.list(a), lambda a: svc.releases.list(a),
        lambda a: svc.purge.runs(a), lambda a: svc.documents.list(a), lambda a: svc.audits.access_record(a),
    ]
    allowed = tried = 0
    for i, kind in enumerate(["disabled", "roles_removed", "training_expired", "must_change_password",
                              "policy_changed"]):
        actor = fresh(f"user{i}")
        for call in calls:
            call(actor)  # works while the rights hold
        revoke(kind, actor)
        for call in calls:
            tried += 1
            try:
                call(actor)
                allowed += 1
            except PermissionDenied:  # SessionRevoked included
                pass
            except Exception:  # noqa: BLE001 - any other failure counts against us: it ran past the gate
                allowed += 1
        clock.t = Clock().now()
        set_policy("1")
    return allowed, tried


def weak_accepted() -> int:
    from app.services.passwords import password_problems

    return sum(1 for p in WEAK if not password_problems(p, username="newuser", context=("New User", "Bench County")))


def refusal_timing(tmp: Path, runs: int) -> dict[str, float]:
    """Median ms of a refused sign-in per reason, with the real argon2 parameters."""
    from app.domain.roles import Role
    from app.persistence.repositories.users import UserRepository
    from app.services.accounts import AccountService
    from app.services.passwords import PasswordHashing

    ctx = _ctx(tmp / "timing.db")
    hashing = PasswordHashing()
    accounts = AccountService(ctx, hashing)
    with ctx.uow() as uow:
        users = UserRepository(uow.s)
        for name in ("disabled1", "locked1", "wrong1"):
            users.add(name, name, hashing.hash("violet tractor ocean 42"), frozenset({Role.DISPATCHER}), None,
                      ctx.clock.now())
        users._row(users.by_username("disabled1").id).active = False
        users._row(users.by_username("locked1").id).locked_until = ctx.clock.now() + timedelta(days=9999)
    out: dict[str, list[float]] = {"unknown": [], "disabled": [], "locked": [], "wrong_password": []}
    names = {"unknown": "nobody1", "disabled": "disabled1", "locked": "locked1", "wrong_password": "wrong1"}
    for _ in range(runs):
        for reason, name in names.items():
            t0 = time.perf_counter()
            try:
                accounts.login(name, "not the password 1")
            except Exception:  # noqa: BLE001 - every one is refused
                pass
            out[reason].append((time.perf_counter() - t0) * 1000)
            with ctx.uow() as uow:  # keep "wrong1" below the lockout limit
                UserRepository(uow.s).unlock(UserRepository(uow.s).by_username("wrong1").id)
    return {k: round(statistics.median(v), 1) for k, v in out.items()}


def rows_per_s(tmp: Path, rows: int) -> float:
    ctx = _ctx(tmp / "rate.db")
    actor = Actor(None, "bench", "BENCH")
    t0 = time.perf_counter()
    for i in range(rows):
        audit_trail.record_alone(ctx, actor, "search", terms=f"ABC{i}", reason="bench")
    rate = rows / (time.perf_counter() - t0)
    assert audit_trail.verify_chain(ctx).sealed
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--appends", type=int, default=300, help="appends per writer process (default 300)")
    ap.add_argument("--rows", type=int, default=2000, help="rows for audit_rows_per_s")
    ap.add_argument("--timing-runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        tried, detected, missed = tamper(tmp)
        breaks, written = two_writers(tmp, args.appends)
        allowed, revoked_tried = revoked_calls(tmp)
        timing = refusal_timing(tmp, args.timing_runs)
        rate = rows_per_s(tmp, args.rows)
    spread = max(timing.values()) / max(min(timing.values()), 1e-9)
    print(f"tamper kinds missed: {missed or 'none'}; two writers wrote {written} rows; "
          f"revoked calls tried {revoked_tried}; weak passwords tried {len(WEAK)}", file=sys.stderr)
    print(json.dumps({
        "tamper_kinds_tried": tried, "tamper_kinds_detected": detected,
        "chain_breaks_two_writers": breaks, "revoked_session_calls_allowed": allowed,
        "weak_passwords_accepted": weak_accepted(), "audit_rows_per_s": round(rate, 1),
        "refusal_ms": timing, "refusal_ms_max_over_min": round(spread, 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

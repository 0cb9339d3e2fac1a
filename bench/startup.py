"""Start-up, login and access-record figures (issue 2).

Prints one JSON object as its last line: start_to_login_s, login_ms, audit_rows_per_s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_to_login(runs: int) -> float:
    """Seconds from process start until the login window is on screen (offscreen platform)."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), QT_API="pyside6")
        subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "admin", "create-admin", "--username",
                        "bench", "--full-name", "Bench Admin", "--password-stdin"], input="steady lantern 4821\n",
                       text=True, cwd=ROOT, env=env, check=True, capture_output=True)
        for i in range(runs + 1):
            shot = Path(tmp) / f"s{i}.png"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "--screenshot", str(shot),
                            "--screenshot-delay", "0"], cwd=ROOT, env=env, check=True, capture_output=True)
            if i:  # first run warms the OS file cache
                times.append(time.perf_counter() - t0)
    return statistics.median(times)


def login_ms(runs: int) -> float:
    from app.services.passwords import PasswordHashing

    h = PasswordHashing()
    stored = h.hash("a correct password here")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assert h.verify(stored, "a correct password here")
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def audit_rows_per_s(rows: int) -> float:
    from app.domain.users import Actor
    from app.persistence.engine import make_engine, sqlite_url
    from app.persistence.migrate import upgrade
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services import audit_trail
    from app.services.context import ServiceContext

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(os.environ.get("BENCH_DATABASE_URL") or sqlite_url(Path(tmp) / "a.db"))
        upgrade(engine)
        ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="BENCH")
        actor = Actor(None, "bench", "BENCH")
        t0 = time.perf_counter()
        for i in range(rows):  # one transaction per access, as in the app
            audit_trail.record_alone(ctx, actor, "search", terms=f"ABC{i:04d}", reason="bench", case_number="26-1")
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        verdict = audit_trail.verify_chain(ctx)
        verify_s = time.perf_counter() - t1
        assert verdict.intact
        engine.dispose()
    print(f"verify of {rows} rows: {verify_s:.2f} s", file=sys.stderr)
    return rows / elapsed


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--audit-rows", type=int, default=10_000)
    a = p.parse_args()
    result = {
        "start_to_login_s": round(start_to_login(a.runs), 2),
        "login_ms": round(login_ms(5), 1),
        "audit_rows_per_s": round(audit_rows_per_s(a.audit_rows)),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

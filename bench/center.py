"""Communications center benchmark (issue 12): 2 recognition nodes + 2 console services as processes.

PostgreSQL from DATABASE_URL (a fresh database ``<name>_center_bench`` is made next to it). Phases:

1. ``setup``: schema, demo hot list, 8 demo cameras in the node pool, two dispatchers;
2. two ``python main.py node`` processes (demo oracle models, recognition in-process) lease the
   cameras; two headless console services LISTEN, claim every hit they hear of (racing each other)
   and load each hit's plate image through the services;
3. after ``--seconds`` of steady running one node is SIGKILLed: ``node_failover_s`` is the time until
   every camera it ran has a lease on the other node AND reads from it are stored again;
4. the consoles' tallies give ``read_to_other_console_p95_ms`` (read stored by a node -> notification
   at a console), ``images_visible_on_all_consoles``; the database gives ``hits_claimed_twice``;
5. ``ingest_reads_per_s``: each of two processes pushes ``--ingest-reads`` synthetic reads through the
   node's ingest path (RecognitionBridge -> journal -> batched ingest with images) at the same time
   (the slower of the two); ``store_reads_per_s_each``: the database + image part alone (no journal).

Usage: ``DATABASE_URL=postgresql+psycopg://... python bench/center.py [--seconds 30]``. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
AGENTS = str(ROOT / "bench" / "center_agents.py")


def fresh_database(base: str, name: str) -> str:
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class Center:
    """The processes of one run; everything started is stopped by :meth:`close`."""

    def __init__(self, url: str, work: Path, heartbeat_s: float, lease_timeout_s: float) -> None:
        self.url, self.work = url, work
        self.heartbeat_s, self.lease_timeout_s = heartbeat_s, lease_timeout_s
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")

    def _spawn(self, key: str, argv: list[str]) -> None:
        log = open(self.work / f"{key}.log", "w")  # noqa: SIM115 - closed with the process
        self.procs[key] = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def node(self, name: str) -> None:
        self._spawn(name, [sys.executable, "main.py", "node", "--data-dir", str(self.work / name),
                           "--database-url", self.url, "--name", name, "--oracle", "--in-process",
                           "--heartbeat-s", str(self.heartbeat_s), "--lease-timeout-s", str(self.lease_timeout_s)])

    def console(self, name: str, user: str) -> Path:
        out = self.work / f"{name}.json"
        self._spawn(name, [sys.executable, AGENTS, "console", self.url, name, user, str(out),
                           "--data", str(self.work)])
        return out

    def kill(self, key: str) -> None:
        self.procs[key].send_signal(signal.SIGKILL)
        self.procs[key].wait(30)

    def stop(self, key: str) -> None:
        proc = self.procs[key]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def close(self) -> None:
        for key in list(self.procs):
            self.stop(key)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def wait_for(what: str, predicate, timeout: float, poll: float = 0.25):  # noqa: ANN001, ANN201
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise SystemExit(f"timed out waiting for {what}")


def leases(engine) -> dict[str, str]:  # noqa: ANN001
    with engine.connect() as c:
        return {k: n for k, n in c.execute(text(
            "select c.key, l.node_name from camera_leases l join cameras c on c.id = l.camera_id"))}


def split_evenly(held: dict[str, str], cameras: int) -> bool:
    counts = sorted(list(held.values()).count(n) for n in ("node-1", "node-2"))
    return len(held) == cameras and counts == [cameras // 2, cameras - cameras // 2]


def resumed_since(engine, cameras: list[str], node: str, since: float) -> bool:  # noqa: ANN001
    with engine.connect() as c:
        rows = c.execute(text(
            "select distinct c.key from reads r join cameras c on c.id = r.camera_id "
            "where r.workstation = :node and r.stored_at > to_timestamp(:since) and c.key = any(:keys)"),
            {"node": node, "since": since, "keys": cameras}).scalars().all()
    return set(rows) == set(cameras)


def claimed_twice(engine) -> int:  # noqa: ANN001
    with engine.connect() as c:
        return int(c.execute(text(
            "select count(*) from (select hit_id from hit_steps where kind = 'claimed' group by hit_id "
            "having count(*) > 1) t")).scalar() or 0)


def run_center(url: str, work: Path, args: argparse.Namespace) -> dict:
    subprocess.run([sys.executable, AGENTS, "setup", url, "--cameras", str(args.cameras), "--data", str(work),
                    "--vehicles-per-minute", str(args.vehicles_per_minute)], cwd=ROOT, check=True)
    engine = create_engine(url)
    center = Center(url, work, args.heartbeat_s, args.lease_timeout_s)
    try:
        outs = [center.console("CONSOLE-1", "disp1"), center.console("CONSOLE-2", "disp2")]
        wait_for("consoles listening", lambda: all(read_json(o).get("ready") for o in outs), 120)
        center.node("node-1")
        center.node("node-2")
        wait_for("cameras split over both nodes", lambda: split_evenly(leases(engine), args.cameras), 180)
        wait_for("reads reaching both consoles", lambda: all(read_json(o).get("reads", 0) > 0 for o in outs), 120)
        time.sleep(args.seconds)  # steady running (a benchmark, not a test)
        on_node1 = [k for k, n in leases(engine).items() if n == "node-1"]
        t0 = time.time()
        center.kill("node-1")
        wait_for("node-1's cameras resumed on node-2", lambda: resumed_since(engine, on_node1, "node-2", t0),
                 args.lease_timeout_s + 120, poll=0.1)
        failover = time.time() - t0
        time.sleep(args.after_s)
        for key in ("node-2", "CONSOLE-1", "CONSOLE-2"):
            center.stop(key)
        stats = [read_json(o) for o in outs]
        twice = claimed_twice(engine)
        with engine.connect() as c:
            hits = int(c.execute(text("select count(*) from hits")).scalar() or 0)
            reads = int(c.execute(text("select count(*) from reads")).scalar() or 0)
    finally:
        center.close()
        engine.dispose()
    latencies = [ms for s in stats for ms in s.get("read_latency_ms", [])]
    claimed = [h for s in stats for h in s.get("claimed", [])]
    return {
        "read_to_other_console_p95_ms": round(p95(latencies), 1),
        "read_to_other_console_median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "hits_claimed_twice": twice + (len(claimed) - len(set(claimed))),
        "node_failover_s": round(failover, 2),
        "images_visible_on_all_consoles": all(s.get("hits_heard", 0) > 0 and s.get("images_missing", 1) == 0
                                              and s.get("images_ok") == s.get("hits_heard") for s in stats),
        "reads": reads, "hits": hits, "hits_claimed": len(set(claimed)),
        "console_reads_heard": [s.get("reads", 0) for s in stats],
        "console_images_ok": [s.get("images_ok", 0) for s in stats],
    }


def run_ingest(url: str, work: Path, count: int, nodes: int = 2, profile: bool = False) -> list[dict]:
    """``nodes`` ingest processes at once, each pushing ``count`` reads; their tallies."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, AGENTS, "setup", url, "--cameras", "0", "--data", str(work / "ingest")],
                   cwd=ROOT, check=True)
    procs, outs = [], []
    for name in [f"ingest-{k + 1}" for k in range(nodes)]:
        out = work / f"{name}.json"
        outs.append(out)
        prof = ["-m", "cProfile", "-o", str(work / f"{name}.prof")] if profile else []
        procs.append(subprocess.Popen([sys.executable, *prof, AGENTS, "ingest", url, name, str(count), str(out),
                                       "--data", str(work)], cwd=ROOT,
                                      env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                               **({"ALPR_BENCH_PROFILE": "1"} if profile else {}))))
    for p in procs:
        p.wait(600)
    return [read_json(o) for o in outs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0, help="steady running before a node is killed")
    ap.add_argument("--after-s", type=float, default=5.0, help="running after the failover")
    ap.add_argument("--cameras", type=int, default=8)
    ap.add_argument("--vehicles-per-minute", type=float, default=20.0, help="demo traffic per camera")
    ap.add_argument("--heartbeat-s", type=float, default=3.0)
    ap.add_argument("--lease-timeout-s", type=float, default=15.0)
    ap.add_argument("--ingest-reads", type=int, default=3000, help="reads per ingest process")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    ap.add_argument("--ingest-only", action="store_true", help="only the ingest phase (PostgreSQL and SQLite)")
    ap.add_argument("--profile", action="store_true", help="cProfile each ingest process (kept with --keep)")
    args = ap.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("DATABASE_URL (PostgreSQL) is required")
    db_name = base.rsplit("/", 1)[1] + "_center_bench"
    work = Path(tempfile.mkdtemp(prefix="alpr-center-"))
    result = {} if args.ingest_only else run_center(fresh_database(base, db_name), work, args)
    ingest = run_ingest(fresh_database(base, db_name + "_ingest"), work / "pg", args.ingest_reads,
                        profile=args.profile)
    result["ingest_reads_per_s"] = min(i.get("reads_per_s", 0.0) for i in ingest)
    result["ingest_reads_per_s_each"] = [i.get("reads_per_s") for i in ingest]
    result["store_reads_per_s_each"] = [i.get("store_reads_per_s") for i in ingest]  # database + images, no journal
    # a single workstation (SQLite): the console's own ingest, one process
    sqlite = run_ingest(f"sqlite:///{work / 'sqlite.db'}", work / "sqlite", args.ingest_reads, nodes=1,
                        profile=args.profile)
    result["ingest_reads_per_s_sqlite"] = sqlite[0].get("reads_per_s", 0.0)
    result["store_reads_per_s_sqlite"] = sqlite[0].get("store_reads_per_s", 0.0)
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    result["work"] = str(work) if args.keep else None
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

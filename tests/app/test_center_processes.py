"""A communications center as processes (issue 12): two recognition nodes and two console services on
one PostgreSQL. A node is SIGKILLed: its cameras resume on the other node; every hit is claimed by
exactly one console and both consoles load its image. Short heartbeat/lease times keep it bounded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.app.conftest import _fresh_pg_url

pytestmark = pytest.mark.pg

ROOT = Path(__file__).resolve().parents[2]
AGENTS = str(ROOT / "bench" / "center_agents.py")
CAMERAS = 4


def _wait(what, predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)  # polling other processes' state, with a deadline
    raise AssertionError(f"timed out: {what}")


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _leases(engine) -> dict[str, str]:
    with engine.connect() as c:
        return {k: n for k, n in c.execute(text(
            "select c.key, l.node_name from camera_leases l join cameras c on c.id = l.camera_id"))}


def _reads_since(engine, node: str, since: float) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(text("select distinct c.key from reads r join cameras c on c.id = r.camera_id "
                                  "where r.workstation = :n and r.stored_at > to_timestamp(:t)"),
                             {"n": node, "t": since}).scalars())


def test_node_failover_and_exactly_once_claims(tmp_path):
    url = _fresh_pg_url()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    subprocess.run([sys.executable, AGENTS, "setup", url, "--cameras", str(CAMERAS), "--data", str(tmp_path),
                    "--vehicles-per-minute", "40"], cwd=ROOT, env=env, check=True, timeout=120)
    engine = create_engine(url)
    procs: dict[str, subprocess.Popen] = {}

    def spawn(key, argv):
        log = open(tmp_path / f"{key}.log", "w")  # noqa: SIM115
        procs[key] = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    outs = [tmp_path / "c1.json", tmp_path / "c2.json"]
    try:
        # Given two console services listening and two nodes leasing the cameras
        for name, user, out in (("CONSOLE-1", "disp1", outs[0]), ("CONSOLE-2", "disp2", outs[1])):
            spawn(name, [sys.executable, AGENTS, "console", url, name, user, str(out), "--data", str(tmp_path)])
        _wait("consoles listening", lambda: all(_json(o).get("ready") for o in outs), 60)
        for node in ("node-1", "node-2"):
            spawn(node, [sys.executable, "main.py", "node", "--data-dir", str(tmp_path / node), "--database-url",
                         url, "--name", node, "--oracle", "--in-process", "--heartbeat-s", "1",
                         "--lease-timeout-s", "4"])
        _wait("cameras split over the nodes",
              lambda: sorted(list(_leases(engine).values()).count(n) for n in ("node-1", "node-2")) == [2, 2], 90)
        _wait("a hit heard by both consoles", lambda: all(_json(o).get("hits_heard", 0) > 0 for o in outs), 90)
        # When node-1 is killed outright
        on_node1 = {k for k, n in _leases(engine).items() if n == "node-1"}
        t0 = time.time()
        procs["node-1"].send_signal(signal.SIGKILL)
        procs["node-1"].wait(10)
        # Then its cameras are leased to node-2 and their reads are stored again, by node-2
        _wait("failover", lambda: set(_leases(engine)) == {f"demo-{i + 1}" for i in range(CAMERAS)}
              and set(_leases(engine).values()) == {"node-2"} and on_node1 <= _reads_since(engine, "node-2", t0), 45)
        for key in ("node-2", "CONSOLE-1", "CONSOLE-2"):
            procs[key].send_signal(signal.SIGTERM)
            procs[key].wait(60)
        stats = [_json(o) for o in outs]
        # And no hit was claimed twice: in the record, and by the consoles' own account
        with engine.connect() as c:
            twice = c.execute(text("select count(*) from (select hit_id from hit_steps where kind = 'claimed' "
                                   "group by hit_id having count(*) > 1) t")).scalar()
            hits = set(c.execute(text("select id from hits")).scalars())
        claimed = stats[0]["claimed"] + stats[1]["claimed"]
        assert twice == 0 and len(claimed) == len(set(claimed))
        assert claimed and set(claimed) <= hits and stats[0]["lost_race"] + stats[1]["lost_race"] > 0
        # And both consoles saw the images of the hits they heard of (stored by the nodes, in PostgreSQL)
        for s in stats:
            assert s["hits_heard"] > 0 and s["images_missing"] == 0 and s["images_ok"] == s["hits_heard"]
            assert s["reads"] > 0
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        engine.dispose()

"""Fault benchmark (issue 13): reads lost under disk faults and kills, hot-list fuzzing, outage hit delay.

Runs the scenarios of ``tests/faults/scenarios.py`` with larger counts and prints one JSON object
as its last line: ``reads_lost_disk_full``, ``reads_lost_readonly``, ``reads_lost_sigkill``,
``hotlist_fuzz_files``, ``hotlist_fuzz_crashes``, ``hotlist_fuzz_silent_damage``,
``outage_hit_delay_p95_s`` (plus duplicates and details). Mount-based scenarios need root and a
private PostgreSQL needs /usr/lib/postgresql/*/bin; a scenario that cannot run reports null and why.

Usage: ``python bench/faults.py [--reads 400] [--kills 20] [--fuzz 2000]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults import scenarios  # noqa: E402


def _run(name: str, fn, notes: dict):  # noqa: ANN001, ANN202
    t0 = time.perf_counter()
    try:
        out = fn()
    except scenarios.Unavailable as exc:
        notes[name] = f"not run: {exc}"
        return None
    notes[name] = f"{time.perf_counter() - t0:.1f} s"
    print(f"{name}: {json.dumps(out, default=str)}", file=sys.stderr)
    return out


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=400, help="reads per disk scenario")
    ap.add_argument("--kills", type=int, default=20, help="SIGKILLs of the ingest process")
    ap.add_argument("--fuzz", type=int, default=2000, help="mutated hot-list files")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    notes: dict[str, str] = {}
    full = _run("disk_full", lambda: scenarios.disk_full(args.reads, args.seed), notes)
    ro = _run("readonly", lambda: scenarios.readonly(args.reads, args.seed), notes)
    kill = _run("sigkill", lambda: scenarios.sigkill(args.kills, args.seed), notes)
    fuzz = _run("fuzz", lambda: scenarios.hotlist_fuzz(args.fuzz, args.seed), notes)
    outage = _run("outage", scenarios.postgres_outage, notes)

    def lost(out: dict | None) -> int | None:
        return None if out is None else out["lost"] + out.get("dropped", 0)

    return {
        "reads_lost_disk_full": lost(full), "reads_lost_readonly": lost(ro), "reads_lost_sigkill": lost(kill),
        "hotlist_fuzz_files": fuzz["files"] if fuzz else None,
        "hotlist_fuzz_crashes": fuzz["crashes"] if fuzz else None,
        "hotlist_fuzz_silent_damage": fuzz["silent_damage"] if fuzz else None,
        "outage_hit_delay_p95_s": outage["hit_delay_p95_s"] if outage else None,
        "duplicates": {k: v["duplicates"] for k, v in (("disk_full", full), ("readonly", ro), ("sigkill", kill),
                                                        ("outage", outage)) if v},
        "sigkill_acked": kill["acked"] if kill else None, "kills": args.kills,
        "fuzz_refused": fuzz["refused"] if fuzz else None, "fuzz_held_for_shrink": fuzz["held_for_shrink"] if fuzz else None,
        "notes": notes, "load_avg_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    print(json.dumps(main()))

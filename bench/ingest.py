"""Read ingest throughput and latency (issue 13): journal + images + database, batched as the bridge does.

For SQLite (in a temp folder) and, with ``--pg URL``, PostgreSQL: ``--reads`` reads (a third of
them hit the hot list) are journalled by the caller and handed to ``DurableIngest.ingest`` in
batches of whatever is queued (``--batch``), as the recognition bridge's ingest thread does.
Prints one JSON object as its last line: ``ingest_reads_per_s_sqlite``, ``ingest_reads_per_s_pg``
(journalled reads stored with their hits, batched), ``journal_reads_per_s`` (the durable journal
alone: one fsync per read, bound by the disk), ``ingest_p95_ms_sqlite`` / ``ingest_p95_ms_pg``
(one read alone, journal to hits).

Usage: ``python bench/ingest.py [--reads 2000] [--pg postgresql+psycopg://...]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.app.hitkit import make_read, seed_hotlist  # noqa: E402
from tests.faults.scenarios import _ingest  # noqa: E402


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return round(values[int(0.95 * (len(values) - 1))], 1)


def run(url: str, root: Path, reads: int, batch: int) -> tuple[float, float, float]:
    engine, ctx, ingest = _ingest(root, url)
    try:
        matcher, _ = seed_hotlist(ctx)
        ingest.store.set_matcher(matcher)
        ingest.replay(force=True)
        single: list[float] = []
        for i in range(50):  # latency of one read alone: journal -> stored with its hits
            t0 = time.perf_counter()
            read = make_read("ABC1234" if i % 3 == 0 else f"L{i:06d}", seed=i)
            ingest.ingest([(read, ingest.journal(read))], checkpoint=False)
            single.append((time.perf_counter() - t0) * 1000)
        ingest.checkpoint()
        journal_s = ingest_s = 0.0
        for start in range(0, reads, batch):
            items = []
            t0 = time.perf_counter()
            for i in range(start, min(reads, start + batch)):
                read = make_read("ABC1234" if i % 3 == 0 else f"T{i:06d}", seed=1000 + i)
                items.append((read, ingest.journal(read)))
            t1 = time.perf_counter()
            ingest.ingest(items, checkpoint=False)
            ingest_s += time.perf_counter() - t1
            journal_s += t1 - t0
            ingest.checkpoint()  # the checkpoint thread's work, beside ingest in the app: not timed
        return round(reads / ingest_s, 1), _p95(single), round(reads / journal_s, 1)
    finally:
        engine.dispose()


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=50, help="reads queued per ingest call (a burst)")
    ap.add_argument("--pg", default=os.environ.get("DATABASE_URL"), help="PostgreSQL URL (a database is created)")
    args = ap.parse_args()
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        out["ingest_reads_per_s_sqlite"], out["ingest_p95_ms_sqlite"], out["journal_reads_per_s"] = run(
            f"sqlite:///{Path(tmp) / 'a.db'}", Path(tmp) / "sqlite", args.reads, args.batch)
        if args.pg:
            name = "bench_ingest_" + uuid.uuid4().hex[:8]
            admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                out["ingest_reads_per_s_pg"], out["ingest_p95_ms_pg"], _ = run(
                    args.pg.rsplit("/", 1)[0] + "/" + name, Path(tmp) / "pg", args.reads, args.batch)
            finally:
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                admin.dispose()
    out.update(reads=args.reads, batch=args.batch, load_avg_1m=round(os.getloadavg()[0], 2))
    return out


if __name__ == "__main__":
    print(json.dumps(main()))

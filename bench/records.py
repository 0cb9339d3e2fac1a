"""Records benchmark: search speed over many stored reads and the purge of one busy day.

    python bench/records.py --reads 10000000 [--purge-day 600000] [--dir /tmp/x] [--pg-reads N]

Generates its own data (100 cameras, 600,000 reads a day, one plate crop of ``--image-bytes``
per read of the purged day, stored in the image store: pack files per camera and hour on SQLite,
the day-partitioned ``read_images`` table on PostgreSQL), then measures through the services
(count + first page + inquiry + access record): exact plate, prefix wildcard (``ABC*``) and infix
(``*23*``) searches, and the purge of the oldest day with its images (``purge_day_s``; target
<= 60 s). With DATABASE_URL pointing at PostgreSQL the same runs there (``pg_`` keys; reads and
images partitioned by day, loaded with COPY). The LAST line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from app.domain.records.plates import fold_plate, parse_plate_pattern  # noqa: E402
from app.domain.records.search import SearchCriteria, SearchReason  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.domain.users import Actor, TrainingRecord  # noqa: E402
from app.persistence.engine import make_engine, sqlite_url  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from app.persistence.repositories.agency import AgencyRepository  # noqa: E402
from app.persistence.repositories.records_partitions import ensure_day_partitions  # noqa: E402
from app.persistence.repositories.users import UserRepository  # noqa: E402
from app.persistence.unit_of_work import unit_of_work_factory  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402
from app.services.records_bundle import RecordsServices  # noqa: E402

CAMERAS = 100
DAY0 = datetime(2026, 9, 1, tzinfo=UTC)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"
READ_INDEXES = ("ix_reads_camera_captured", "ix_reads_captured_at", "ix_reads_plate", "ix_reads_plate_folded",
                "ix_reads_uuid")


class FixedClock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def now(self) -> datetime:
        return self.t


def plate(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "".join(rng.choices(LETTERS, k=3)) + "".join(rng.choices(DIGITS, k=4))
    return "".join(rng.choices(LETTERS + DIGITS, k=rng.choice((5, 6, 7))))


def sha_of(i: int) -> str:
    return hashlib.sha256(i.to_bytes(8, "little")).hexdigest()


def gen_rows(n: int, per_day: int, seed: int = 7):
    """(id, uuid, camera, captured_at, plate, folded, sha or None) in id order; day 0 gets images.

    The sha here is a placeholder: the loaders take day 0's image columns from the image store's refs.
    """
    rng = random.Random(seed)
    step = 86400.0 / per_day
    for i in range(n):
        day, k = divmod(i, per_day)
        at = DAY0 + timedelta(days=day, seconds=k * step)
        p = plate(rng)
        yield (i + 1, uuid.UUID(int=rng.getrandbits(128)).hex, 1 + (i % CAMERAS), at, p, fold_plate(p),
               sha_of(i) if day == 0 else None)


def setup_common(engine, images: Path, documents: Path, now: datetime):
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="BENCH", clock=FixedClock(now))
    with ctx.uow() as uow:
        users = UserRepository(uow.s)
        u = users.add("bench.inv", "Bench Investigator", "x", frozenset({Role.INVESTIGATOR, Role.SUPERVISOR}), None,
                      now)
        # a session needs current training and the accepted policy (checked at every service call)
        users.add_training(u.id, TrainingRecord("ALPR operator", now.date() - timedelta(days=30),
                                                now.date() + timedelta(days=335)), None, now)
        users.acknowledge_policy(u.id, AgencyRepository(uow.s).get().policy_version, now)
        uow.s.execute(text("INSERT INTO cameras (id, key, name, location, direction, source, enabled, created_at) "
                           "VALUES (:i, :k, :n, '', '', '{}', true, :t)"),
                      [{"i": c, "k": f"cam{c}", "n": f"Camera {c:03d}", "t": now} for c in range(1, CAMERAS + 1)])
    return ctx, Actor.of(u, "BENCH"), RecordsServices.build(ctx, images, documents)


def crop(i: int, size: int) -> bytes:
    """Distinct JPEG-like bytes per read (a real plate crop is 2-5 KB)."""
    head = b"\xff\xd8" + i.to_bytes(8, "little")
    return head + bytes(size - len(head) - 2) + b"\xff\xd9"


def write_pack_images(packs: Path, per_day: int, size: int) -> tuple[dict[int, tuple], float]:
    """Day 0's crops into pack files, one put per camera and hour (as ingest would fill them)."""
    from app.persistence.image_store_packs import PackImageStore

    store = PackImageStore(packs)
    t0 = time.perf_counter()
    groups: dict[tuple[int, int], list[tuple[int, datetime]]] = {}
    for r in gen_rows(per_day, per_day):
        groups.setdefault((r[2], r[3].hour), []).append((r[0] - 1, r[3]))
    refs: dict[int, tuple] = {}
    for (cam, _hour), items in groups.items():
        got = store.put([crop(i, size) for i, _at in items], f"cam{cam}", items[0][1], durable=False)
        for (i, _at), ref in zip(items, got, strict=True):
            refs[i] = (ref.sha256, ref.pack, ref.offset, ref.length)
    os.sync()
    return refs, time.perf_counter() - t0


def write_pg_images(engine, per_day: int, size: int) -> tuple[dict[int, tuple], float]:  # noqa: ANN001
    """Day 0's crops into read_images with COPY; ids are the read index + 1."""
    t0 = time.perf_counter()
    refs: dict[int, tuple] = {}
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy("COPY read_images (day, id, captured_at, camera, sha256, data) FROM STDIN") as cp:
            for r in gen_rows(per_day, per_day):
                i = r[0] - 1
                data = crop(i, size)
                sha = hashlib.sha256(data).hexdigest()
                cp.write_row((r[3].date(), i + 1, r[3], f"cam{r[2]}", sha, data))
                refs[i] = (sha, r[3].date().isoformat(), i + 1, len(data))
        cur.execute("SELECT setval(pg_get_serial_sequence('read_images', 'id'), %s)", (per_day + 1,))
        raw.commit()
    finally:
        raw.close()
    return refs, time.perf_counter() - t0


def load_sqlite(path: Path, n: int, per_day: int, refs: dict[int, tuple]) -> float:
    import sqlite3

    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    for ix in READ_INDEXES:
        con.execute(f"DROP INDEX {ix}")
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    sql = ("INSERT INTO reads (id, read_uuid, camera_id, captured_at, plate, plate_folded, confidence, state, "
           "state_confidence, colour, colour_confidence, plate_sha256, image_pack, plate_offset, plate_length, "
           "frame_count, workstation, stored_at) VALUES (?,?,?,?,?,?,0.9,'TX',0.8,'WHITE',0.5,?,?,?,?,1,'BENCH',?)")
    batch = []
    none = (None, None, None, None)
    for r in gen_rows(n, per_day):
        at = r[3].strftime(fmt)
        batch.append((r[0], r[1], r[2], at, r[4], r[5], *refs.get(r[0] - 1, none), at))
        if len(batch) == 200_000:
            con.executemany(sql, batch)
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    con.commit()
    con.execute("CREATE INDEX ix_reads_camera_captured ON reads (camera_id, captured_at)")
    con.execute("CREATE INDEX ix_reads_captured_at ON reads (captured_at)")
    con.execute("CREATE INDEX ix_reads_plate ON reads (plate)")
    con.execute("CREATE INDEX ix_reads_plate_folded ON reads (plate_folded)")
    con.execute("CREATE INDEX ix_reads_uuid ON reads (read_uuid)")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return time.perf_counter() - t0


def load_pg(engine, n: int, per_day: int, refs: dict[int, tuple]) -> float:
    t0 = time.perf_counter()
    days = -(-n // per_day)
    with engine.begin() as c:
        ensure_day_partitions(c, DAY0.date(), (DAY0 + timedelta(days=days + 40)).date())
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        none = (None, None, None, None)
        with cur.copy("COPY reads (id, read_uuid, camera_id, captured_at, plate, plate_folded, confidence, state, "
                      "state_confidence, colour, colour_confidence, plate_sha256, image_pack, plate_offset, "
                      "plate_length, frame_count, workstation, stored_at) FROM STDIN") as cp:
            for r in gen_rows(n, per_day):
                cp.write_row((r[0], r[1], r[2], r[3], r[4], r[5], 0.9, "TX", 0.8, "WHITE", 0.5,
                              *refs.get(r[0] - 1, none), 1, "BENCH", r[3]))
        cur.execute("SELECT setval(pg_get_serial_sequence('reads', 'id'), %s)", (n + 1,))
        raw.commit()
        cur.execute("ANALYZE reads")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - t0


def measure(svc: RecordsServices, actor: Actor, known: str) -> dict[str, float]:
    reason = SearchReason(purpose="Criminal investigation", case_number="2026-001234")
    out = {}
    for key, pat in (("search_exact_ms", known), ("search_prefix_ms", known[:3] + "*"),
                     ("search_infix_ms", "*23*")):
        times, total = [], 0
        for _ in range(3):
            t0 = time.perf_counter()
            page = svc.search.search(actor, reason, SearchCriteria(plate=parse_plate_pattern(pat)))
            times.append((time.perf_counter() - t0) * 1000)
            total = page.total
        out[key] = round(statistics.median(times), 1)
        out[key.replace("_ms", "_results")] = total
        print(f"  {pat:10s} {total:>9,d} results  median {out[key]:.1f} ms (runs {[round(t) for t in times]})",
              file=sys.stderr)
    return out


def run(engine, images: Path, documents: Path, n: int, per_day: int, write_images, loader) -> dict[str, float]:  # noqa: ANN001
    now = DAY0 + timedelta(days=31)  # 30-day retention: exactly day 0 has expired
    ctx, actor, svc = setup_common(engine, images, documents, now)
    refs, img_s = write_images()
    load_s = loader(refs)
    print(f"  {len(refs):,} images stored in {img_s:.0f} s, {n:,} reads loaded in {load_s:.0f} s", file=sys.stderr)
    del refs
    known = next(gen_rows(1, per_day))[4]
    res = measure(svc, actor, known)
    t0, c0 = time.perf_counter(), time.process_time()
    pr = svc.purge.purge(actor, trigger="manual")
    res["purge_day_s"] = round(time.perf_counter() - t0, 2)
    res["purge_day_cpu_s"] = round(time.process_time() - c0, 2)  # this process only (not the PG server)
    print(f"  purge: {pr.reads:,} reads, {pr.images:,} images ({pr.files_removed:,} packs/partitions/rows), "
          f"{pr.partitions_dropped} reads partitions in {res['purge_day_s']} s", file=sys.stderr)
    res["purged_reads"] = pr.reads
    res["purged_images"] = pr.images
    res["image_units_removed"] = pr.files_removed
    res["load_s"] = round(load_s, 1)
    return res


def main() -> int:
    import logging

    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("app.services.retention_purge").setLevel(logging.INFO)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=1_000_000)
    ap.add_argument("--pg-reads", type=int, default=None, help="reads for PostgreSQL (default: --reads)")
    ap.add_argument("--purge-day", type=int, default=600_000, help="reads per day (100 cameras)")
    ap.add_argument("--image-bytes", type=int, default=3000, help="size of each read's plate crop")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp folder, removed)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    args = ap.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="records-bench-"))
    out: dict[str, float] = {"reads": args.reads, "image_bytes": args.image_bytes}
    try:
        if not args.skip_sqlite:
            sq = base / "sqlite"
            sq.mkdir(parents=True, exist_ok=True)
            db = sq / "alpr.db"
            engine = make_engine(sqlite_url(db))
            upgrade(engine)
            print(f"SQLite, {args.reads:,} reads ({db})", file=sys.stderr)
            day = min(args.purge_day, args.reads)
            out.update(run(engine, sq / "images", sq / "documents", args.reads, args.purge_day,
                           lambda: write_pack_images(sq / "images" / "packs", day, args.image_bytes),
                           lambda refs: load_sqlite(db, args.reads, args.purge_day, refs)))
            engine.dispose()
            if not args.keep:
                shutil.rmtree(sq, ignore_errors=True)
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgresql"):
            n = args.pg_reads or args.reads
            name = "bench_" + uuid.uuid4().hex[:8]
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            pg = make_engine(url.rsplit("/", 1)[0] + "/" + name)
            try:
                upgrade(pg)
                print(f"PostgreSQL, {n:,} reads", file=sys.stderr)
                pgdir = base / "pg"
                day = min(args.purge_day, n)
                with pg.begin() as c:  # image partitions exist before COPY (else read_images_default)
                    ensure_day_partitions(c, DAY0.date(), (DAY0 + timedelta(days=-(-n // args.purge_day) + 40)).date())
                res = run(pg, pgdir / "images", pgdir / "documents", n, args.purge_day,
                          lambda: write_pg_images(pg, day, args.image_bytes),
                          lambda refs: load_pg(pg, n, args.purge_day, refs))
                out.update({f"pg_{k}": v for k, v in res.items()})
                out["pg_reads"] = n
            finally:
                pg.dispose()
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                admin.dispose()
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

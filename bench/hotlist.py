"""Hot-list benchmark: import (parse + validate) a generated NCIC file, index 2x rows, match.

    python bench/hotlist.py --rows 1000000

Prints progress lines, then as its LAST line one JSON object with import_s, index_mb, exact_us,
lookalike_p99_us, swap_ok (and more detail keys).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.hotlists import parse_hotlist, preset  # noqa: E402
from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher  # noqa: E402
from recognition.match.confusion import LOOKALIKE_GROUPS  # noqa: E402

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TYPES = "V" * 40 + "P" * 25 + "W" * 12 + "F" * 5 + "H" * 5 + "M" * 3 + "A" + "C" * 3 + "X" * 3 + "K" + "L" + "T" + "R"
STATES = ["CA", "TX", "NY", "FL", "OH", "WA", "OR", "NV", "AZ", "IL", "PA", "GA", "MI", "NC", "NJ"]
VEHICLES = ["2009HONDCIV4D", "2015TOYTCAM4D", "2012FORDF15PK", "2018CHEVMALSD", "2005DODGRAMPK", "2009YAMACYLMC"]
COLOURS = ["BLK", "WHI", "SIL", "RED", "BLU", "YEL/BLK", "GRY"]
LOOKALIKE = {ch: g.replace(ch, "") for g in LOOKALIKE_GROUPS for ch in g}


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def random_plate(rng: random.Random) -> str:
    return "".join(rng.choices(ALPHABET, k=rng.randint(5, 8)))


def ncic_line(rng: random.Random, i: int) -> str:
    nic = f"{rng.choice(TYPES)}{i:09d}"
    date = f"20{rng.randint(10, 25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return (
        f"{nic}CA0570200{date}{random_plate(rng):<10}{rng.choice(STATES)}{rng.randint(2018, 2026)}PC"
        f"{rng.choice(VEHICLES)}{rng.choice(COLOURS)}"
    )


def write_file(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="latin-1", newline="\n") as fh:
        for start in range(0, rows, 100_000):
            fh.write("\n".join(ncic_line(rng, i) for i in range(start, min(rows, start + 100_000))) + "\n")


def lookalike_of(plate: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(plate) if ch in LOOKALIKE]
    if not spots:
        return None
    i = rng.choice(spots)
    return plate[:i] + rng.choice(LOOKALIKE[plate[i]]) + plate[i + 1 :]


def per_call_us(matcher: Matcher, queries: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """Per-call wall and thread-CPU microseconds (CPU excludes time the OS ran other processes)."""
    wall, cpu = [], []
    clock, tclock = time.perf_counter_ns, time.thread_time_ns
    for plate, state in queries:
        t, c = clock(), tclock()
        matcher.match(plate, state)
        cpu.append((tclock() - c) / 1000)
        wall.append((clock() - t) / 1000)
    return wall, cpu


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def swap_check(matcher: Matcher, build, queries: list[tuple[str, str]]) -> dict[str, float | bool]:
    """One thread matches non-stop while the main thread builds a new index and swaps it in."""
    stop = threading.Event()
    errors: list[BaseException] = []
    lat: list[tuple[float, float]] = []

    def run() -> None:
        clock = time.perf_counter
        i = 0
        while not stop.is_set():
            plate, state = queries[i % len(queries)]
            t = clock()
            try:
                matcher.match(plate, state)
            except BaseException as exc:  # noqa: BLE001 - the check counts every failure
                errors.append(exc)
            lat.append((t, clock() - t))
            i += 1

    worker = threading.Thread(target=run, name="bench-matcher")
    worker.start()
    time.sleep(0.3)
    build_at = time.perf_counter()
    new_index = build()
    swap_at = time.perf_counter()
    matcher.swap(new_index)
    swap_done = time.perf_counter()
    time.sleep(0.3)
    stop.set()
    worker.join()
    near = [d for t, d in lat if swap_at - 0.05 <= t <= swap_done + 0.05]
    during_build = [d for t, d in lat if build_at <= t <= swap_at]
    max_ms = max(d for _, d in lat) * 1000
    near_ms = max(near) * 1000 if near else 0.0
    return {
        "swap_ok": not errors and matcher.index is new_index and near_ms < 5.0,
        "swap_errors": len(errors),
        "swap_call_us": round((swap_done - swap_at) * 1e6, 1),
        "swap_max_match_ms_near_swap": round(near_ms, 3),
        "swap_max_match_ms": round(max_ms, 3),
        "new_index_build_s": round(swap_at - build_at, 2),
        "matches_during_build": len(during_build),
        "max_match_ms_during_build": round(max(during_build, default=0.0) * 1000, 3),
        "swap_matches_during_check": len(lat),
    }


def _cpu_s(children: bool = True) -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ((kids.ru_utime + kids.ru_stime) if children else 0.0)


def hotlist_service(url: str, path: Path, name: str):  # app types imported lazily: no return annotation
    """A migrated database at ``url`` with HotListService and one NCIC source reading ``path``.

    Returns ``(engine, ctx, service, actor, source)``.
    """
    from app.domain.hotlist_admin import SourceKind
    from app.domain.users import Actor
    from app.persistence.engine import make_engine
    from app.persistence.migrate import upgrade
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext
    from app.services.hotlist_index import HotListIndexHolder
    from app.services.hotlists import HotListService

    engine = make_engine(url)
    upgrade(engine)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="BENCH")
    svc = HotListService(ctx, HotListIndexHolder(ctx))
    actor = Actor.system("BENCH")
    return engine, ctx, svc, actor, svc.add_source(actor, name, SourceKind.NCIC, "ncic_fixed", str(path))


def exact_figures(index: HotListIndex, mixed: list[tuple[str, str]]) -> dict[str, float]:
    """Exact matching (no tolerance, no wildcards) over ``mixed`` (hits and misses): mean wall and CPU per call."""
    exact = Matcher(index, MatchConfig(max_substitutions=0, match_wildcards=False))
    t, c = time.perf_counter(), time.thread_time()
    hits = sum(1 for p, s in mixed if exact.match(p, s))
    return {"exact_cpu_us": round((time.thread_time() - c) / len(mixed) * 1e6, 2),
            "exact_us": round((time.perf_counter() - t) / len(mixed) * 1e6, 2),
            "exact_hit_share": round(hits / len(mixed), 3)}


def national(args: argparse.Namespace, rng: random.Random) -> dict[str, object]:
    """``--service-only`` (default above 2M rows): the console's own process as it really runs.

    The list is imported through HotListService (parse in the child process, SQLite), the live
    matcher the service rebuilt is measured, and ``rss_mb`` is this process's peak: what a console
    holding a national list costs. ``parse_child_rss_mb`` is the parser child's peak.
    """
    import resource

    from sqlalchemy import text

    from app.persistence.engine import sqlite_url

    result: dict[str, object] = {"rows": args.rows, "cpus": os.cpu_count(), "mode": "service-only",
                                 "loadavg_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "ncic.txt"
        if args.file is None:
            t = time.perf_counter()
            write_file(path, args.rows, rng)
            print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s", flush=True)
        engine, ctx, svc, actor, src = hotlist_service(sqlite_url(Path(tmp) / "bench.db"), path, "bench-national")
        before = rss_mb()
        cpu0, console0 = _cpu_s(), _cpu_s(children=False)
        t = time.perf_counter()
        phases: dict[str, float] = {}

        def progress(message: str) -> None:
            at = time.perf_counter() - t
            print(f"  {at:7.1f} s {message}", flush=True)
            for key, start in (("parse_child_s", "Replacing"), ("copy_s", "Removing"), ("old_out_s", "Updating")):
                if message.startswith(start):
                    phases[key] = round(at - sum(phases.values()), 2)

        report = svc.import_source(actor, src.id, progress=progress)
        result["import_s"] = round(time.perf_counter() - t, 2)
        result["import_cpu_s"] = round(_cpu_s() - cpu0, 2)  # this process + the parser child: immune to the load
        result["import_console_cpu_s"] = round(_cpu_s(children=False) - console0, 2)  # copy, old list out, index
        result.update(phases)  # wall time from the start to the verdict, then of the copy and of the old list's removal
        result["index_rebuild_s"] = round(svc.index.last_build_s, 2)
        assert report.accepted, report.refusal
        result["imported"] = report.imported
        index = svc.index.matcher.index
        result["index_entries"] = len(index)
        result["index_arrays_mb"] = round(index.nbytes / 1e6, 1)
        result["rss_after_import_mb"] = round(rss_mb(), 1)
        result["rss_delta_mb"] = round(rss_mb() - before, 1)
        with ctx.uow(read_only=True) as uow:
            sample = [(p, s) for p, s in uow.s.execute(text(
                "SELECT plate, state FROM hotlist_entries WHERE id IN "
                "(SELECT abs(random()) % (SELECT max(id) FROM hotlist_entries) + 1 FROM hotlist_entries LIMIT :n)"),
                {"n": args.queries})]
        engine.dispose()
    misses = [(random_plate(rng), rng.choice(STATES)) for _ in range(len(sample))]
    mixed = [q for pair in zip(sample, misses, strict=True) for q in pair][: args.queries]
    result.update(exact_figures(index, mixed))
    tolerant = Matcher(index, MatchConfig(max_substitutions=1))
    looks = [(q, s) for p, s in sample if (q := lookalike_of(p, rng))]
    lat, lat_cpu = per_call_us(tolerant, looks)
    result["lookalike_p99_us"] = round(p99(lat), 1)
    result["lookalike_p99_cpu_us"] = round(p99(lat_cpu), 1)
    result["loadavg_end"] = round(os.getloadavg()[0], 2)
    result["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["parse_child_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return result


def db_import(path: Path, tmp: Path) -> dict[str, float]:
    """The real import: HotListService.import_source into SQLite (and PostgreSQL when DATABASE_URL is set).

    Includes reading, parsing, validating, replacing the source's entries (SQLite: 5,000-row
    transactions; PostgreSQL: one COPY transaction) and rebuilding the live matcher index.
    """
    from app.persistence.engine import sqlite_url

    out: dict[str, float] = {}
    urls = [("", sqlite_url(tmp / "bench.db"))]
    if os.environ.get("DATABASE_URL"):
        urls.append(("pg_", os.environ["DATABASE_URL"]))
    for prefix, url in urls:
        engine, _ctx, svc, actor, src = hotlist_service(url, path, f"bench-{time.time_ns()}")
        t = time.perf_counter()
        report = svc.import_source(actor, src.id)
        out[f"{prefix}import_s"] = round(time.perf_counter() - t, 2)
        out[f"{prefix}index_rebuild_s"] = round(svc.index.last_build_s, 2)
        assert report.accepted, report.refusal
        print(f"{prefix or 'sqlite '}import: {report.imported} entries in {out[prefix + 'import_s']} s "
              f"(index rebuild {out[prefix + 'index_rebuild_s']} s)", flush=True)
        engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--file", type=Path, help="use this generated NCIC file (--service-only) instead of a new one")
    ap.add_argument("--no-split", action="store_true",
                    help="parse in one process (A/B against the split parse of a large file over two)")
    ap.add_argument("--no-fast", action="store_true",
                    help="streamed (service) imports parse every NCIC row through build_records (A/B of the fast path)")
    ap.add_argument("--no-wal-behind", action="store_true",
                    help="the copy's commits checkpoint the WAL themselves (A/B of the checkpoint thread)")
    ap.add_argument("--service-only", action="store_true",
                    help="only the console's real path (default above 2M rows): import, live index, matching")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.no_split:
        from app.services import hotlist_split

        hotlist_split.SPLIT_MIN_BYTES = 1 << 62
    if args.no_wal_behind:
        from app.persistence import hotlist_rows

        hotlist_rows.CHECKPOINT_BEHIND = False
    if args.no_fast:
        from app.services.hotlist_split import FAST_PATH_ENV

        os.environ[FAST_PATH_ENV] = "0"  # the parser processes inherit it
    if args.service_only or args.rows > 2_000_000:
        print(json.dumps(national(args, rng)))
        return
    result: dict[str, object] = {"rows": args.rows, "index_entries": 2 * args.rows, "cpus": os.cpu_count()}
    result["loadavg_start"] = round(os.getloadavg()[0], 2)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ncic.txt"
        t = time.perf_counter()
        write_file(path, args.rows, rng)
        print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s", flush=True)
        t, c = time.perf_counter(), time.process_time()
        outcome = parse_hotlist(path, preset("ncic_fixed"))
        result["parse_s"] = round(time.perf_counter() - t, 2)
        result["parse_cpu_s"] = round(time.process_time() - c, 2)
        result.update(db_import(path, Path(tmp)))
    assert outcome.accepted, outcome.refusal_detail
    result["imported"] = outcome.counts.imported
    result["duplicates_merged"] = outcome.counts.duplicates_merged
    print(f"parsed: {outcome.report_lines(0)[1]}", flush=True)

    plates = [(r.plate, r.state) for r in outcome.records]
    prios = [r.priority for r in outcome.records]
    del outcome
    extra = args.rows * 2 - len(plates)

    def entries():  # generator: the index is measured, not its input
        for i, (plate, state) in enumerate(plates):
            yield IndexEntry(i, plate, state, prios[i])
        gen = random.Random(args.seed + 1)
        for j in range(extra):
            yield IndexEntry(len(plates) + j, random_plate(gen), gen.choice(STATES), gen.randint(1, 9))

    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    index = HotListIndex(entries())
    result["index_build_s"] = round(time.perf_counter() - t, 2)
    gc.collect()
    result["index_mb"] = round(rss_mb() - before, 1)
    result["index_arrays_mb"] = round(index.nbytes / 1e6, 1)
    print(f"index: {len(index)} entries, build {result['index_build_s']} s, RSS +{result['index_mb']} MB", flush=True)

    sample = [plates[rng.randrange(len(plates))] for _ in range(args.queries)]
    misses = [(random_plate(rng), rng.choice(STATES)) for _ in range(args.queries)]
    mixed = [q for pair in zip(sample, misses, strict=True) for q in pair][: args.queries]

    result.update(exact_figures(index, mixed))

    tolerant = Matcher(index, MatchConfig(max_substitutions=1))
    t = time.perf_counter()
    for p, s in mixed:
        tolerant.match(p, s)
    result["default_config_us"] = round((time.perf_counter() - t) / len(mixed) * 1e6, 2)
    looks = [(q, s) for p, s in sample if (q := lookalike_of(p, rng))]
    lat, lat_cpu = per_call_us(tolerant, looks)
    found = sum(1 for q, s in looks[:2000] if any(m.kind != "exact" for m in tolerant.match(q, s)))
    result["lookalike_p99_us"] = round(p99(lat), 1)
    result["lookalike_p99_cpu_us"] = round(p99(lat_cpu), 1)
    result["lookalike_mean_us"] = round(statistics.fmean(lat), 1)
    result["lookalike_found_share"] = round(found / min(2000, len(looks)), 3)

    indel = Matcher(index, MatchConfig(max_substitutions=1, allow_one_indel=True))
    shortened = [(p[:k] + p[k + 1 :], s) for p, s in sample[:5000] for k in [rng.randrange(len(p))]]
    wall, cpu = per_call_us(indel, shortened)
    result["indel_p99_us"] = round(p99(wall), 1)
    result["indel_p99_cpu_us"] = round(p99(cpu), 1)

    result.update(
        swap_check(tolerant, lambda: HotListIndex(IndexEntry(i, p, s, 4) for i, (p, s) in enumerate(plates)), mixed)
    )
    result["loadavg_end"] = round(os.getloadavg()[0], 2)
    import resource

    result["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # peak, whole run
    result["notes"] = (
        "import_s is the whole HotListService.import_source (read, parse, validate, replace the entries "
        "in 5,000-row transactions, rebuild the live index) on SQLite; rss_mb the peak RSS of the whole run; pg_import_s the same on PostgreSQL; index_mb is the RSS delta of building "
        f"a {2 * args.rows}-entry index; swap: a thread matches non-stop while the main thread builds a "
        f"{len(plates)}-entry index and swaps it in; swap_ok = no errors, new index in use, no match slower "
        "than 5 ms (wall) around the swap (during the build, pauses are bounded by the GIL switch interval, 5 ms); "
        "*_cpu_* keys are thread CPU time, immune to other processes on a shared machine (see loadavg_*)"
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

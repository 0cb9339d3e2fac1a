"""Console latency and GUI-thread benchmark (issue 5). Prints one JSON object on its last line.

Phases (real widgets on the offscreen platform, real SQLite ingest with fsync, real queue model):

1. ``read_to_hit``: PlateReads handed to the RecognitionBridge one by one (as the runtime does);
   time from ``submit`` to the hit row inserted in the queue model AND its chime started
   (both happen in the same GUI slot; the chime sink stamps the time).
2. ``storm``: 8 camera tiles fed 10 preview frames/s each (640x360, from a feeder thread, as the
   runtime does) plus 20 hit-producing reads/s for ``--storm-s`` seconds; a 10 ms heartbeat QTimer
   on the GUI thread records its largest lateness (``gui_block_max_ms``). ``hits_lost``: hits
   stored in the database but not in the queue model at the end.
``--during-import ROWS`` instead: hits are claimed (and released) every 100 ms from the GUI thread
while a ROWS-row NCIC list imports on the bulk worker: ``claim_during_import_ms`` (slowest claim),
``gui_block_max_ms`` (heartbeat lateness), ``import_s``.

3. ``demo``: a demo camera through the real recognition runtime (OpenVINO models unless
   ``--oracle``) into the same bridge; frame capture of the frame that completed the read to the
   hit shown (``frame_to_hit_p95_ms``).

Usage: ``QT_QPA_PLATFORM=offscreen python bench/console.py [--storm-s 60] [--oracle]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402, TID251 - a GUI benchmark

from app.bootstrap import build_services, freeze_startup_heap  # noqa: E402
from app.domain.alerts import ChimeBand, FakeSpeaker  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.paths import AppPaths  # noqa: E402
from app.persistence.engine import make_engine, sqlite_url  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from app.persistence.orm.hotlists import HotListEntryRow, HotListSourceRow  # noqa: E402
from app.runtime.alerts import HitAlertsBridge  # noqa: E402
from app.services.alert_policy import AlertPolicyConfig  # noqa: E402
from app.services.passwords import PasswordHashing  # noqa: E402
from app.settings.model import AppSettings  # noqa: E402
from app.settings.secrets import MemorySecretStore  # noqa: E402
from app.ui.context import UiContext  # noqa: E402
from app.ui.screens.console import ConsoleScreen  # noqa: E402
from app.ui.screens.console_cameras import CameraInfo  # noqa: E402
from app.ui.screens.hotlists_common import ProgressRelay  # noqa: E402
from app.workers.db_executor import DbExecutor  # noqa: E402
from app.workers.recognition_bridge import RecognitionBridge  # noqa: E402
from app.workers.signals import AppSignals  # noqa: E402
from bench.console_probes import GcPauses, thread_cpu, trace_slow_statements  # noqa: E402
from bench.gui_stall import GuiStallTracer, Heartbeat, thread_cpu_ticks  # noqa: E402
from bench.logins import ready_login  # noqa: E402
from recognition.runtime.events import PreviewFrame, PreviewPlate  # noqa: E402
from recognition.synth.scene import TrafficScene  # noqa: E402
from recognition.types import Alternative, BBox, CameraHealth, PlateRead, VehicleColour  # noqa: E402

PW = "bench password 123"
CATS = (("V", "stolen_vehicle", 4), ("P", "stolen_plate", 6), ("A", "amber_alert", 1), ("W", "wanted_person", 2),
        ("F", "felony_vehicle", 7))


class TimedChimes:
    """A ChimeSink stamping when each chime started (the real ChimePlayer.play returns as fast)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def play(self, band: ChimeBand) -> None:
        self.times.append(time.perf_counter())


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(0.95 * len(values)))], 1)


def seed_entries(bundle, plates: list[str]) -> None:
    now = datetime.now(UTC)
    with bundle.ctx.uow() as uow:
        src = HotListSourceRow(name="Bench NCIC extract", kind="ncic", bad_row_threshold=0.05, enabled=True,
                               entry_count=len(plates), last_success_at=now, created_at=now)
        uow.s.add(src)
        uow.s.flush()
        for i, plate in enumerate(plates):
            rtype, cat, prio = CATS[i % len(CATS)]
            uow.s.add(HotListEntryRow(
                source_id=src.id, plate=plate, state="CA", record_type=rtype, category=cat, priority=prio,
                nic=f"{rtype}{zlib.crc32(plate.encode()) % 10**9:09d}", ori="CA0570200", entry_date=date(2026, 10, 1),
                vehicle_year="2019", vehicle_make="HOND", vehicle_model="CIV", vehicle_colour="BLK",
                instructions="Stop only with probable cause" if i % 3 == 0 else None, status="active", revision=1))
    bundle.hotlist_index.rebuild()


def make_read(plate: str, camera: str, jpeg: bytes) -> PlateRead:
    ts = time.time()
    return PlateRead(read_id=str(uuid.uuid4()), camera_id=camera, text=plate, confidence=0.93,
                     char_confidences=tuple(0.93 for _ in plate), alternatives=(Alternative(plate, 0.93),), state="CA",
                     state_confidence=0.8, colour=VehicleColour("BLK", 0.7), box=BBox(100, 200, 120, 40),
                     plate_jpeg=jpeg + plate.encode(), overview_jpeg=jpeg + b"overview" + plate.encode(),
                     first_seen=ts - 1, last_seen=ts, best_ts=ts, frame_count=5, capture_ts=ts - 1)


class Bench:
    def __init__(self, root: Path, plates: list[str], freeze: bool = True) -> None:
        self.paths = AppPaths(root / "data", root / "cfg").ensure()
        self.engine = make_engine(sqlite_url(root / "alpr.db"))
        upgrade(self.engine)
        if os.environ.get("BENCH_SLOW_SQL"):  # statements slower than that many ms, with their thread
            trace_slow_statements(self.engine, float(os.environ["BENCH_SLOW_SQL"]))
        fast = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)
        self.bundle = build_services(self.engine, AppSettings(), self.paths, MemorySecretStore(), hashing=fast)
        if freeze:  # what Assembly.connect does once the services are built
            freeze_startup_heap()
        self.bundle.accounts.create_first_admin("sup1", "Sam Supervisor", PW, _training())
        admin = self._login("sup1")
        self.bundle.administration.create_user(admin.actor, "disp1", "Dana Dispatcher", PW,
                                               frozenset({Role.DISPATCHER}), training=_training())
        disp = self._login("disp1")
        seed_entries(self.bundle, plates)
        self.signals = AppSignals()
        self.executor = DbExecutor()
        self.ui = UiContext(self.bundle, self.executor, self.signals, AppSettings(), self.paths, disp.user,
                            disp.actor, "Bench County")
        self.chimes = TimedChimes()
        self.alerts = HitAlertsBridge(self.signals, AlertPolicyConfig(), FakeSpeaker(), self.chimes)
        self.screen = ConsoleScreen(self.ui, self.alerts)
        self.screen.resize(1600, 1000)
        self.screen.show()
        self.bridge = RecognitionBridge(self.bundle.hits.ingest, self.signals, None)
        self.bridge.start()
        self.submitted: dict[str, float] = {}  # plate -> perf_counter at submit
        self.shown: dict[int, float] = {}
        self.screen.ctrl.hit_shown.connect(lambda hit: self.shown.__setitem__(hit.id, time.perf_counter()))

    def _login(self, username: str):  # noqa: ANN202 - a LoginResult, policy accepted as the login flow does
        return ready_login(self.bundle, username, PW)

    def stop(self) -> None:
        self.bridge.stop()
        self.screen.shutdown()
        self.alerts.shutdown()
        self.executor.shutdown()


def _training():
    from app.domain.users import TrainingRecord

    today = date.today()
    return TrainingRecord("ALPR operator", date(today.year - 1, today.month, 1), date(today.year + 1, 12, 31))


async def phase_read_to_hit(b: Bench, plates: list[str], jpeg: bytes, n: int, rate: float) -> list[float]:
    out: list[float] = []
    loop = asyncio.get_running_loop()
    for plate in plates[:n]:
        chimes_before = len(b.chimes.times)
        t0 = time.perf_counter()
        b.bridge.submit(make_read(plate, "cam-1", jpeg))
        deadline = loop.time() + 5
        while len(b.chimes.times) == chimes_before and loop.time() < deadline:
            await asyncio.sleep(0.001)
        hit_ids = [h.id for h in b.screen.ctrl.model.rows if h.plate_read == plate]
        if hit_ids and len(b.chimes.times) > chimes_before:
            row_at = b.screen.ctrl.shown_at[hit_ids[0]]
            out.append((max(row_at, b.chimes.times[chimes_before]) - t0) * 1000.0)
        await asyncio.sleep(1.0 / rate)
    return out


def preview_frames(count: int) -> list[tuple[object, tuple[PreviewPlate, ...]]]:
    frames = []
    scene = TrafficScene(640, 360, seed=4, vehicles_per_minute=40)
    for i in range(count):
        f = scene.render(i * 0.2)
        frames.append((f.image, tuple(PreviewPlate(p.box, p.text, 0.9) for p in f.plates)))
    return frames


async def phase_idle(seconds: float) -> dict:
    """The same heartbeat with the console idle: how late the machine alone makes a 10 ms timer."""
    lateness: list[float] = []
    last = [time.perf_counter()]

    def on_beat() -> None:
        now = time.perf_counter()
        lateness.append((now - last[0]) * 1000.0 - 10.0)
        last[0] = now

    beat = QTimer()
    beat.setInterval(10)
    beat.timeout.connect(on_beat)
    beat.start()
    await asyncio.sleep(seconds)
    beat.stop()
    return {"idle_block_max_ms": round(max(lateness), 1), "idle_block_p99_ms": p95_of(lateness, 0.99)}


async def phase_storm(b: Bench, plates: list[str], jpeg: bytes, seconds: float, cameras: int,
                      hits_per_s: float, preview_fps: float = 10.0, trace_ms: float = 0.0) -> dict:
    cams = [f"cam-{i + 1}" for i in range(cameras)]
    b.screen.tiles.set_cameras([CameraInfo(c, f"Camera {i + 1}", "bench") for i, c in enumerate(cams)])
    frames = preview_frames(30)
    stop = threading.Event()

    def feed_previews() -> None:
        seq = 0
        next_t = time.monotonic()
        while not stop.is_set() and preview_fps > 0:
            for cam in cams:
                img, plates_ = frames[seq % len(frames)]
                b.signals.camera_preview.emit(PreviewFrame(cam, seq, time.time(), 640, 360, img, b"", plates_))
            if seq % 10 == 0:
                for cam in cams:
                    b.signals.camera_health.emit(CameraHealth(cam, "live", 10.0, 10.0, 0, 0))
            seq += 1
            next_t += 1.0 / preview_fps
            stop.wait(max(0.0, next_t - time.monotonic()))

    def feed_reads() -> None:
        i = 0
        next_t = time.monotonic()
        end = next_t + seconds
        while not stop.is_set() and time.monotonic() < end:
            if hits_per_s <= 0:
                stop.wait(0.05)
                continue
            b.bridge.submit(make_read(plates[i % len(plates)], cams[i % len(cams)], jpeg))
            i += 1
            next_t += 1.0 / max(hits_per_s, 1e-3)
            stop.wait(max(0.0, next_t - time.monotonic()))
        b.storm_reads = i

    lateness: list[float] = []
    last = [time.perf_counter()]
    beat = QTimer()
    beat.setInterval(10)

    def on_beat() -> None:
        now = time.perf_counter()
        lateness.append((now - last[0]) * 1000.0 - 10.0)
        last[0] = now

    beat.timeout.connect(on_beat)
    beat.start()
    tracer = GuiStallTracer(trace_ms).start() if trace_ms > 0 else None
    threads = [threading.Thread(target=feed_previews, daemon=True), threading.Thread(target=feed_reads, daemon=True)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    while threads[1].is_alive():
        await asyncio.sleep(0.05)
    stop.set()
    threads[0].join(2)
    # drain: the ingest thread finishes its backlog, then the GUI applies the last signals
    while b.bridge.backlog or b.bridge.stored < b.bridge.received:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    beat.stop()
    for stall in tracer.stop()[:5] if tracer else ():
        print(stall.describe(), file=sys.stderr)
    elapsed = time.monotonic() - t0
    db_hits = await b.ui.call(b.bundle.hits.hits.queue, b.ui.actor, False, 100_000)
    in_model = {h.id for h in b.screen.ctrl.model.rows}
    lost = [h.id for h in db_hits if h.id not in in_model]
    shown_tiles = sum(t.frames_shown for t in b.screen.tiles.tiles.values())
    return {"gui_block_max_ms": round(max(lateness), 1), "gui_block_p99_ms": p95_of(lateness, 0.99),
            "hits_lost": len(lost), "storm_hits": len(db_hits), "storm_reads": getattr(b, "storm_reads", 0),
            "storm_s": round(elapsed, 1), "tile_fps_shown": round(shown_tiles / elapsed / cameras, 1)}


def p95_of(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


async def phase_demo(b: Bench, plates: list[str], seconds: float, use_models: bool) -> dict:
    from recognition.config import CameraConfig, DemoSourceConfig, RuntimeConfig
    from recognition.runtime import RecognitionRuntime, model_pipeline, oracle_pipeline

    cam = CameraConfig(id="demo-1", name="Demo Main St", location="Main St & 5th",
                       source=DemoSourceConfig(seed=9, plates=tuple(plates[:20]), seeded_share=0.6, realtime=True,
                                               vehicles_per_minute=30, resolution="720p", fps=10))
    frame_ts: dict[str, float] = {}
    read_of_hit: dict[int, str] = {}
    latencies: list[float] = []
    received: list[float] = []  # frame -> stored signal handled on the GUI thread
    holder: dict[str, RecognitionRuntime] = {}

    def make(callbacks):  # noqa: ANN001, ANN202
        rt = RecognitionRuntime(RuntimeConfig(cameras=(cam,)), model_pipeline if use_models else oracle_pipeline,
                                callbacks)
        orig = rt._emit_reads  # bench-only hook: remember the capture time of the completing frame

        def emit(reads, frame_ts_=None):  # noqa: ANN001, ANN202
            for r in reads:
                frame_ts[r.read_id] = frame_ts_ if frame_ts_ is not None else time.time()
            orig(reads, frame_ts_)

        rt._emit_reads = emit  # type: ignore[method-assign]
        holder["rt"] = rt
        return rt

    bridge = RecognitionBridge(b.bundle.hits.ingest, b.signals, make)

    ingest_ms: list[float] = []
    stored_at: dict[int, float] = {}

    def stored(result) -> None:  # noqa: ANN001 - runs before hit_raised of the same read (same queue)
        ingest_ms.append(result.ms)
        for hit in result.hits:
            stored_at[hit.id] = time.time()
            read_of_hit[hit.id] = result.read_uuid

    def shown(hit) -> None:  # noqa: ANN001
        uuid_ = read_of_hit.get(hit.id)
        if uuid_ in frame_ts:
            latencies.append((time.time() - frame_ts[uuid_]) * 1000.0)
            received.append((stored_at.get(hit.id, time.time()) - frame_ts[uuid_]) * 1000.0)

    bridge.read_stored.connect(stored)
    b.screen.ctrl.hit_shown.connect(shown)
    bridge.start()
    await asyncio.sleep(seconds)
    bridge.stop()
    await asyncio.sleep(0.3)
    stats = holder["rt"].stats if "rt" in holder else None
    return {"frame_to_hit_p95_ms": p95(latencies), "demo_hits": len(latencies),
            "demo_reads": stats.reads if stats else 0, "demo_models": use_models,
            "demo_ingest_p95_ms": p95(ingest_ms), "demo_frame_to_stored_p95_ms": p95(received),
            "demo_frame_to_read_p95_ms": p95(list(stats.frame_to_read_ms)) if stats else None}


def write_ncic_file(path: Path, rows: int, seed: int = 7) -> None:
    """An NCIC fixed-width extract of ``rows`` distinct plates (DOMAIN.md layout)."""
    import random

    rnd = random.Random(seed)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    with open(path, "w", encoding="ascii") as f:
        for i in range(rows):
            plate = f"{rnd.choice(letters)}{rnd.choice(letters)}{i:07d}"[:9]
            rtype = "VPWAF"[i % 5]
            f.write(f"{rtype}{i:09d}CA057020020190509{plate:<10}CA2009PC2019HONDCIV4DBLK\n")


async def _hits_and_list(b: Bench, plates: list[str], jpeg: bytes, rows: int):  # noqa: ANN202 - (Actor, source)
    """40 open hits to claim, and a ``rows``-row NCIC file added as a source (not imported yet)."""
    from app.domain.hotlist_admin import SourceKind
    from app.domain.users import Actor

    for plate in plates[:40]:
        b.bridge.submit(make_read(plate, "cam-2", jpeg))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and b.bridge.stored < b.bridge.received:
        await asyncio.sleep(0.05)
    admin = Actor.system("BENCH", "bench-admin")
    listing = b.paths.data / "ncic_big.txt"
    await asyncio.get_running_loop().run_in_executor(None, write_ncic_file, listing, rows)
    src = await b.ui.call(b.bundle.hotlists.add_source, admin, "Bench big list", SourceKind.NCIC, "ncic_fixed",
                          str(listing))
    return admin, src


async def phase_during_import(b: Bench, plates: list[str], jpeg: bytes, rows: int, trace_ms: float = 0.0,
                              control_s: float = 0.0) -> dict:
    """Claim (and release) the next hit again and again while a ``rows``-row list imports on the bulk worker.

    ``control_s`` > 0: the same claims and heartbeat for that long with no import (what the machine's
    load and the claims alone make of the GUI heartbeat, to compare with a run that imports).
    """
    hot, hits, ui = b.bundle.hotlists, b.bundle.hits.hits, b.ui
    admin, src = await _hits_and_list(b, plates, jpeg, rows)
    # progress reaches the GUI as the Sources screen takes it: a queued signal into a label
    relay, label, shown = ProgressRelay(), QLabel(), [0]

    def progress(message: str) -> None:  # on the GUI thread
        label.setText(message)
        shown[0] += 1
        if os.environ.get("BENCH_TRACE") or trace_ms > 0:
            print(f"{time.perf_counter() - t0:7.2f} s: {message}", file=sys.stderr)

    relay.message.connect(progress)

    # a console has claimed hits long before a list imports: compile the claim's queries first, so the
    # figures measure the import, not SQLAlchemy's first-use compilation
    warm = await ui.call(hits.claim_next, ui.actor)
    if warm is not None:
        await ui.call(hits.release, ui.actor, warm.id)
    gc_pauses = GcPauses(trace_ms / 2).start()
    # lateness counts from here: in sessions 17-22 it counted from before the warm-up claim, so the first
    # "stall" (62-125 ms at 0.01-0.03 s) was that claim's own time
    beat = Heartbeat(trace_ms=trace_ms).start()
    t0 = beat.t0
    # the stack sampler's watchdog wakes every 2 ms and takes the GIL: its own load (~1.7 CPU-s an import)
    # moves the figures, so it runs only on demand; the heartbeat, GC and thread-id lines cost nothing
    sample = trace_ms > 0 and os.environ.get("BENCH_SAMPLE_STACKS") == "1"
    tracer = GuiStallTracer(trace_ms, events=False).start() if sample else None
    cpu0, ticks0 = os.times(), thread_cpu_ticks()
    job = asyncio.ensure_future(asyncio.sleep(control_s) if control_s > 0
                                else ui.call_bulk(hot.import_source, admin, src.id, progress=relay))
    claims: list[float] = []
    while not job.done():
        c0 = time.perf_counter()
        hit = await ui.call(hits.claim_next, ui.actor)
        claims.append((time.perf_counter() - c0) * 1000.0)
        if hit is not None:
            await ui.call(hits.release, ui.actor, hit.id)
        await asyncio.sleep(0.1)
    summary = await job
    import_s = time.perf_counter() - t0
    cpu1, ticks1 = os.times(), thread_cpu_ticks()
    beat.stop()
    gc_pauses.stop()
    for stall in sorted(tracer.stop(), key=lambda s: s.at_s) if tracer else ():
        print(stall.describe(), file=sys.stderr)
    if trace_ms > 0:  # thread ids, to read `perf sched timehist` of the same run
        print("threads: " + ", ".join(f"{t.name}={t.native_id}" for t in threading.enumerate()), file=sys.stderr)
    return {**gc_pauses.summary(), "claim_during_import_ms": round(max(claims), 1) if claims else None,
            "claim_during_import_p95_ms": p95(claims), "claims_during_import": len(claims),
            "gui_block_max_ms": round(max(beat.lateness), 1) if beat.lateness else None,
            "gui_block_over_40ms": len(beat.stalls), "gui_stalls_over_40ms": beat.stalls,
            "progress_messages": shown[0],
            "import_rows": 0 if control_s > 0 else rows,
            "import_accepted": None if control_s > 0 else summary.accepted, "import_s": round(import_s, 2),
            "console_cpu_s": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 2),
            "children_cpu_s": round(cpu1.children_user + cpu1.children_system
                                    - cpu0.children_user - cpu0.children_system, 2),
            "thread_cpu_s": thread_cpu(ticks0, ticks1)}


async def main(args: argparse.Namespace) -> dict:
    plates = [f"{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}{i % 10}{1000 + i}" for i in range(2000)]
    ok, buf = cv2.imencode(".jpg", TrafficScene(160, 60, seed=1).render(0).image)
    jpeg = buf.tobytes()
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        b = Bench(Path(tmp), plates, freeze=not args.no_freeze)
        if args.gc_threshold:
            gc.set_threshold(*(int(x) for x in args.gc_threshold.split(",")))
        try:
            await asyncio.sleep(0.5)
            if args.during_import:
                return await phase_during_import(b, plates, jpeg, args.during_import, args.trace_stalls,
                                                 args.control_s)
            r2h = await phase_read_to_hit(b, plates[1000:], jpeg, args.reads, args.read_rate)
            out: dict = {"read_to_hit_p95_ms": p95(r2h), "read_to_hit_median_ms": round(statistics.median(r2h), 1),
                         "read_to_hit_n": len(r2h)}
            out.update(await phase_idle(min(10.0, args.storm_s / 2)))
            out.update(await phase_storm(b, plates[:1000], jpeg, args.storm_s, 8, args.hits_per_s,
                                       args.preview_fps, args.trace_stalls))
            if args.demo_s > 0:
                out.update(await phase_demo(b, plates[1500:], args.demo_s, not args.oracle))
        finally:
            b.stop()
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=100)
    ap.add_argument("--read-rate", type=float, default=10.0)
    ap.add_argument("--storm-s", type=float, default=60.0)
    ap.add_argument("--hits-per-s", type=float, default=20.0)
    ap.add_argument("--preview-fps", type=float, default=10.0, help="preview frames per camera per second")
    ap.add_argument("--demo-s", type=float, default=45.0)
    ap.add_argument("--oracle", action="store_true", help="demo phase without the OpenVINO models")
    ap.add_argument("--during-import", type=int, default=0, metavar="ROWS",
                    help="only: claim hits while a ROWS-row hot list imports (claim_during_import_ms, gui_block_max_ms)")
    ap.add_argument("--control-s", type=float, default=0.0, metavar="S",
                    help="--during-import: the same claims and heartbeat for S seconds with no import (control run)")
    ap.add_argument("--parse-level", action="store_true",
                    help="--during-import: parser children at niceness max(console's, 10), as before session 23 "
                         "(A/B of hotlist_import.PARSE_BELOW_STEPS)")
    ap.add_argument("--gc-threshold", default=None, metavar="A,B,C",
                    help="gc.set_threshold(A, B, C) once the console is built (A/B of the collector's pacing)")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave the start-up heap in the collector's generations (before issue 13's gc.freeze)")
    ap.add_argument("--trace-stalls", type=float, default=0.0, metavar="MS",
                    help="storm: print where the GUI thread was during its 5 longest stalls over MS ms (stderr); "
                         "--during-import: every stall over MS ms, in time order, with the import's progress")
    ap.add_argument("--no-split", action="store_true",
                    help="--during-import: parse in one process (A/B against the split parse over two)")
    ap.add_argument("--no-wal-behind", action="store_true",
                    help="--during-import: the copy's commits checkpoint the WAL themselves (A/B of the checkpoint thread)")
    args = ap.parse_args()
    if args.no_wal_behind:
        from app.persistence import hotlist_rows

        hotlist_rows.CHECKPOINT_BEHIND = False
    if args.parse_level:
        from app.services import hotlist_import

        hotlist_import.PARSE_BELOW_STEPS = 0
    if args.no_split:
        from app.services import hotlist_split

        hotlist_split.SPLIT_MIN_BYTES = 1 << 62
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(main(args))
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))

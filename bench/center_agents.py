"""Processes of a communications center for bench/center.py and the process test.

``setup URL``        fresh schema, demo hot list, N demo cameras in the node pool, two dispatchers
``console URL NAME USER OUT``  a headless console service: LISTENs for reads and hits, claims every
                     new hit it hears of (racing the other consoles), loads each hit's plate image
                     through the services; writes its tallies to OUT (JSON, replaced every 0.5 s)
``ingest URL NAME N OUT``  the node's ingest path (RecognitionBridge -> journal -> batched ingest)
                     fed N synthetic reads as fast as the runtime would hand them over

Every process uses the app's own services (access recorded); nothing here touches tables directly
except ``setup`` creating the database.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import queue
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.bootstrap import build_services  # noqa: E402
from app.domain.center import NODE_POOL  # noqa: E402
from app.domain.errors import Conflict, DomainError  # noqa: E402
from app.domain.notifications import CHANNEL, READS_CHANNEL, HitNotification, ReadsStored  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.domain.users import Actor, TrainingRecord  # noqa: E402
from app.paths import AppPaths  # noqa: E402
from app.persistence.engine import make_engine  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from app.persistence.notifications import PgNotificationListener  # noqa: E402
from app.services.cameras import CameraDraft  # noqa: E402
from app.services.demo_seed import demo_plates, seed_demo  # noqa: E402
from app.services.passwords import PasswordHashing  # noqa: E402
from app.settings.model import AppSettings  # noqa: E402
from app.settings.secrets import MemorySecretStore  # noqa: E402

PW = "correct horse battery staple"
TEMP_PW = "temporary horse battery 1"
FAST = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)


def _services(url: str, name: str, data: Path):
    engine = make_engine(url)
    paths = AppPaths(data / name, data / f"{name}-cfg").ensure()
    return engine, build_services(engine, AppSettings(workstation_name=name), paths, MemorySecretStore(),
                                  hashing=FAST)


def _login(svc, username: str) -> Actor:  # noqa: ANN001
    """Sign in as a console does: the agency's policy acknowledged when asked for."""
    result = svc.accounts.login(username, PW)
    if result.needs_policy_ack:
        svc.accounts.acknowledge_policy(result.actor, result.policy_version)
    return result.actor


def _training() -> TrainingRecord:
    from datetime import date, timedelta

    today = date.today()
    return TrainingRecord("ALPR operator", today - timedelta(days=10), today + timedelta(days=300))


def setup(url: str, cameras: int, data: Path, vehicles_per_minute: float = 20.0) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    engine, svc = _services(url, "SETUP", data)
    seed_demo(svc.hotlists, svc.ctx.uow, data / "demo", "SETUP")
    svc.accounts.create_first_admin("sup1", "Sam Supervisor", PW, _training())
    admin = _login(svc, "sup1")
    for user in ("disp1", "disp2"):
        svc.administration.create_user(admin, user, user.title(), TEMP_PW, frozenset({Role.DISPATCHER}),
                                       training=_training())
        first = svc.accounts.login(user, TEMP_PW)  # a new account must set its own password first
        svc.accounts.change_password(first.actor, TEMP_PW, PW)
    system = Actor.system("SETUP", "setup")
    for i in range(cameras):
        source = {"type": "demo", "seed": i + 1, "plates": list(demo_plates()), "seeded_share": 0.5,
                  "vehicles_per_minute": vehicles_per_minute}
        svc.hits.cameras.add(system, CameraDraft(f"demo-{i + 1}", f"Demo {i + 1}", source,
                                                 owner_workstation=NODE_POOL))
    engine.dispose()


class ConsoleService:
    """A console without its windows: what a dispatcher's console does with reads and hits."""

    def __init__(self, url: str, name: str, user: str, out: Path, data: Path) -> None:
        self.engine, self.svc = _services(url, name, data)
        self.actor = _login(self.svc, user)
        self.out = out
        self.listener = PgNotificationListener(url, CHANNEL, also=(READS_CHANNEL,))
        self.stats = {"name": name, "reads": 0, "read_latency_ms": [], "hits_heard": 0, "claimed": [],
                      "lost_race": 0, "images_ok": 0, "images_missing": 0, "errors": 0, "ready": False}
        self.stop = threading.Event()

    def run(self) -> None:
        """LISTEN on a thread of its own (as the console's PgListener does); hits are handled here."""
        self.listener.connect()
        self.stats["ready"] = True
        hits: queue.Queue[int] = queue.Queue()
        listening = threading.Thread(target=self._listen, args=(hits,), name="listen", daemon=True)
        listening.start()
        last = 0.0
        while not self.stop.is_set():
            try:
                self._hit(hits.get(timeout=0.2))
            except queue.Empty:
                pass
            if time.monotonic() - last > 0.5:
                self._write()
                last = time.monotonic()
        listening.join(5)
        self._write()
        self.listener.close()
        self.engine.dispose()

    def _listen(self, hits: queue.Queue) -> None:
        while not self.stop.is_set():
            try:
                got = self.listener.wait_raw(0.2)
            except Exception:  # noqa: BLE001 - reconnect on the next wait
                self.stats["errors"] += 1
                continue
            now = time.time()
            for channel, payload in got:
                if channel == READS_CHANNEL:
                    reads = ReadsStored.parse(payload)
                    if reads is not None:
                        self.stats["reads"] += len(reads.reads)
                        self.stats["read_latency_ms"] += [round((now - ts) * 1e3, 2) for _r, _c, ts in reads.reads]
                else:
                    note = HitNotification.parse(payload)
                    if note is not None and note.kind == "hit":
                        hits.put(note.hit_id)

    def _hit(self, hit_id: int) -> None:
        self.stats["hits_heard"] += 1
        hits = self.svc.hits.hits
        try:
            hits.claim(self.actor, hit_id)
            self.stats["claimed"].append(hit_id)
        except Conflict:
            self.stats["lost_race"] += 1
        except DomainError:
            self.stats["errors"] += 1
        try:
            image = hits.image(self.actor, hit_id, "plate")
            self.stats["images_ok" if image else "images_missing"] += 1
        except DomainError:
            self.stats["images_missing"] += 1

    def _write(self) -> None:
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.stats))
        os.replace(tmp, self.out)


def ingest(url: str, name: str, count: int, out: Path, data: Path) -> None:
    from PySide6.QtCore import QCoreApplication

    from app.workers.recognition_bridge import RecognitionBridge
    from app.workers.signals import AppSignals
    from recognition.types import Alternative, BBox, PlateRead, VehicleColour

    QCoreApplication.instance() or QCoreApplication([])
    engine, svc = _services(url, name, data)
    rng = os.urandom
    plate_jpeg, overview = b"\xff\xd8" + rng(4000), b"\xff\xd8" + rng(60000)  # a crop and a downscaled overview
    reads = []
    for i in range(count):
        ts = time.time()
        text = f"IN{i % 100000:05d}"
        reads.append(PlateRead(read_id=str(uuid.uuid4()), camera_id=f"{name}-cam-{i % 4}", text=text, confidence=0.9,
                               char_confidences=tuple(0.9 for _ in text), alternatives=(Alternative(text, 0.9),),
                               state="CA", state_confidence=0.8, colour=VehicleColour("BLK", 0.7),
                               box=BBox(10, 20, 120, 40), plate_jpeg=plate_jpeg + i.to_bytes(4, "big"),
                               overview_jpeg=overview + i.to_bytes(4, "big"), first_seen=ts - 1, last_seen=ts,
                               best_ts=ts, frame_count=5))
    bridge = RecognitionBridge(svc.hits.ingest, AppSignals())
    if os.environ.get("ALPR_BENCH_PROFILE"):  # bench/center.py --profile: the ingest thread's own profile
        import cProfile

        loop = bridge._ingest_loop

        def profiled() -> None:
            prof = cProfile.Profile()
            prof.enable()
            try:
                loop()
            finally:
                prof.disable()
                prof.dump_stats(str(out.with_suffix(".ingest-thread.prof")))

        bridge._ingest_loop = profiled  # type: ignore[method-assign]
    bridge.start()
    t0 = time.perf_counter()
    for r in reads:
        bridge.submit(r)
    while bridge.stored < count and time.perf_counter() - t0 < 300:
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    bridge.stop()
    # the database + image store part alone (no journal): batches of 100 as the ingest thread forms them
    fresh = [dataclasses.replace(r, read_id=str(uuid.uuid4())) for r in reads]
    t1 = time.perf_counter()
    for k in range(0, len(fresh), 100):
        batch = fresh[k:k + 100]
        svc.hits.reads.ingest_many(batch, svc.hits.reads.store_images_many(batch))
    store_s = time.perf_counter() - t1
    out.write_text(json.dumps({"name": name, "reads": bridge.stored, "s": round(elapsed, 3),
                               "reads_per_s": round(bridge.stored / elapsed, 1),
                               "store_reads_per_s": round(len(fresh) / store_s, 1)}))
    engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("url")
    s.add_argument("--cameras", type=int, default=8)
    s.add_argument("--vehicles-per-minute", type=float, default=20.0)
    c = sub.add_parser("console")
    c.add_argument("url")
    c.add_argument("name")
    c.add_argument("user")
    c.add_argument("out", type=Path)
    i = sub.add_parser("ingest")
    i.add_argument("url")
    i.add_argument("name")
    i.add_argument("count", type=int)
    i.add_argument("out", type=Path)
    for q in (s, c, i):
        q.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "alpr-center")
    a = p.parse_args()
    if a.cmd == "setup":
        setup(a.url, a.cameras, a.data, a.vehicles_per_minute)
    elif a.cmd == "console":
        service = ConsoleService(a.url, a.name, a.user, a.out, a.data)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: service.stop.set())
        service.run()
    else:
        ingest(a.url, a.name, a.count, a.out, a.data)


if __name__ == "__main__":
    main()

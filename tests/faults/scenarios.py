"""Fault scenarios shared by ``tests/faults`` (which assert on them) and ``bench/faults.py`` (which prints them).

Each scenario drives the real ingest (journal, memory buffer, database) or the real hot-list
parser through one fault and returns counts. No sleeps as waits: loops poll a condition with a
deadline. Scenarios that need root (mounts) raise :class:`Unavailable` with the reason.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Unavailable(Exception):
    """The scenario cannot run on this machine (no root for mounts, no PostgreSQL binaries)."""


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.02) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


# ---- a small tmpfs ---------------------------------------------------------------------------------
@contextlib.contextmanager
def tmpfs(size_kib: int) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kib`` (root only; :class:`Unavailable` otherwise)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        raise Unavailable("mounting a tmpfs needs root (CI runs as root)")
    where = Path(tempfile.mkdtemp(prefix="alpr-fault-fs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(where)],
                          capture_output=True, text=True, timeout=20)
    if done.returncode != 0:
        where.rmdir()
        raise Unavailable(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)
        shutil.rmtree(where, ignore_errors=True)


def remount(where: Path, mode: str) -> None:
    """``ro`` or ``rw``."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True, timeout=20)


def fill(where: Path) -> Path:
    """Fill the file system up to the last byte; returns the filler file."""
    filler = where / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(block)

        with contextlib.suppress(OSError):
            while True:  # the last partial block
                f.write(b"\0" * 512)

    return filler


# ---- ingest with a database ---------------------------------------------------------------------------
def _ingest(data: Path, db_url: str, spool: Path | None = None, **spool_kw):  # noqa: ANN202
    from app.persistence.engine import make_engine
    from app.persistence.image_stores import open_image_store
    from app.persistence.migrate import upgrade
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.context import ServiceContext
    from app.services.read_store import ReadStore
    from app.services.spool import DurableIngest, Spool

    engine = make_engine(db_url)
    upgrade(engine)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="FAULTS")
    ingest = DurableIngest(ReadStore(ctx, open_image_store(engine, data / "images")), Spool(spool or data / "spool", **spool_kw),
                           retry_after_s=0.0)
    return engine, ctx, ingest


def stored_counts(ctx, wanted: set[str]) -> tuple[int, int]:  # noqa: ANN001
    """(reads of ``wanted`` missing from the database, rows stored more than once)."""
    from sqlalchemy import text

    with ctx.uow(read_only=True) as uow:
        rows = [r[0] for r in uow.s.execute(text("SELECT read_uuid FROM reads"))]
    return len(wanted - set(rows)), len(rows) - len(set(rows))


def _drain(ingest, timeout: float = 30) -> bool:  # noqa: ANN001
    def settled() -> bool:
        ingest.replay(force=True)
        ingest.checkpoint()
        s = ingest.status()
        return s.buffered == 0 and s.pending == 0
    return wait_until(settled, timeout, step=0.05)


def _leftover_temp_files(*folders: Path) -> int:
    return sum(1 for f in folders if f.exists() for p in f.rglob("*.tmp"))


def disk_full(reads: int = 120, seed: int = 1) -> dict:
    """The whole data folder (journal, images, SQLite database) on a tmpfs that fills up, then frees."""
    from tests.app.hitkit import make_read

    with tmpfs(16 * 1024) as mnt:
        engine, ctx, ingest = _ingest(mnt, f"sqlite:///{mnt / 'alpr.db'}", reserve_bytes=0, warn_bytes=0)
        try:
            ingest.replay(force=True)
            sent = [make_read(f"DF{i:05d}", seed=seed * 1000 + i) for i in range(reads)]
            half = reads // 2
            for read in sent[:10]:  # normal operation first
                ingest.submit(read)
            filler = fill(mnt)
            alarm = False
            for read in sent[10:half]:
                ingest.submit(read)
                alarm = alarm or ingest.status().alarm
            filler.unlink()  # space is back
            for read in sent[half:]:
                ingest.submit(read)
            settled = _drain(ingest)
            lost, dup = stored_counts(ctx, {r.read_id for r in sent})
            return {"lost": lost, "duplicates": dup, "alarm": alarm, "settled": settled,
                    "temp_files": _leftover_temp_files(mnt / "spool", mnt / "images"),
                    "dropped": ingest.status().dropped, "faults_recorded": _fault_rows(ctx)}
        finally:
            engine.dispose()


def readonly(reads: int = 120, seed: int = 2) -> dict:
    """The journal folder turns read-only for a while (reads go straight to the database meanwhile)."""
    from tests.app.hitkit import make_read

    with tmpfs(32 * 1024) as mnt, tempfile.TemporaryDirectory(prefix="alpr-fault-ro-") as rest:
        # the journal folder alone (a database or image pack open for writing keeps a mount from turning ro)
        engine, ctx, ingest = _ingest(Path(rest), f"sqlite:///{Path(rest) / 'alpr.db'}", spool=mnt / "spool",
                                      reserve_bytes=0, warn_bytes=0)
        try:
            ingest.replay(force=True)
            sent = [make_read(f"RO{i:05d}", seed=seed * 1000 + i) for i in range(reads)]
            third = reads // 3
            for read in sent[:third]:
                ingest.submit(read)
            ingest.checkpoint()
            remount(mnt, "ro")
            alarm = False
            try:
                for read in sent[third:2 * third]:
                    ingest.submit(read)
                    alarm = alarm or ingest.status().alarm
            finally:
                remount(mnt, "rw")
            for read in sent[2 * third:]:
                ingest.submit(read)
            settled = _drain(ingest)
            lost, dup = stored_counts(ctx, {r.read_id for r in sent})
            return {"lost": lost, "duplicates": dup, "alarm": alarm, "settled": settled,
                    "temp_files": _leftover_temp_files(mnt / "spool", Path(rest) / "images"),
                    "dropped": ingest.status().dropped, "faults_recorded": _fault_rows(ctx)}
        finally:
            engine.dispose()


def _fault_rows(ctx) -> int:  # noqa: ANN001
    from sqlalchemy import text

    with ctx.uow(read_only=True) as uow:
        return uow.s.execute(text("SELECT count(*) FROM access_log WHERE action = 'spool.journal_fault'")).scalar()


# ---- SIGKILL of the ingest process -------------------------------------------------------------------
_KILLED_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tests.faults.scenarios import _ingest
    from tests.app.hitkit import make_read
    url, data, log, start = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    engine, ctx, ingest = _ingest(data, url)
    ingest.replay(force=True)
    with open(log, "a", buffering=1) as out:
        for i in range(start, start + 100000):
            read = make_read(f"K{i:06d}", seed=i)
            ingest.submit(read, checkpoint=(i % 7 == 0))
            out.write(read.read_id + "\\n")  # acknowledged: submit returned
""")


_KILLED_GROUP_CHILD = textwrap.dedent("""
    import queue, sys, threading
    from pathlib import Path
    from tests.faults.scenarios import _ingest
    from tests.app.hitkit import make_read
    url, data, log, start = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    engine, ctx, ingest = _ingest(data, url)
    ingest.replay(force=True)
    handed: queue.Queue = queue.Queue()
    out = open(log, "a", buffering=1)

    def durable(read, path):  # group commit: called once the read's batch is fsynced
        out.write(read.read_id + "\\n")  # acknowledged
        handed.put((read, path))

    def feed():
        for i in range(start, start + 100000):
            ingest.journal_async(make_read(f"G{i:06d}", seed=i), durable)

    threading.Thread(target=feed, daemon=True).start()
    while True:
        batch = [handed.get()]
        while not handed.empty() and len(batch) < 200:
            batch.append(handed.get())
        ingest.ingest(batch, checkpoint=True)
""")


def sigkill(kills: int = 6, seed: int = 3, db_url: str | None = None, root: Path | None = None,
            group_commit: bool = False) -> dict:
    """Kill the ingest process without warning at random points, restart it, then replay once more."""
    rnd = random.Random(seed)
    own = root is None
    root = Path(tempfile.mkdtemp(prefix="alpr-fault-kill-")) if own else root
    url = db_url or f"sqlite:///{root / 'alpr.db'}"
    log = root / "acked.txt"
    log.touch()
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    try:
        for k in range(kills):
            before = len(log.read_text().split())
            script = _KILLED_GROUP_CHILD if group_commit else _KILLED_CHILD
            child = subprocess.Popen([sys.executable, "-c", script, url, str(root), str(log), str(k * 100000)],
                                     cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                target = before + rnd.randint(3, 25)
                wait_until(lambda t=target, c=child: len(log.read_text().split()) >= t or c.poll() is not None, 60)
                child.send_signal(signal.SIGKILL)
            finally:
                child.wait(20)
                if child.stderr is not None:
                    child.stderr.close()
        engine, ctx, ingest = _ingest(root, url)
        try:
            ingest.replay(force=True)
            _drain(ingest)
            acked = set(log.read_text().split())
            lost, dup = stored_counts(ctx, acked)
            return {"lost": lost, "duplicates": dup, "acked": len(acked), "kills": kills,
                    "left_in_spool": ingest.status().pending}
        finally:
            engine.dispose()
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


# ---- a private PostgreSQL ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free loopback port (never the shared server)."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin")) if Path("/usr/lib/postgresql").exists() else []
        if not bins or not (bins[-1] / "initdb").exists():
            raise Unavailable("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)")
        self.bin = bins[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="alpr-fault-pg-"))
        self.port = _free_port()
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self._pg("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/faults"

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bin / tool), *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Start (or restart) the server."""
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-t", "30", "-o",
                 # synchronous_commit stays on (the default): an immediate stop is a crash of the server
                 # process, and a commit it acknowledged must survive it. fsync off: the OS does not crash.
                 f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                 "-c full_page_writes=off", "start")

    def stop(self) -> None:
        """Stop it at once (like a crash or a pulled cable)."""
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        """Stop and remove the cluster."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_outage(reads_before: int = 20, reads_during: int = 40, reads_after: int = 20) -> dict:
    """PostgreSQL stopped while reads (and hits) keep coming, then restarted: nothing lost, live hits first."""
    from tests.app.hitkit import make_read, seed_hotlist

    pg = PrivatePostgres()
    root = Path(tempfile.mkdtemp(prefix="alpr-fault-outage-"))
    try:
        engine, ctx, ingest = _ingest(root, pg.url)
        try:
            matcher, _ = seed_hotlist(ctx)
            ingest.store.set_matcher(matcher)
            ingest.replay(force=True)
            sent = []
            for i in range(reads_before):
                sent.append(make_read(f"PB{i:05d}", seed=i))
                ingest.submit(sent[-1])
            pg.stop()
            for i in range(reads_during):
                sent.append(make_read("ABC1234" if i % 4 == 0 else f"PD{i:05d}", seed=100 + i))
                ingest.submit(sent[-1])
            pg.start()
            delays: list[float] = []
            for i in range(reads_after):  # live hits right after the restart: not behind the backlog
                read = make_read("ABC1234", seed=500 + i)
                sent.append(read)
                t0 = time.monotonic()
                deadline = t0 + 60
                found = False
                results = ingest.submit(read)
                while not found and time.monotonic() < deadline:
                    found = any(r.read_uuid == read.read_id and r.hits for r in results)
                    if not found:
                        results = ingest.ingest([])
                delays.append(time.monotonic() - t0)
            _drain(ingest, 60)
            lost, dup = stored_counts(ctx, {r.read_id for r in sent})
            delays.sort()
            return {"lost": lost, "duplicates": dup, "hit_delay_p95_s": round(delays[int(0.95 * (len(delays) - 1))], 3),
                    "reads": len(sent)}
        finally:
            engine.dispose()
    finally:
        pg.close()
        shutil.rmtree(root, ignore_errors=True)


# ---- mutated hot-list files ---------------------------------------------------------------------------
_JUNK = [b"\x00", b"\x1b[2J", b"\xff", b"\xc3", "\ufffd".encode(), b"#", b"*", b"/", b"'", b"\x7f", b"\x08", b"\x0c"]
_CELL_JUNK = [b"=", b"+", b"@"]


def base_lists() -> dict[str, tuple[bytes, int]]:
    """Clean example lists (preset -> (bytes, records)) the fuzzer mutates."""
    rnd = random.Random(11)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

    def plate(i: int) -> str:
        return f"{rnd.choice(letters)}{rnd.choice(letters)}{rnd.choice(letters)}{i:04d}"

    ncic = "".join(f"{'VPWAF'[i % 5]}{i:09d}CA057020020190509{plate(i):<10}CA2009PC2019HONDCIV4DBLK\n"
                   for i in range(200))
    csv_rows = "".join(f"{plate(i)},TX,{'VPW'[i % 3]},V{i:09d},TX0000000,01/31/2026,2019,FORD,F15,BLK,12/31/2030\n"
                       for i in range(200))
    tagged = "".join(f"TYP/V NIC/V{i:09d} LIC/{plate(i)} LIS/CA VYR/2019 VMA/HOND VCO/BLK\n" for i in range(200))
    return {
        "ncic_fixed": (ncic.encode(), 200),
        "state_csv": (("PLATE,STATE,TYPE,NIC,ORI,ENTRY_DATE,VYR,VMA,VMO,VCO,EXPIRY\n" + csv_rows).encode(), 200),
        "ncic_tagged": (tagged.encode(), 200),
    }


def mutate(data: bytes, rnd: random.Random) -> bytes:
    """One to four damaging edits: junk bytes, cut files, lost or doubled lines, open quotes, formula cells."""
    lines = data.split(b"\n")
    for _ in range(rnd.randint(1, 4)):
        if len(lines) < 3:
            break
        kind = rnd.randrange(8)
        i = rnd.randrange(1, len(lines) - 1)
        line = lines[i]
        if kind <= 2 and line:  # junk byte(s) inside a row
            at = rnd.randrange(len(line))
            lines[i] = line[:at] + rnd.choice(_JUNK) + line[at:]
        elif kind == 3 and line:  # formula cell
            cells = line.split(b",")
            c = rnd.randrange(len(cells))
            cells[c] = rnd.choice(_CELL_JUNK) + cells[c]
            lines[i] = b",".join(cells)
        elif kind == 4:  # an unclosed quote
            lines[i] = b'"' + line
        elif kind == 5:  # the file cut short (at a line or inside one)
            cut = b"\n".join(lines[:i])
            cut = cut[: rnd.randrange(len(cut) // 2, len(cut) + 1)] if rnd.random() < 0.5 else cut
            lines = cut.split(b"\n")
        elif kind == 6:  # a line lost
            del lines[i]
        else:  # a line doubled
            lines.insert(i, line)
    return b"\n".join(lines)


def _fields(r) -> tuple:  # noqa: ANN001
    return (r.plate, r.plate_raw, r.state, r.record_type, r.nic, r.ori, r.vehicle_year, r.vehicle_make,
            r.vehicle_model, r.vehicle_colour, r.expiry, r.entry_date)


def hotlist_fuzz(files: int = 500, seed: int = 13) -> dict:
    """Parse ``files`` mutated lists; count crashes and accepted lists with silently damaged content.

    Silent damage: an accepted list holding a record that is in no clean row and whose line carries
    no warning, or an accepted list that lost more rows than the shrink guard allows without the
    guard saying so.
    """
    from app.domain.hotlists import SourceParseSettings, parse_hotlist, preset
    from app.services.hotlist_import import shrink_refusal

    rnd = random.Random(seed)
    bases = base_lists()
    clean = {name: {_fields(r) for r in parse_hotlist(data, preset(name)).records} for name, (data, _) in bases.items()}
    settings = SourceParseSettings()
    crashes = damaged = accepted = refused = held = 0
    examples: list[str] = []
    for n in range(files):
        name = rnd.choice(sorted(bases))
        data, count = bases[name]
        bad = mutate(data, rnd)
        try:
            outcome = parse_hotlist(bad, preset(name), settings)
        except Exception as exc:  # noqa: BLE001 - counted: a crash is what the fuzzer looks for
            crashes += 1
            examples.append(f"file {n} ({name}): {type(exc).__name__}: {exc}")
            continue
        if not outcome.accepted:
            refused += 1
            continue
        warned = {w.line_no for w in outcome.warnings}
        wrong = [r for r in outcome.records if _fields(r) not in clean[name] and r.line_no not in warned]
        shrunk = shrink_refusal(count, len(outcome.records), settings)
        if shrunk:
            held += 1
        if wrong:
            damaged += 1
            examples.append(f"file {n} ({name}): line {wrong[0].line_no} stored as {_fields(wrong[0])}")
        else:
            accepted += 1
    return {"files": files, "crashes": crashes, "silent_damage": damaged, "accepted": accepted, "refused": refused,
            "held_for_shrink": held, "examples": examples[:5]}

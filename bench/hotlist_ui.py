"""Hot lists screen benchmark: time to first page and to scroll 10 pages with a 2M-row list loaded.

    python bench/hotlist_ui.py --rows 2000000 --db /tmp/hl_ui/alpr.db --shots /tmp/hl_ui

The first run generates an NCIC fixed-width file with ``format_ncic_line`` and imports it through
``HotListService.import_source`` (the real path); later runs reuse the database. The screen is then
driven offscreen with the dark theme, its clock 26 h ahead (``--ui-clock-ahead-h``) so the stale-list
warnings show; PNG grabs of every tab go to ``--shots``. Prints progress,
then as its LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.clock import SystemClock  # noqa: E402
from app.domain.hotlist_admin import LocalEntryDraft, SourceKind  # noqa: E402
from app.domain.hotlists.categories import DEFAULT_TYPE_RULES  # noqa: E402
from app.domain.hotlists.records import RecordCategory, make_record  # noqa: E402
from app.domain.hotlists.write import format_ncic_line  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.domain.users import TrainingRecord  # noqa: E402
from app.paths import AppPaths  # noqa: E402
from app.persistence.engine import make_engine, sqlite_url  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from app.persistence.unit_of_work import unit_of_work_factory  # noqa: E402
from app.services.bundle import ServiceBundle  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402
from app.services.passwords import PasswordHashing  # noqa: E402
from app.settings.secrets import MemorySecretStore  # noqa: E402
from bench.logins import ready_login  # noqa: E402

PW = "correct horse battery"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TYPES = "V" * 40 + "P" * 25 + "W" * 12 + "F" * 5 + "H" * 5 + "M" * 3 + "A" + "C" * 3 + "X" * 3 + "K"
STATES = ["CA", "TX", "NY", "FL", "OH", "WA", "OR", "NV", "AZ", "IL"]
VEHICLES = [("2009", "HOND", "CIV", "4D"), ("2015", "TOYT", "CAM", "4D"), ("2012", "FORD", "F15", "PK"),
            ("2018", "CHEV", "MAL", "SD"), ("2005", "DODG", "RAM", "PK")]
COLOURS = ["BLK", "WHI", "SIL", "RED", "BLU", "GRY"]


def write_ncic(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` NCIC fixed-width lines made with the domain writer."""
    rng = random.Random(seed)
    with path.open("w", encoding="latin-1", newline="\n") as fh:
        batch = []
        for i in range(rows):
            t = rng.choice(TYPES)
            rule = DEFAULT_TYPE_RULES[t]
            plate = "".join(rng.choices(ALPHABET, k=rng.randint(5, 8)))
            vy, vma, vmo, vst = rng.choice(VEHICLES)
            rec = make_record(plate, plate, rng.choice(STATES), t, rule.category, rule.priority, False,
                              f"{t}{i:09d}", "CA0570200", date(2025, 1 + i % 12, 1 + i % 28), "2026", "PC",
                              vy, vma, vmo, vst, rng.choice(COLOURS), None, None, None, i + 1)
            batch.append(format_ncic_line(rec))
            if len(batch) == 100_000:
                fh.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            fh.write("\n".join(batch) + "\n")


class AheadClock:
    """System time plus an offset: lets the screen show lists as they look a day after their import."""

    def __init__(self, hours: float) -> None:
        self.offset = timedelta(hours=hours)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def build(db: Path, clock: SystemClock | AheadClock | None = None) -> ServiceBundle:
    engine = make_engine(sqlite_url(db))
    upgrade(engine)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="BENCH", clock=clock or SystemClock())
    hashing = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)
    paths = AppPaths(db.parent / "data", db.parent / "cfg").ensure()
    return ServiceBundle.build(ctx, paths, MemorySecretStore(), hashing)


def prepare(bundle: ServiceBundle, rows: int, workdir: Path) -> dict:
    """Accounts, a 2M-row NCIC source (imported through the service), a stale state list, two BOLOs."""
    out: dict = {}
    acc, hl = bundle.accounts, bundle.hotlists
    if not acc.needs_first_admin():
        return out
    today = datetime.now(UTC).date()
    training = TrainingRecord("ALPR operator", today.replace(day=1), today.replace(year=today.year + 1))
    acc.create_first_admin("sup1", "Sam Supervisor", PW, training)
    sup = ready_login(bundle, "sup1", PW).actor
    bundle.administration.create_user(sup, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                                      training=training)
    disp = ready_login(bundle, "disp1", PW).actor
    path = workdir / f"ncic_{rows}.txt"
    if not path.exists():
        t0 = time.perf_counter()
        write_ncic(path, rows)
        out["generate_s"] = round(time.perf_counter() - t0, 1)
        print(f"generated {path} in {out['generate_s']} s", flush=True)
    src = hl.add_source(sup, "NCIC daily extract", SourceKind.NCIC, "ncic_fixed", str(path))
    t0 = time.perf_counter()
    rep = hl.import_source(sup, src.id, progress=lambda m: print("  import:", m, flush=True))
    out["import_s"] = round(time.perf_counter() - t0, 1)
    print(f"imported {rep.imported:,} rows in {out['import_s']} s", flush=True)
    state = workdir / "state.csv"
    state.write_text("PLATE,STATE,TYPE,NIC,ORI,ENTRY_DATE,VYR,VMA,VMO,VCO,EXPIRY\n"
                     "8ABC234,CA,V,V000000001,CA0570200,01/02/2026,2015,TOYT,CAM,SIL,\n"
                     "0,CA,V,V000000002,CA0570200,01/02/2026,2015,TOYT,CAM,SIL,\n", encoding="utf-8")
    st = hl.add_source(sup, "CA DOJ stolen vehicles", SourceKind.STATE, "state_csv", str(state))
    hl.import_source(sup, st.id)
    for plate, cat in (("7ABC123", RecordCategory.LOCAL_BOLO), ("6XY*9", RecordCategory.WANTED_PERSON)):
        hl.submit_local(disp, LocalEntryDraft(
            requesting_officer="Det. Ana Reyes", requesting_agency="Metro PD", case_number="26-004711", synopsis="Armed robbery, 5th and Main",
            category=cat, priority=2, plate=plate, state="CA", major_crime="*" in plate, vehicle_make="TOYT",
            vehicle_colour="SIL", instructions="Do not stop alone; request backup."))
    return out


def drive(bundle: ServiceBundle, shots: Path) -> dict:
    """Open the real main window on the Hot lists screen, time paging and search, save grabs."""
    import qasync
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from app.paths import AppPaths
    from app.settings.model import AppSettings
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.screens_registry import default_screens
    from app.ui.theme import apply_theme
    from app.workers.db_executor import DbExecutor
    from app.workers.signals import AppSignals

    qapp = QApplication.instance() or QApplication([])
    apply_theme(qapp, "dark")
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    executor = DbExecutor()
    login = ready_login(bundle, "sup1", PW)
    ui = UiContext(bundle, executor, AppSignals(), AppSettings(), AppPaths(shots / "data", shots / "cfg"),
                   login.user, login.actor, "Bench County Sheriff")
    out: dict = {}

    def settled() -> bool:
        # qasync runs ready callbacks once more after run_until_complete, outside the loop: return
        # only when no task is mid-flight (the BOLO form's opener waits on its dialog, that is fine)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return all(t.get_coro().__qualname__.endswith("new_bolo") for t in others)

    def until(pred, timeout: float = 120.0) -> float:
        async def spin() -> float:
            t0 = time.perf_counter()
            while not (pred() and settled()):
                if time.perf_counter() - t0 > timeout:
                    raise TimeoutError(f"condition not reached; tasks: {asyncio.all_tasks()}")
                await asyncio.sleep(0.002)
            return time.perf_counter() - t0

        return loop.run_until_complete(spin())

    def grab(widget, name: str) -> None:
        until(lambda: True)
        qapp.processEvents()
        widget.grab().save(str(shots / f"{name}.png"))

    db_times: list[float] = []
    page_fn = bundle.hotlists.entries_page

    def timed_page(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        t = time.perf_counter()
        try:
            return page_fn(*a, **kw)
        finally:
            db_times.append(time.perf_counter() - t)

    bundle.hotlists.entries_page = timed_page
    w = MainWindow(ui, default_screens("sqlite:///bench"))
    w.resize(1366, 840)
    w.show()
    t0 = time.perf_counter()
    screen = w.show_screen("hotlists")
    until(lambda: screen.sources.model.rowCount() >= 3 and w.nav.item(1).text().endswith(")"))
    out["sources_s"] = round(time.perf_counter() - t0, 3)
    grab(w, "hotlists_sources")
    entries = screen.entries
    model = entries.model
    shown: list[float] = []  # when each page reached the model (rows on screen at the next paint)
    model.page_loaded.connect(lambda _n: shown.append(time.perf_counter()))
    t0 = time.perf_counter()
    screen.tabs.setCurrentWidget(entries)
    until(lambda: model.rowCount() >= model.page_size)
    out["first_page_s"] = round(shown[0] - t0, 3)
    until(lambda: "entries;" in entries.count.text())
    out["first_page_with_count_s"] = round(time.perf_counter() - t0, 3)
    grab(w, "hotlists_entries")
    out["first_page_db_s"] = round(db_times[0], 3)
    pages = []
    db_times.clear()
    t0 = time.perf_counter()
    for i in range(10):
        t1 = time.perf_counter()
        entries.table.scrollToBottom()
        until(lambda n=(i + 2) * model.page_size: model.rowCount() >= n)
        pages.append(shown[-1] - t1)
    out["scroll_10_pages_s"] = round(time.perf_counter() - t0, 3)
    out["page_mean_s"] = round(sum(pages) / len(pages), 3)
    out["page_max_s"] = round(max(pages), 3)
    out["page_db_mean_s"] = round(sum(db_times) / len(db_times), 3)
    out["rows_loaded_after_scroll"] = model.rowCount()
    grab(w, "hotlists_entries_scrolled")
    for prefix in ("7", "AB", "ZZ9Q"):
        t0 = time.perf_counter()
        entries.search.setText(prefix)
        entries._debounce.stop()
        entries.reload()
        until(lambda: model._pending is None and model.rowCount() > 0 or model.exhausted)
        until(lambda: model._pending is None)
        out[f"search_{prefix}_s"] = round(time.perf_counter() - t0, 3)
        out[f"search_{prefix}_rows"] = model.rowCount()
    entries.search.setText("AB")
    entries._debounce.stop()
    entries.reload()
    until(lambda: model.rowCount() > 0 and model._pending is None)
    entries.table.selectRow(3)
    entries.show_details(3)
    until(lambda: "NIC" in entries.details.text())
    grab(w, "hotlists_entries_search")
    screen.tabs.setCurrentWidget(screen.inbox)
    until(lambda: screen.inbox.model.rowCount() >= 1 and "Det." in screen.inbox.details.text())
    grab(w, "hotlists_inbox")
    screen.tabs.setCurrentWidget(entries)
    entries.new_bolo()
    until(lambda: entries.dialog is not None and entries.dialog.isVisible())
    dlg = entries.dialog
    dlg.plate.setText("7AB*")
    dlg.ok.click()
    until(lambda: dlg.errors["officer"].isVisible())
    grab(dlg, "hotlists_bolo_form_errors")
    dlg.reject()
    screen.tabs.setCurrentWidget(screen.sources)
    src = screen.sources
    src.history.selectRow(src.history_model.rowCount() - 1)
    src.view_report()
    grab(src.report_dialog, "hotlists_import_report")
    src.report_dialog.close()
    until(lambda: True)
    w.close()
    executor.shutdown()
    loop.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/hl_ui/alpr.db"))
    ap.add_argument("--shots", type=Path, default=Path("/tmp/hl_ui"))
    ap.add_argument("--prepare-only", action="store_true")
    ap.add_argument("--ui-clock-ahead-h", type=float, default=26.0,
                    help="the screen's clock runs this far ahead so stale-list warnings show in the grabs")
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    args.shots.mkdir(parents=True, exist_ok=True)
    bundle = build(args.db)
    result = prepare(bundle, args.rows, args.db.parent)
    if not args.prepare_only:
        result.update(drive(build(args.db, AheadClock(args.ui_clock_ahead_h)), args.shots))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app.domain.hotlist_admin import EntryStatus, LocalEntryDraft, SourceKind
from app.domain.hotlists.records import RecordCategory
from app.domain.roles import Role
from app.paths import AppPaths
from app.persistence.repositories.access_log import AccessLogRepository
from app.services.bundle import ServiceBundle
from app.settings.model import AppSettings
from app.settings.secrets import MemorySecretStore
from app.ui.context import UiContext
from app.ui.main_window import MainWindow
from app.ui.screens.hotlists import HotListsScreen
from app.ui.screens_registry import default_screens
from app.workers.signals import AppSignals
from tests.app.conftest import current_training, signed_in
from tests.app.ui.conftest import PW

DR = Qt.ItemDataRole
DIALOG_WAITERS = {"new_bolo", "edit_bolo", "withdraw_bolo", "add_source"}  # tasks that wait while a dialog is open


def ncic(i: int, plate: str) -> str:
    return f"V{i:09d}CA057020020190509{plate:<10}CA2019PC2015HONDCIVSDBLK"


def write_list(path: Path, n: int, bad: int = 0, prefix: str = "ABC") -> Path:
    lines = [ncic(i, f"{prefix}{i:04d}") for i in range(n)] + ["V9TOOSHORT"] * bad
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


@pytest.fixture
def world(ctx, fast_hashing, executor, tmp_path):
    bundle = ServiceBundle.build(ctx, AppPaths(tmp_path / "data", tmp_path / "cfg").ensure(), MemorySecretStore(),
                                 fast_hashing)
    accounts, admin = bundle.accounts, bundle.administration
    accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    sup = signed_in(accounts, "sup1", PW, result=True)
    admin.create_user(sup.actor, "sup2", "Sue Second", PW, frozenset({Role.SUPERVISOR}), training=current_training())
    admin.create_user(sup.actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                      training=current_training())
    signals = AppSignals()
    signals.follow(ctx.changes)  # as the runtime does: the services' Changes reach the screens

    def ui(username: str) -> UiContext:
        login = sup if username == "sup1" else signed_in(accounts, username, PW, result=True)
        return UiContext(bundle, executor, signals, AppSettings(), AppPaths(tmp_path / "data", tmp_path / "cfg"),
                         login.user, login.actor, "Test County Sheriff")

    return dict(bundle=bundle, svc=bundle.hotlists, ui=ui, sup=sup.actor, ctx=ctx)


def wait(qloop, qtbot, predicate=lambda: True, timeout_s: float = 10.0) -> None:
    """Spin the loop until ``predicate()`` holds AND the screen's async work has settled.

    qasync's run_until_complete processes events once more after the loop stops, with no running
    loop: a task step that happens to be ready then fails ("no running event loop"). Returning only
    when no task is mid-flight (tasks parked on an open dialog excepted) leaves nothing ready.
    """
    def busy(t: asyncio.Task, dialog_open: bool) -> bool:
        parked = dialog_open and t.get_coro().__qualname__.rsplit(".", 1)[-1] in DIALOG_WAITERS
        return t is not asyncio.current_task() and not parked

    async def settle():
        quiet = 0
        for _ in range(int(timeout_s / 0.01)):
            dialog_open = any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
            ok = predicate() and not any(busy(t, dialog_open) for t in asyncio.all_tasks())
            quiet = quiet + 1 if ok else 0
            if quiet == 3:  # still true after queued signals and zero-timers had their turn
                return
            await asyncio.sleep(0.01)
        raise AssertionError("condition not reached (or async work still running)")

    qloop.run_until_complete(settle())


def drain(qloop) -> None:
    wait(qloop, None)


@pytest.fixture(autouse=True)
def _drain(qloop):
    yield
    drain(qloop)


def _draft(**kw) -> LocalEntryDraft:
    base = dict(requesting_officer="Det. Ana Reyes", requesting_agency="Metro PD", case_number="26-004711",
                synopsis="Armed robbery at the bank",
                category=RecordCategory.LOCAL_BOLO, priority=2, plate="7ABC123", state="CA")
    base.update(kw)
    return LocalEntryDraft(**base)


def _screen(qtbot, qloop, ui) -> HotListsScreen:
    screen = HotListsScreen(ui)
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    screen.activate()
    drain(qloop)
    return screen


def test_dispatcher_enters_bolo_with_inline_errors(qtbot, qloop, world):
    ui = world["ui"]("disp1")
    screen = _screen(qtbot, qloop, ui)
    # Given a dispatcher: no approval inbox tab
    assert screen.inbox is None and screen.tabs.count() == 2
    screen.tabs.setCurrentWidget(screen.entries)
    drain(qloop)
    qtbot.mouseClick(screen.entries.new_btn, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: screen.entries.dialog is not None and screen.entries.dialog.isVisible())
    dlg = screen.entries.dialog
    assert dlg.member.isReadOnly() and dlg.member.text() == "Dana Dispatcher (disp1)"
    assert dlg.expiry.date().toPython().isoformat() == "2026-12-02"  # 30 days from the service clock
    # When submitted empty, each problem shows under its field
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: dlg.errors["officer"].isVisible())
    assert "Pick the requesting officer" in dlg.errors["officer"].text()
    # the requester is picked from the agency's users (no free text for our own people)
    assert dlg.requester.findText("Sam Supervisor (sup1)") > 0 and not dlg.officer.isEnabled()
    assert "Case number" in dlg.errors["case"].text() and dlg.errors["plate"].isVisible()
    # When a partial plate is given without "major crime"
    dlg.pick_outside()
    qtbot.keyClicks(dlg.officer, "Ofc. Ana Reyes 4411")
    qtbot.keyClicks(dlg.agency, "Metro PD")
    qtbot.keyClicks(dlg.case, "26-004711")
    qtbot.keyClicks(dlg.synopsis, "Armed robbery at 5th and Main, silver Camry")
    qtbot.keyClicks(dlg.plate, "7ab*23")
    qtbot.keyClicks(dlg.state, "ca")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: "major crimes" in dlg.errors["plate"].text())
    assert not dlg.errors["officer"].isVisible()
    # Then ticking it lets the entry through, pending approval
    dlg.major.setChecked(True)
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: not dlg.isVisible())
    pending = world["svc"].pending(world["sup"])
    assert [(e.plate, e.state, e.status, e.entered_by_name) for e in pending] == [
        ("7AB*23", "CA", EntryStatus.PENDING, "Dana Dispatcher")]
    assert "pending" in screen.entries.message.text()


def test_self_approval_refused_then_another_supervisor_approves(qtbot, qloop, world):
    svc = world["svc"]
    entry = svc.submit_local(world["sup"], _draft())
    # Given sup1 entered the BOLO; their window shows the pending count on the navigation item
    w1 = MainWindow(world["ui"]("sup1"), default_screens("sqlite:///x"))
    qtbot.addWidget(w1)
    wait(qloop, qtbot, lambda: w1.nav.item(1).text() == "Hot lists (1)")
    inbox1 = w1.show_screen("hotlists").inbox
    wait(qloop, qtbot, lambda: inbox1.model.rowCount() == 1)
    # When sup1 tries to approve their own entry, the service refusal is shown as it is
    qtbot.keyClicks(inbox1.reason, "looks fine")
    qtbot.mouseClick(inbox1.approve_btn, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: inbox1.message.text() != "")
    assert inbox1.message.text() == "You entered this entry: another supervisor must decide it."
    assert svc.entry(world["sup"], entry.id).status is EntryStatus.PENDING
    # When sup2 approves without a reason, then with one
    w2 = MainWindow(world["ui"]("sup2"), default_screens("sqlite:///x"))
    qtbot.addWidget(w2)
    w2.show()
    w2.activateWindow()
    inbox2 = w2.show_screen("hotlists").inbox
    w2.screens["hotlists"].tabs.setCurrentWidget(inbox2)
    wait(qloop, qtbot, lambda: inbox2.model.rowCount() == 1 and "Ana Reyes" in inbox2.details.text())
    # the approver sees who entered and changed what, and that the requester is an outside person
    wait(qloop, qtbot, lambda: "rev 1 submit by sup1" in inbox2.details.text())
    assert "outside: Metro PD" in inbox2.details.text()
    qtbot.mouseClick(inbox2.approve_btn, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: inbox2.message.text() == "Give the reason for the decision.")
    qtbot.keyClicks(inbox2.reason, "Verified with Det. Reyes")
    qtbot.keyClick(inbox2.approve_btn, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    # Then the entry alerts, the inbox empties and both badges clear (Changes(hotlists=True) on the hub)
    wait(qloop, qtbot, lambda: inbox2.model.rowCount() == 0 and w2.nav.item(1).text() == "Hot lists")
    assert svc.entry(world["sup"], entry.id).status is EntryStatus.ACTIVE
    assert world["bundle"].hotlist_index.matcher.match("7ABC123", "CA")
    wait(qloop, qtbot, lambda: w1.nav.item(1).text() == "Hot lists")
    assert inbox2.empty.isVisible() and "approved" in inbox2.message.text()


def test_import_now_shows_progress_report_and_history(qtbot, qloop, world, tmp_path, qapp):
    ui = world["ui"]("sup1")
    screen = _screen(qtbot, qloop, ui)
    panel = screen.sources
    # Given a source added through the dialog (never imported: stale, said in words and with an icon)
    qtbot.mouseClick(panel.buttons["add"], Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: qapp.activeModalWidget() is not None or _find_source_dialog(panel))
    dlg = _find_source_dialog(panel)
    qtbot.keyClicks(dlg.name, "NCIC daily")
    qtbot.keyClicks(dlg.location, str(write_list(tmp_path / "ncic.txt", 120, bad=1)))
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    assert panel.model.data(panel.model.index(0, 6)) == "STALE: never imported"
    assert panel.model.data(panel.model.index(0, 6), DR.DecorationRole) is not None
    assert panel.stale.isVisibleTo(screen) and "NCIC daily" in panel.stale.text()
    # When "Import now" is pressed
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.buttons["import"], Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: panel.report_dialog is not None and panel.report_dialog.isVisible())
    # Then the report shows the figures and the precise line, and the history keeps it
    report = panel.report_dialog
    assert report.summary.accepted and report.summary.imported == 120 and report.summary.rejected == 1
    assert "line 121" in report.lines.toPlainText()
    assert panel.progress_label.text() == "Imported 120 entries into NCIC daily."
    wait(qloop, qtbot, lambda: panel.history_model.rowCount() == 1 and panel.model.sources[0].entry_count)
    assert panel.model.data(panel.model.index(0, 4)) == "120"
    assert panel.model.data(panel.model.index(0, 5)) == "1"
    assert panel.model.data(panel.model.index(0, 6)) == "0 min" and not panel.stale.isVisibleTo(screen)
    # And a refused file keeps the list; its report is kept and can be opened again
    report.close()
    (tmp_path / "ncic.txt").write_text("")
    qtbot.mouseClick(panel.buttons["import"], Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: panel.history_model.rowCount() == 2)
    assert not panel.report_dialog.summary.accepted and "previous list" in panel.report_dialog.result_label.text()
    assert world["svc"].entry_count(ui.actor) == 120
    panel.history.selectRow(1)
    qtbot.mouseClick(panel.view_btn, Qt.MouseButton.LeftButton)
    assert panel.report_dialog.summary.accepted and panel.report_dialog.isVisible()


def _find_source_dialog(panel):
    from app.ui.dialogs.hotlist_source import HotListSourceDialog

    found = [d for d in panel.findChildren(HotListSourceDialog) if d.isVisible()]
    return found[0] if found else None


def test_entry_browser_pages_lazily_and_searches_server_side(qtbot, qloop, world, tmp_path, clock):
    svc, sup = world["svc"], world["sup"]
    src = svc.add_source(sup, "NCIC daily", SourceKind.NCIC, "ncic_fixed", str(write_list(tmp_path / "a.txt", 1250)))
    svc.import_source(sup, src.id)
    ui = world["ui"]("sup1")
    screen = _screen(qtbot, qloop, ui)
    panel = screen.entries
    model = panel.model
    # When the entries tab opens, only the first keyset page is loaded
    screen.tabs.setCurrentWidget(panel)
    wait(qloop, qtbot, lambda: model.rowCount() == 500 and "1,250 entries" in panel.count.text())
    assert model.canFetchMore() and panel.count.text() == "1,250 entries; 500 loaded - scroll for more"
    # When the view is scrolled to the end, the next pages arrive until the list is exhausted
    panel.table.scrollToBottom()
    wait(qloop, qtbot, lambda: model.rowCount() == 1000)
    panel.table.scrollToBottom()
    wait(qloop, qtbot, lambda: model.rowCount() == 1250)
    assert not model.canFetchMore() and [e.id for e in model.rows] == sorted(e.id for e in model.rows)
    # When a plate prefix is typed, the search runs on the server (and is recorded)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "abc12")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    wait(qloop, qtbot, lambda: model.rowCount() == 50 and model.exhausted)
    assert {e.plate[:5] for e in model.rows} == {"ABC12"}
    assert panel.count.text() == "50 loaded matching 'ABC12'"
    with world["ctx"].uow() as uow:
        assert any(e.action == "hotlist.search" and e.terms == "ABC12" for e in AccessLogRepository(uow.s).recent())
    # And once the list is older than 24 h every row says so (text and icon, not colour alone)
    clock.advance(hours=25)
    screen.sources.reload()
    wait(qloop, qtbot, lambda: "STALE" in model.data(model.index(0, 8)))
    assert model.data(model.index(0, 8)) == "STALE 25 h - NCIC daily"
    assert model.data(model.index(0, 8), DR.DecorationRole) is not None
    assert model.data(model.index(0, 8), DR.ForegroundRole) is not None


def test_details_are_recorded_and_edit_sends_back_to_pending(qtbot, qloop, world):
    svc = world["svc"]
    entry = svc.submit_local(world["ui"]("disp1").actor, _draft())
    svc.decide(world["ui"]("sup2").actor, entry.id, True, "verified")
    ui = world["ui"]("disp1")
    screen = _screen(qtbot, qloop, ui)
    panel = screen.entries
    screen.tabs.setCurrentWidget(panel)
    wait(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    panel.table.selectRow(0)
    panel.show_details(0)
    drain(qloop)
    wait(qloop, qtbot, lambda: "Ana Reyes" in panel.details.text())
    qtbot.mouseClick(panel.edit_btn, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: panel.dialog is not None and panel.dialog.isVisible())
    dlg = panel.dialog
    assert dlg.plate.text() == "7ABC123" and dlg.case.text() == "26-004711" and not dlg.photo.isEnabled()
    dlg.v_colour.setText("SIL")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: not dlg.isVisible())
    after = svc.entry(world["sup"], entry.id)
    assert after.status is EntryStatus.PENDING and after.vehicle_colour == "SIL" and after.revision == 2
    wait(qloop, qtbot, lambda: panel.model.rowCount() == 1 and panel.model.rows[0].status is EntryStatus.PENDING)
    with world["ctx"].uow() as uow:
        assert any(e.action == "hotlist.entry_view" for e in AccessLogRepository(uow.s).recent())


def test_a_dispatcher_withdraws_their_bolo_by_keyboard_with_a_typed_reason(qtbot, qloop, world):
    svc = world["svc"]
    entry = svc.submit_local(world["ui"]("disp1").actor, _draft())
    svc.decide(world["ui"]("sup2").actor, entry.id, True, "verified")
    ui = world["ui"]("disp1")
    screen = _screen(qtbot, qloop, ui)
    panel = screen.entries
    screen.tabs.setCurrentWidget(panel)
    wait(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    screen.activateWindow()
    panel.table.selectRow(0)
    panel.table.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or panel.table, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    wait(qloop, qtbot, lambda: panel.withdraw_dialog is not None and panel.withdraw_dialog.isVisible())
    dlg = panel.withdraw_dialog
    assert any("7ABC123" in lab.text() for lab in dlg.findChildren(QLabel))
    qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)  # Enter in an empty box withdraws nothing
    drain(qloop)
    assert dlg.isVisible() and svc.entry(world["sup"], entry.id).status is EntryStatus.ACTIVE
    qtbot.keyClicks(dlg.reason, "Vehicle located and towed, case cleared")
    qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
    wait(qloop, qtbot, lambda: not dlg.isVisible())
    assert svc.entry(world["sup"], entry.id).status is EntryStatus.WITHDRAWN
    wait(qloop, qtbot, lambda: "withdrawn" in panel.message.text())


def test_reference_photo_is_stored_by_hash(qtbot, qloop, world, tmp_path):
    photo = tmp_path / "car.jpg"
    photo.write_bytes(b"\xff\xd8fake-jpeg")
    ui = world["ui"]("disp1")
    screen = _screen(qtbot, qloop, ui)
    panel = screen.entries
    panel.new_bolo()
    drain(qloop)
    wait(qloop, qtbot, lambda: panel.dialog is not None and panel.dialog.isVisible())
    dlg = panel.dialog
    dlg.requester.setCurrentIndex(1)
    for w, text in ((dlg.case, "26-00001"), (dlg.plate, "5XYZ789"), (dlg.photo, str(photo))):
        w.setText(text)
    dlg.synopsis.setPlainText("Hit and run on Elm Street")
    qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    wait(qloop, qtbot, lambda: not dlg.isVisible())
    sha = dlg.result_entry.reference_photo_sha256
    assert sha and (ui.paths.images / "reference" / f"{sha}.jpg").read_bytes() == photo.read_bytes()

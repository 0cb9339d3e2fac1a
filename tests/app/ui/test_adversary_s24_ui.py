"""Session 24 adversarial review of the desktop UI, driven with the keyboard as a tired dispatcher would.

Each test is a probe that found a defect (or guards a safeguard no other test covers).
"""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.hits import HitStatus
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import (  # noqa: F401 - world is a fixture
    key,
    make_screen,
    press,
    raise_hit,
    settle,
    status_of,
    steps_of,
    submit_dialog,
    wait_dialog,
    world,
)

K = Qt.Key


def test_f2_pressed_twice_claims_one_hit_not_two(qtbot, qloop, world):  # noqa: F811
    """A key bounce or a held F2 must not claim a second hit the dispatcher never sees.

    Each claim acknowledges its hit (its repeating chime stops): the hit claimed by the first press
    was held by the dispatcher while the panel showed the second one, and nobody looked at it.
    """
    screen = make_screen(qtbot, qloop, world)
    [amber] = raise_hit(world, "7XYZ001", camera="cam-2")
    [stolen] = raise_hit(world, "ABC1234")
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 2)
    # When F2 is pressed twice before the first claim has come back
    key(qtbot, screen, K.Key_F2)
    key(qtbot, screen, K.Key_F2)
    settle(qloop, qtbot, screen)
    # Then one hit is claimed, the most urgent, on screen; the other still waits for anyone to claim it
    assert screen.ctrl.detail.summary.id == amber.id and status_of(world, amber.id) is HitStatus.CLAIMED
    assert status_of(world, stolen.id) is HitStatus.NEW
    assert "still running" in screen.status.text() or "F3 accept" in screen.status.text()


def _slow_view(screen, gate: threading.Event):
    """Make opening a hit wait (a slow database) until ``gate`` is set."""
    real = screen.ctrl.svc
    view = real.view

    def slow_view(*args, **kwargs):
        gate.wait(5)
        return view(*args, **kwargs)

    class Proxy:
        def __getattr__(self, name):
            return slow_view if name == "view" else getattr(real, name)

    screen.ctrl.svc = Proxy()


def test_a_key_pressed_while_another_hit_loads_acts_on_the_hit_on_screen(qtbot, qloop, world):  # noqa: F811
    """The reject dialog named the plate on screen, and the rejection went to the hit still loading."""
    screen = make_screen(qtbot, qloop, world)
    [first] = raise_hit(world, "ABC1234")
    [second] = raise_hit(world, "8OX1234", camera="cam-3", state="NV", seed=7)
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 2)
    svc, me = world.svc.hits, world.disp.actor
    svc.claim(me, first.id)
    svc.claim(me, second.id)
    asyncio.ensure_future(screen.ctrl.open(first.id))
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None and screen.ctrl.detail.summary.id == first.id)
    # Given the dispatcher opens the second hit and the database is slow to answer
    gate = threading.Event()
    _slow_view(screen, gate)
    screen.open_hit(second.id)
    qloop.run_until_complete(asyncio.sleep(0.05))
    assert screen.ctrl.current_id == second.id
    assert screen.ctrl.detail.summary.id == first.id  # the panel still shows the first hit
    # When F4 is pressed on the hit on screen
    key(qtbot, screen, K.Key_F4)
    gate.set()
    dlg = wait_dialog(qloop, qtbot, screen)
    named = "ABC1234" if "ABC1234" in dlg.intro.text() else "8OX1234"
    key(qtbot, screen, K.Key_Space)  # Misread
    submit_dialog(qloop, qtbot, screen, dlg)
    # Then the rejection is recorded on the hit the dialog named
    rejected = first if named == "ABC1234" else second
    other = second if rejected is first else first
    assert status_of(world, rejected.id) is HitStatus.REJECTED, (named, steps_of(world.ctx, rejected.id))
    assert "visual_rejected" not in steps_of(world.ctx, other.id)
    assert QApplication.focusWidget() is not None


def test_locking_the_console_hides_a_step_dialog_open_over_it(qtbot, qloop, world):  # noqa: F811
    """The lock hid the console's screens, but a dialog open over them (plate, NIC, ORI) stayed on screen.

    A dispatcher called away from an open reject dialog leaves the workstation; after the idle lock
    anyone walking past still read the hit in the dialog beside the lock screen.
    """
    from types import SimpleNamespace

    from app.settings.model import AppSettings
    from app.settings.secrets import MemorySecretStore
    from app.ui.application import ConsoleApp
    from app.ui.asyncio_qt import start
    from app.ui.dialogs.login import LoginDialog
    from app.ui.main_window import MainWindow
    from app.ui.screens_registry import default_screens
    from tests.app.ui.conftest import PW

    qapp = QApplication.instance()
    assembly = SimpleNamespace(args=None, paths=world.ui.paths.ensure(), settings=AppSettings(), warnings=[],
                               secrets=MemorySecretStore())
    app = ConsoleApp(qapp, assembly)
    app.services = world.ui.services
    window = MainWindow(world.ui, default_screens(""))
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    app.window = window
    try:
        window.show()
        screen = window.screens["console"]
        screen.activateWindow()
        run_until(qloop, qtbot, screen.isActiveWindow)
        screen.queue.setFocus()
        raise_hit(world, "ABC1234")
        press(qloop, qtbot, screen, K.Key_F2)
        key(qtbot, screen, K.Key_F4)
        dlg = wait_dialog(qloop, qtbot, screen)
        assert "ABC1234" in dlg.intro.text()
        # When the console locks
        start(app.lock("idle"))
        run_until(qloop, qtbot, lambda: isinstance(app.current, LoginDialog) and app.current.isVisible())
        # Then no window but the lock dialog shows anything
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not app.current]
        assert dlg not in shown and not window.centralWidget().isVisible()
        # And after the unlock the dialog is back where the dispatcher left it
        lock = app.current
        qtbot.keyClicks(lock.password, PW)
        qtbot.keyClick(lock.password, K.Key_Return)
        run_until(qloop, qtbot, lambda: app.current is window)
        assert dlg.isVisible() and screen.actions.dialog is dlg
        qtbot.keyClick(dlg, K.Key_Escape)
        settle(qloop, qtbot, screen)
    finally:
        qapp.removeEventFilter(app.idle)
        app.idle.pause()
        app.executor.shutdown()


def test_run_purge_now_asks_first_and_enter_keeps_the_data(qtbot, qloop, ui_ctx):
    """One Alt+P (or Space on the focused button) deleted every read, hit and image past retention.

    The purge is irreversible; beside it sit the retention spin boxes and Save. It now asks, naming
    what goes, with Cancel the default: a stray Enter or Escape deletes nothing.
    """
    from PySide6.QtWidgets import QMessageBox

    from app.ui.screens.records import RecordsScreen

    svc, me = ui_ctx.services.records.purge, ui_ctx.actor
    screen = RecordsScreen(ui_ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.activateWindow()
    screen.activate()
    run_until(qloop, qtbot, lambda: screen.preset.count() > 0)
    screen.tabs.setCurrentIndex(2)  # Retention
    screen.actions["run_purge"].setFocus()

    def box():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)

    # When the supervisor presses Alt+P, then Enter
    qtbot.keyClick(QApplication.focusWidget(), K.Key_P, Qt.KeyboardModifier.AltModifier)
    run_until(qloop, qtbot, lambda: box() is not None or svc.runs(me))
    assert svc.runs(me) == [], "purged at one keystroke"
    asked = box()
    assert "cannot be undone" in asked.text() and asked.defaultButton() is asked.escapeButton()
    qtbot.keyClick(QApplication.focusWidget() or asked, K.Key_P, Qt.KeyboardModifier.AltModifier)  # a bounce
    assert box() is asked and svc.runs(me) == []
    qtbot.keyClick(QApplication.focusWidget() or asked, K.Key_Return)
    run_until(qloop, qtbot, lambda: box() is None)
    assert svc.runs(me) == []
    # When asked again and the purge button is chosen deliberately, the purge runs
    qtbot.mouseClick(screen.actions["run_purge"], Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: box() is not None)
    asked = box()
    purge = next(b for b in asked.buttons() if asked.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(purge, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: len(svc.runs(me)) == 1)
    assert "Purge P-" in screen.message.text()


def test_alt_q_reaches_the_queue_once_the_ncic_buttons_are_live(qtbot, qloop, world):  # noqa: F811
    """Alt+Q (to the queue) was also the mnemonic of "NCIC &query result", Alt+S (to the sightings) that of
    "&Stolen-plate check", Alt+N (claim next) that of "Agency &notified": with both live Qt treats the key as
    ambiguous and neither acts, so after F3 Alt+Q no longer brought the dispatcher back to the queue."""
    from PySide6.QtGui import QKeySequence, QShortcut
    from PySide6.QtWidgets import QAbstractButton

    screen = make_screen(qtbot, qloop, world)
    raise_hit(world, "8OX1234", state="NV")  # stolen plate: the stolen-plate check is live too
    press(qloop, qtbot, screen, K.Key_F2)
    press(qloop, qtbot, screen, K.Key_F3)
    assert screen.ncic.buttons["ncic"].isEnabled() and screen.ncic.buttons["stolen"].isEnabled()
    screen.verify.reject_btn.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), K.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is screen.queue
    qtbot.keyClick(QApplication.focusWidget(), K.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is screen.sightings.table
    # and no two keys of the console share an Alt+letter
    keys = [sc.key().toString() for sc in screen.findChildren(QShortcut)]
    keys += [QKeySequence.mnemonic(b.text()).toString() for b in screen.findChildren(QAbstractButton)
             if "&" in b.text()]
    alt = [k for k in keys if k.startswith("Alt+")]
    assert sorted(alt) == sorted(set(alt)), sorted(k for k in alt if alt.count(k) > 1)


def test_tab_leaves_every_multi_line_text_box_of_the_screens(qtbot, qloop, ui_ctx):
    """Tab in the search's "Detailed reason" typed a tab character and stayed there (the same in the agency
    address and policy text, and the audit's data errors): a keyboard-only user could not reach the search
    criteria. Dialogs' text boxes already passed Tab on; the screens' did not."""
    from PySide6.QtWidgets import QPlainTextEdit

    from app.ui.screens.administration import AdministrationScreen
    from app.ui.screens.audit import AuditScreen
    from app.ui.screens.search import SearchScreen

    search = SearchScreen(ui_ctx)
    qtbot.addWidget(search)
    search.show()
    search.activateWindow()
    search.reason.setFocus()
    run_until(qloop, qtbot, lambda: QApplication.focusWidget() is search.reason)
    qtbot.keyClicks(search.reason, "Robbery follow-up")
    qtbot.keyClick(search.reason, K.Key_Tab)
    assert search.reason.toPlainText() == "Robbery follow-up"
    assert QApplication.focusWidget() is not search.reason
    # every editable multi-line box on the screens passes Tab on
    screens = (search, AdministrationScreen(ui_ctx, ""), AuditScreen(ui_ctx))
    for screen in screens[1:]:
        qtbot.addWidget(screen)
    boxes = [b for s in screens for b in s.findChildren(QPlainTextEdit) if not b.isReadOnly()]
    assert boxes and [b.accessibleName() for b in boxes if not b.tabChangesFocus()] == []


def test_tab_leaves_a_table_in_one_press(qtbot, qloop, ui_ctx):
    """Tab in a screen's table walked cell by cell (columns x rows) before reaching the buttons under it:
    in the users list, the records and audit tables a keyboard-only user pressed Tab dozens of times."""
    from PySide6.QtWidgets import QAbstractItemView

    from app.ui.screens.administration import AdministrationScreen
    from app.ui.screens.audit import AuditScreen
    from app.ui.screens.hotlists import HotListsScreen
    from app.ui.screens.records import RecordsScreen
    from app.ui.screens.search import SearchScreen
    from app.ui.screens.users_panel import UsersPanel

    users = UsersPanel(ui_ctx)
    qtbot.addWidget(users)
    users.show()
    users.activateWindow()
    users.reload()
    run_until(qloop, qtbot, lambda: users.model.rowCount() >= 1)
    users.table.setFocus()
    users.table.selectRow(0)
    run_until(qloop, qtbot, lambda: QApplication.focusWidget() is users.table)
    qtbot.keyClick(users.table, K.Key_Tab)
    assert QApplication.focusWidget() is not users.table
    screens = [AdministrationScreen(ui_ctx, ""), AuditScreen(ui_ctx), HotListsScreen(ui_ctx), RecordsScreen(ui_ctx),
               SearchScreen(ui_ctx)]
    for screen in screens:
        qtbot.addWidget(screen)
    trapping = [v.accessibleName() or v.objectName() for s in screens for v in s.findChildren(QAbstractItemView)
                if v.tabKeyNavigation()]
    assert trapping == []


def _alt_keys(top) -> list[str]:
    """The Alt+letters live in ``top``: mnemonics of its shown buttons and of its labels with a buddy."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QAbstractButton, QLabel

    widgets = [b for b in top.findChildren(QAbstractButton) if b.isVisibleTo(top)]
    widgets += [lab for lab in top.findChildren(QLabel) if lab.buddy() is not None and lab.isVisibleTo(top)]
    return [QKeySequence.mnemonic(w.text()).toString() for w in widgets if QKeySequence.mnemonic(w.text()).count()]


def test_no_dialog_gives_one_alt_letter_to_two_controls(qtbot):
    """In the reject dialog Alt+D was both "&Duplicate of another hit" and "&Details": Qt calls the key
    ambiguous and only moves the focus, so Alt+D picked no reason. The BOLO entry (Alt+A: submit and plate,
    Alt+P: priority and outside person) and the release intake (Alt+A: agency and plates) had the same."""
    from datetime import UTC, date, datetime

    from app.domain.hit_steps import RejectReason
    from app.ui.dialogs.bolo_entry import BoloEntryDialog
    from app.ui.dialogs.console_dispatch import DispatchDialog
    from app.ui.dialogs.console_disposition import DispositionDialog
    from app.ui.dialogs.console_ncic_query import NcicQueryDialog, NoteDialog
    from app.ui.dialogs.console_notified import AgencyNotifiedDialog
    from app.ui.dialogs.console_override import CorrectRejectionDialog, VerifyOverrideDialog
    from app.ui.dialogs.console_reject import RejectDialog
    from app.ui.dialogs.console_stolen import StolenPlateDialog
    from app.ui.dialogs.console_takeover import TakeOverDialog
    from app.ui.dialogs.console_yq import YrDialog
    from app.ui.dialogs.records_dialogs import HoldDialog, ReasonDialog, ReleaseIntakeDialog

    async def submit(_v):
        return None

    now = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    dialogs = [
        RejectDialog(submit, "ABC1234", RejectReason.WRONG_STATE), DispositionDialog(submit),
        DispatchDialog(submit, "Stop only with probable cause", "2019 HOND CIV BLK", False, ncic_confirmed=False),
        NcicQueryDialog(submit, "ABC1234", "CA", "V123"), NoteDialog(submit), AgencyNotifiedDialog(submit, "CA0570200", now),
        VerifyOverrideDialog(submit, "ABC1234", ("state read GA, listed CA",)), StolenPlateDialog(submit, "HOND", "BLK"),
        YrDialog(submit, 1, "CA0570200", now), CorrectRejectionDialog(submit, "ABC1234"),
        TakeOverDialog(submit, 1, "disp2"),
        BoloEntryDialog(submit, "disp1", date(2026, 11, 2), 30, 90, requesters=[(1, "Det. Reyes")]),
        ReleaseIntakeDialog(submit=submit), HoldDialog(2, "26-1"), ReasonDialog("Reason", "Deny"),
    ]
    shared = {}
    for dlg in dialogs:
        qtbot.addWidget(dlg)
        keys = _alt_keys(dlg)
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            shared[type(dlg).__name__] = twice
    assert shared == {}


def test_escape_while_a_step_is_being_recorded_does_not_pretend_to_cancel_it(qtbot, qloop, world):  # noqa: F811
    """Enter, then Escape ("no, wait") while the service was still writing: the dialog closed as if cancelled,
    the step was recorded all the same, and the panel never showed it (its refresh went with the dialog)."""
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "ABC1234")
    press(qloop, qtbot, screen, K.Key_F2)
    gate = threading.Event()
    real = screen.ctrl.svc

    def slow_record(*args, **kwargs):
        gate.wait(5)
        return real.record(*args, **kwargs)

    class Proxy:
        def __getattr__(self, name):
            return slow_record if name == "record" else getattr(real, name)

    screen.ctrl.svc = Proxy()
    rows = screen.ncic.log.rowCount()
    key(qtbot, screen, K.Key_T, Qt.KeyboardModifier.ControlModifier)
    dlg = wait_dialog(qloop, qtbot, screen)
    qtbot.keyClicks(dlg.text, "driver waved at the camera")
    qtbot.keyClick(dlg.ok, K.Key_Return)
    qloop.run_until_complete(asyncio.sleep(0.05))
    assert dlg.busy
    # When Escape is pressed while the note is being written
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Escape)
    # Then the dialog stays, saying it is saving; when the service answers it closes and the log shows the note
    assert dlg.isVisible()
    gate.set()
    settle(qloop, qtbot, screen)
    assert steps_of(world.ctx, hit.id)[-1] == "note"
    run_until(qloop, qtbot, lambda: screen.ncic.log.rowCount() == rows + 1)


def _local_entry_hit(world, plate: str = "LOC4321"):  # noqa: F811
    """A hit on an approved local (BOLO) entry; returns (hit, entry id)."""
    from datetime import date

    from app.persistence.orm.hotlists import HotListEntryRow, HotListSourceRow
    from recognition.match import HotListIndex, IndexEntry, Matcher
    from tests.app.hitkit import ENTRIES

    ctx = world.ctx
    with ctx.uow() as uow:
        src = HotListSourceRow(name="Local BOLO", kind="local", bad_row_threshold=0.05, enabled=True, entry_count=1,
                               last_success_at=ctx.clock.now(), created_at=ctx.clock.now())
        uow.s.add(src)
        uow.s.flush()
        row = HotListEntryRow(source_id=src.id, plate=plate, state="CA", record_type="F", category="local_bolo",
                              priority=7, ori="CA0000000", entry_date=date(2026, 10, 1), vehicle_colour="BLK",
                              instructions=None, status="active", revision=1)
        uow.s.add(row)
        uow.s.flush()
        entry_id = row.id
    index = HotListIndex([IndexEntry(world.ids[p], p, s, pr) for p, s, _r, _c, pr, _o, _i in ENTRIES]
                         + [IndexEntry(entry_id, plate, "CA", 7)])
    world.svc.reads.set_matcher(Matcher(index))
    [hit] = raise_hit(world, plate)
    return hit, entry_id


def test_a_hit_on_a_withdrawn_local_entry_says_so_in_the_panel_and_the_dispatch_dialog(qtbot, qloop, world):  # noqa: F811
    """The BOLO a hit matched was withdrawn (denied, expired, changed) after the hit: the rules no longer count
    the NCIC query as confirmation, but the verification panel showed nothing, and the dispatch dialog said
    "No NCIC query has confirmed the record" right after the dispatcher had recorded that it had."""
    from app.persistence.orm.hotlists import HotListEntryRow

    screen = make_screen(qtbot, qloop, world)
    hit, entry_id = _local_entry_hit(world)
    press(qloop, qtbot, screen, K.Key_F2)
    assert screen.ctrl.detail.summary.id == hit.id
    press(qloop, qtbot, screen, K.Key_F3)
    key(qtbot, screen, K.Key_F5)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)  # still outstanding
    submit_dialog(qloop, qtbot, screen, dlg)
    # When the local entry is withdrawn while the hit is open
    with world.ctx.uow() as uow:
        uow.s.get(HotListEntryRow, entry_id).status = "withdrawn"
    qloop.run_until_complete(screen.ctrl.reload_detail())
    # Then the panel says so where the list warnings are
    assert screen.verify.warning.isVisible() and "no longer in force" in screen.verify.warning.text().lower()
    # And the dispatch dialog names the real reason an exigent reason is needed
    key(qtbot, screen, K.Key_F8)
    dlg = wait_dialog(qloop, qtbot, screen)
    said = " ".join(w.text() for w in dlg.findChildren(type(dlg.intro)) if w.isVisible())
    assert "no longer in force" in said and "No NCIC query has confirmed" not in said
    qtbot.keyClick(dlg, K.Key_Escape)
    settle(qloop, qtbot, screen)


def test_no_screen_gives_one_alt_letter_to_two_controls(qtbot, qloop, ui_ctx):
    """Alt+P on the search went to "&Purpose" and "< &Previous" both, so it only moved the focus between them;
    the same held for Alt+U/Alt+R on the users tab (Unlock / Users tab, Reset password / Appearance tab), Alt+C,
    Alt+L and Alt+U on the access record, Alt+O on the documents tab. Every tab of every screen is checked."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QComboBox, QTabWidget

    from app.ui.screens.administration import AdministrationScreen
    from app.ui.screens.audit import AuditScreen
    from app.ui.screens.hotlists import HotListsScreen
    from app.ui.screens.records import RecordsScreen
    from app.ui.screens.search import SearchScreen

    search = SearchScreen(ui_ctx)
    qtbot.addWidget(search)
    search.show()
    search.activateWindow()
    search.case.setFocus()
    run_until(qloop, qtbot, lambda: QApplication.focusWidget() is search.case)
    qtbot.keyClick(search.case, K.Key_P, Qt.KeyboardModifier.AltModifier)
    assert isinstance(QApplication.focusWidget(), QComboBox) and QApplication.focusWidget() is search.purpose
    shared = {}
    for screen in (search, AdministrationScreen(ui_ctx, ""), AuditScreen(ui_ctx), HotListsScreen(ui_ctx),
                   RecordsScreen(ui_ctx)):
        qtbot.addWidget(screen)
        screen.show()
        tabs = screen.findChildren(QTabWidget)
        for tab, index in [(t, i) for t in tabs for i in range(t.count())] or [(None, 0)]:
            if tab is not None:
                tab.setCurrentIndex(index)
            keys = _alt_keys(screen) + [QKeySequence.mnemonic(t.tabText(i)).toString() for t in tabs if t.isVisible()
                                        for i in range(t.count()) if "&" in t.tabText(i)]
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                shared[f"{type(screen).__name__} {tab.tabText(index) if tab else ''}"] = twice
    assert shared == {}


def _console_app(world):  # noqa: F811
    """A ConsoleApp around a main window signed in as the dispatcher (no runtime): lock and unlock are real."""
    from types import SimpleNamespace

    from app.settings.model import AppSettings
    from app.settings.secrets import MemorySecretStore
    from app.ui.application import ConsoleApp
    from app.ui.main_window import MainWindow
    from app.ui.screens_registry import default_screens

    assembly = SimpleNamespace(args=None, paths=world.ui.paths.ensure(), settings=AppSettings(), warnings=[],
                               secrets=MemorySecretStore())
    app = ConsoleApp(QApplication.instance(), assembly)
    app.services = world.ui.services
    app.attach(MainWindow(world.ui, default_screens("")))
    return app


def _close_app(app) -> None:
    QApplication.instance().removeEventFilter(app.idle)
    app.idle.pause()
    app.executor.shutdown()


def test_after_the_unlock_the_function_keys_work_without_a_mouse(qtbot, qloop, world):  # noqa: F811
    """The lock hid the console, and with it the widget that had the focus; after the unlock nothing had it, so
    the console's F-keys (which work where the focus is inside the console) did nothing: F2 claimed no hit."""
    from app.ui.asyncio_qt import start
    from app.ui.dialogs.login import LoginDialog
    from tests.app.ui.conftest import PW

    app = _console_app(world)
    window = app.window
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    try:
        window.show()
        screen = window.screens["console"]
        window.activateWindow()
        run_until(qloop, qtbot, window.isActiveWindow)
        screen.queue.setFocus()
        [hit] = raise_hit(world, "ABC1234")
        run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 1)
        start(app.lock("idle"))
        run_until(qloop, qtbot, lambda: isinstance(app.current, LoginDialog) and app.current.isVisible())
        lock = app.current
        qtbot.keyClicks(lock.password, PW)
        qtbot.keyClick(lock.password, K.Key_Return)
        run_until(qloop, qtbot, lambda: app.current is window)
        window.activateWindow()  # the window manager gives the window back its activation
        run_until(qloop, qtbot, window.isActiveWindow)
        # When the dispatcher presses F2 straight after the unlock
        press(qloop, qtbot, screen, K.Key_F2)
        # Then the next hit is claimed
        assert status_of(world, hit.id) is HitStatus.CLAIMED, QApplication.focusWidget()
    finally:
        _close_app(app)


def test_ctrl_e_after_a_rejection_does_not_accept_the_hit_in_one_keystroke(qtbot, qloop, world):  # noqa: F811
    """Ctrl+E corrects the latest step; after F4 that is the rejection, and correcting a rejection on a clean
    match recorded "visually verified" at once, with no dialog: one stray chord reopened a hit the dispatcher had
    just rejected and put their name to a visual verification they never made."""
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "ABC1234")
    press(qloop, qtbot, screen, K.Key_F2)
    key(qtbot, screen, K.Key_F4)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)  # misread
    submit_dialog(qloop, qtbot, screen, dlg)
    assert status_of(world, hit.id) is HitStatus.REJECTED
    # When Ctrl+E is pressed (the rejection is the current step of the log)
    key(qtbot, screen, K.Key_E, Qt.KeyboardModifier.ControlModifier)
    run_until(qloop, qtbot, lambda: screen.actions.dialog is not None or not screen.actions.busy)
    # Then nothing is accepted yet: a dialog asks why the rejection was wrong, and Enter alone records nothing
    assert "visual_accepted" not in steps_of(world.ctx, hit.id)
    dlg = wait_dialog(qloop, qtbot, screen)
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Return)
    run_until(qloop, qtbot, lambda: dlg.message.text() != "" or not dlg.isVisible())
    assert dlg.isVisible() and "visual_accepted" not in steps_of(world.ctx, hit.id)
    # And with the reason typed, the correction is recorded with it
    qtbot.keyClicks(QApplication.focusWidget(), "wrong hit picked in the queue, this plate matches")
    submit_dialog(qloop, qtbot, screen, dlg)
    step = world.svc.hits.view(world.disp.actor, hit.id).steps[-1]
    assert step.kind.value == "visual_accepted" and "this plate matches" in step.describe() + str(step.payload)


def test_disabling_an_account_asks_first_and_enter_keeps_it(qtbot, qloop, ui_ctx, bundle):
    """Alt+D (or Space on "Disable / enable") disabled the selected account at once: a dispatcher picked by a
    stray arrow key had their console locked and signed out at its next action, in the middle of a hit. Disabling now asks, naming the
    person, with Cancel the default; enabling again needs no question."""
    from PySide6.QtWidgets import QMessageBox

    from app.domain.roles import Role
    from app.ui.screens.users_panel import UsersPanel
    from tests.app.conftest import current_training
    from tests.app.ui.conftest import PW

    admin = bundle.administration
    admin.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                      training=current_training())
    panel = UsersPanel(ui_ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    panel.reload()
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == 2)
    panel.table.selectRow([u.username for u in panel.model.users].index("disp1"))
    panel.table.setFocus()

    def active() -> bool:
        return next(u for u in admin.list_users(ui_ctx.actor) if u.username == "disp1").active

    def box():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)

    qtbot.keyClick(QApplication.focusWidget() or panel, K.Key_D, Qt.KeyboardModifier.AltModifier)
    run_until(qloop, qtbot, lambda: box() is not None or not active())
    assert active(), "disabled at one keystroke"
    asked = box()
    assert "Dana Dispatcher" in asked.text() and asked.defaultButton() is asked.escapeButton()
    qtbot.keyClick(QApplication.focusWidget() or asked, K.Key_Return)
    run_until(qloop, qtbot, lambda: box() is None)
    assert active()
    # chosen deliberately, the account is disabled; enabling it again asks nothing
    qtbot.mouseClick(panel.actions["toggle"], Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: box() is not None)
    asked = box()
    yes = next(b for b in asked.buttons() if asked.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: not active())
    panel.table.selectRow([u.username for u in panel.model.users].index("disp1"))
    qtbot.mouseClick(panel.actions["toggle"], Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, active)


def test_an_overdue_yq_is_prompted_while_another_hit_is_on_screen(qtbot, qloop, world):  # noqa: F811
    """The YQ countdown and the "send the second request" prompt followed only the hit on screen: after an urgent
    YQ on one hit and F2 to a more urgent one, the ten minutes ran out with no word, and the entering agency's
    silence went unnoticed until the first hit was opened again (DOMAIN: no answer in time -> a second request)."""
    screen = make_screen(qtbot, qloop, world)
    [stolen] = raise_hit(world, "ABC1234")  # another agency's record: the YQ applies
    press(qloop, qtbot, screen, K.Key_F2)
    press(qloop, qtbot, screen, K.Key_F3)
    key(qtbot, screen, K.Key_F5)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    key(qtbot, screen, K.Key_F6)
    dlg = wait_dialog(qloop, qtbot, screen)
    submit_dialog(qloop, qtbot, screen, dlg)  # urgent: answer within 10 minutes
    assert "yq_sent" in steps_of(world.ctx, stolen.id)
    # When a more urgent hit comes in and the dispatcher claims it
    [amber] = raise_hit(world, "7XYZ001", camera="cam-2")
    press(qloop, qtbot, screen, K.Key_F2)
    assert screen.ctrl.detail.summary.id == amber.id
    # And the ten minutes pass
    world.ctx.clock.advance(minutes=11)
    screen.ctrl._every_second()
    # Then the console says which hit needs its second request
    run_until(qloop, qtbot, lambda: f"H-{stolen.id}" in screen.status.text())
    assert "second request" in screen.status.text() and screen.ctrl.detail.summary.id == amber.id


def test_signing_out_while_holding_a_hit_asks_to_release_it_first(qtbot, qloop, world):  # noqa: F811
    """Sign out with an open hit still claimed: the hit stayed claimed by someone who was gone, its reminders
    stopped at the claim, F2 on the other consoles skips claimed hits, and nobody was alerted to it."""
    from PySide6.QtWidgets import QMessageBox

    app = _console_app(world)
    window = app.window
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    signed_in_again: list[bool] = []

    async def login() -> bool:  # the sign-in dialog that follows a sign-out is not under test
        signed_in_again.append(True)
        return True

    app.login = login

    def box():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)

    try:
        window.show()
        screen = window.screens["console"]
        window.activateWindow()
        run_until(qloop, qtbot, window.isActiveWindow)
        screen.queue.setFocus()
        [hit] = raise_hit(world, "7XYZ001")
        press(qloop, qtbot, screen, K.Key_F2)
        assert status_of(world, hit.id) is HitStatus.CLAIMED
        # When the dispatcher presses Sign out
        window.logout_btn.setFocus()
        qtbot.keyClick(window.logout_btn, K.Key_Space)
        run_until(qloop, qtbot, lambda: box() is not None or bool(signed_in_again))
        # Then they are asked first, the hit named; Enter keeps them signed in, the hit still theirs
        asked = box()
        assert asked is not None and not signed_in_again, "signed out holding the hit"
        assert f"H-{hit.id}" in asked.text() and asked.defaultButton() is asked.escapeButton()
        qtbot.keyClick(QApplication.focusWidget() or asked, K.Key_Return)
        run_until(qloop, qtbot, lambda: box() is None)
        assert not signed_in_again and status_of(world, hit.id) is HitStatus.CLAIMED
        # And choosing to release: the hit goes back to the queue unclaimed, then the sign-out proceeds
        qtbot.mouseClick(window.logout_btn, Qt.MouseButton.LeftButton)
        run_until(qloop, qtbot, lambda: box() is not None)
        asked = box()
        go = next(b for b in asked.buttons() if asked.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole)
        qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
        run_until(qloop, qtbot, lambda: bool(signed_in_again))
        assert world.svc.hits.summary(world.disp.actor, hit.id).claimed_by is None
    finally:
        _close_app(app)


def test_a_hit_held_by_someone_gone_can_be_taken_over_with_a_reason(qtbot, qloop, world):  # noqa: F811
    """A hit held by a colleague whose console locked and signed out (or crashed) could not be claimed from any
    console: Ctrl+K only said "claimed by ...", and the service's take-over (with a reason) had no key or button.
    Ctrl+K on a hit held by someone else now asks why and takes it over; Enter alone takes nothing."""
    from app.domain.roles import Role
    from tests.app.conftest import current_training, signed_in
    from tests.app.ui.conftest import PW

    accounts, admin = world.ui.services.accounts, world.ui.services.administration
    admin.create_user(world.admin.actor, "disp2", "Drew Dispatcher", PW, frozenset({Role.DISPATCHER}),
                      training=current_training())
    other = signed_in(accounts, "disp2", PW, result=True)
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "7XYZ001")
    world.svc.hits.claim(other.actor, hit.id)
    screen.open_hit(hit.id)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None and screen.ctrl.detail.summary.id == hit.id)
    key(qtbot, screen, K.Key_K, Qt.KeyboardModifier.ControlModifier)
    dlg = wait_dialog(qloop, qtbot, screen)
    assert "claimed by disp2" in dlg.intro.text()
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Return)
    run_until(qloop, qtbot, lambda: dlg.message.text() != "")
    assert dlg.isVisible() and world.svc.hits.summary(world.disp.actor, hit.id).claimed_by == other.actor.user_id
    qtbot.keyClicks(QApplication.focusWidget(), "Drew's console locked and signed out at shift change")
    submit_dialog(qloop, qtbot, screen, dlg)
    assert world.svc.hits.summary(world.disp.actor, hit.id).claimed_by == world.disp.actor.user_id
    assert screen.verify.accept_btn.isEnabled()


def test_the_unlock_survives_a_window_that_went_away_while_locked(qtbot, qloop, ui_ctx):
    """A window hidden by the lock can be gone by the unlock (an error box whose exec() the hiding ended deletes
    itself): showing it again raised, and the console stayed hidden behind a finished unlock."""
    from PySide6.QtWidgets import QDialog

    from app.ui.main_window import MainWindow
    from app.ui.screens_registry import default_screens

    window = MainWindow(ui_ctx, default_screens(""))
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    box = QDialog(window)
    box.show()
    window.conceal()
    assert not box.isVisible()
    box.deleteLater()
    qloop.run_until_complete(asyncio.sleep(0.05))
    window.reveal()
    assert window.centralWidget().isVisible()


def test_escape_at_the_lock_screen_does_not_sign_the_dispatcher_out(qtbot, qloop, world):  # noqa: F811
    """At the lock screen Escape (or the button labelled "Cancel") abandoned the lock: the console signed out at
    once, with any hit the dispatcher held left claimed. Escape now does nothing there, and the button that signs
    out says so."""
    from PySide6.QtWidgets import QDialogButtonBox

    from app.ui.asyncio_qt import start
    from app.ui.dialogs.login import LoginDialog

    app = _console_app(world)
    window = app.window
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    signed_out: list[bool] = []

    async def login() -> bool:
        signed_out.append(True)
        return True

    app.login = login
    try:
        window.show()
        start(app.lock("idle"))
        run_until(qloop, qtbot, lambda: isinstance(app.current, LoginDialog) and app.current.isVisible())
        lock = app.current
        qtbot.keyClick(lock.password, K.Key_Escape)
        qloop.run_until_complete(asyncio.sleep(0.1))
        assert lock.isVisible() and not signed_out
        assert lock.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Sign out"
        qtbot.mouseClick(lock.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
        run_until(qloop, qtbot, lambda: bool(signed_out))
    finally:
        _close_app(app)

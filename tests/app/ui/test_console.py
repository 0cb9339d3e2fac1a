"""The Console screen driven with the keyboard: queue, claim next, verification and the whole NCIC log."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.domain.alerts import ChimeBand, FakeChimeSink, FakeSpeaker
from app.domain.hit_steps import StepKind
from app.domain.hits import HitStatus
from app.domain.roles import Role
from app.paths import AppPaths
from app.persistence.orm.audit import AccessLogRow
from app.persistence.orm.hits import HitStepRow
from app.persistence.orm.records import DocumentRow
from app.runtime.alerts import HitAlertsBridge
from app.services.alert_policy import AlertPolicyConfig
from app.services.hits_bundle import HitServices
from app.settings.model import AppSettings
from app.settings.secrets import MemorySecretStore
from app.ui.context import UiContext
from app.ui.screens.console import ConsoleScreen
from app.ui.screens.console_queue import COL
from app.workers.signals import AppSignals
from tests.app.conftest import current_training, signed_in
from tests.app.hitkit import make_read, seed_hotlist
from tests.app.ui.conftest import PW, run_until

SHOTS = os.environ.get("ALPR_SHOTS")
K = Qt.Key


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def world(ctx, bundle, executor, tmp_path):
    """A dispatcher signed in, the hit services on a seeded hot list, fake audio."""
    matcher, ids = seed_hotlist(ctx)
    paths = AppPaths(tmp_path / "data", tmp_path / "cfg")
    bundle.hits = HitServices.build(ctx, paths, MemorySecretStore(), matcher)
    bundle.accounts.create_first_admin("sup1", "Sam Supervisor", PW, current_training())
    admin = signed_in(bundle.accounts, "sup1", PW, result=True)
    bundle.administration.create_user(admin.actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                                      training=current_training())
    disp = signed_in(bundle.accounts, "disp1", PW, result=True)
    signals = AppSignals()
    ui = UiContext(bundle, executor, signals, AppSettings(), paths, disp.user, disp.actor, "Test County")
    speaker, chimes, clock = FakeSpeaker(), FakeChimeSink(), Clock()
    alerts = HitAlertsBridge(signals, AlertPolicyConfig(), speaker, chimes, clock=clock)
    yield type("World", (), dict(ui=ui, ctx=ctx, svc=bundle.hits, ids=ids, speaker=speaker, chimes=chimes,
                                  clock=clock, alerts=alerts, admin=admin, disp=disp))
    alerts.shutdown()


def raise_hit(world, plate: str, camera: str = "cam-1", state: str | None = "CA", seed: int = 0):
    """Store a read through ingest and emit its hits as the recognition bridge does."""
    result = world.svc.ingest.submit(make_read(plate, camera=camera, state=state, seed=seed))
    for r in result:
        for hit in r.hits:
            world.ui.signals.hit_raised.emit(hit)
    return [h for r in result for h in r.hits]


def make_screen(qtbot, qloop, world) -> ConsoleScreen:
    screen = ConsoleScreen(world.ui, world.alerts)
    qtbot.addWidget(screen, before_close_func=lambda w: w.shutdown())
    screen.resize(1366, 768)
    screen.show()
    screen.activateWindow()
    run_until(qloop, qtbot, screen.isActiveWindow)
    screen.queue.setFocus()
    return screen


def key(qtbot, screen, k, mod=Qt.KeyboardModifier.NoModifier):
    """Press a key where the focus is (as a user would)."""
    target = QApplication.focusWidget() or screen
    qtbot.keyClick(target, k, mod)


def settle(qloop, qtbot, screen):
    """Wait until the action started by a key has finished (its whole chain of awaits)."""
    run_until(qloop, qtbot, lambda: not screen.actions.busy and screen.isActiveWindow())


def press(qloop, qtbot, screen, k, mod=Qt.KeyboardModifier.NoModifier):
    """Press an action key and wait for the action (no dialog) to finish."""
    key(qtbot, screen, k, mod)
    settle(qloop, qtbot, screen)


def wait_dialog(qloop, qtbot, screen):
    run_until(qloop, qtbot, lambda: screen.actions.dialog is not None and screen.actions.dialog.isVisible())
    return screen.actions.dialog


def submit_dialog(qloop, qtbot, screen, dialog):
    qtbot.keyClick(QApplication.focusWidget() or dialog, K.Key_Return)
    settle(qloop, qtbot, screen)


def steps_of(ctx, hit_id) -> list[str]:
    with ctx.uow() as uow:
        return list(uow.s.scalars(select(HitStepRow.kind).where(HitStepRow.hit_id == hit_id)
                                  .order_by(HitStepRow.id)))


def status_of(world, hit_id) -> HitStatus:
    return world.svc.hits.summary(world.disp.actor, hit_id).status


def test_queue_orders_by_priority_then_age_and_announces(qtbot, qloop, world):
    screen = make_screen(qtbot, qloop, world)
    # Given a stolen vehicle hit, then an Amber alert hit a minute later
    raise_hit(world, "ABC1234")
    world.ctx.clock.advance(minutes=1)
    raise_hit(world, "7XYZ001", camera="cam-2")
    model = screen.ctrl.model
    run_until(qloop, qtbot, lambda: len(model.rows) == 2)  # rows arriving together are inserted together
    # Then the Amber alert (priority 1) is first and both were chimed in their band; both are unacknowledged
    assert [h.plate_listed for h in model.rows] == ["7XYZ001", "ABC1234"]
    assert world.chimes.played == [ChimeBand.HIGH, ChimeBand.URGENT]
    assert any("Adam" in t for t in world.speaker.texts)
    assert model.unacknowledged == 2
    assert "2</b> unacknowledged" in screen.counts.text()
    # Type, icon and words per row (never colour alone)
    idx = model.index(0, COL["Type"])
    assert model.data(idx) == "Amber alert"
    assert not model.data(model.index(0, COL["Priority"]), Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(model.index(0, 0)) == "1 URGENT"
    assert "NEW" in model.data(model.index(0, COL["Status"]))
    # The Amber alert repeats until acknowledged
    world.clock.t += 31
    world.alerts._tick()
    assert world.chimes.played[-1] is ChimeBand.URGENT and "Reminder" in world.speaker.texts[-1]


def test_whole_confirmation_log_by_keyboard(qtbot, qloop, world, qapp):
    if SHOTS:
        from app.ui.theme import apply_theme

        apply_theme(qapp, "dark")
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "ABC1234")  # stolen vehicle, entered by CA0570200 (another agency: YQ applies)
    raise_hit(world, "8OX1234", camera="cam-2", state="NV")  # stolen plate, lower priority
    # When the dispatcher presses F2 (claim next)
    press(qloop, qtbot, screen, K.Key_F2)
    assert screen.ctrl.detail.summary.id == hit.id
    assert status_of(world, hit.id) is HitStatus.CLAIMED
    assert str(hit.id) not in world.alerts.unacknowledged
    assert screen.verify.values["NIC"].text().startswith("V")
    # F3 accepts (visually verified)
    press(qloop, qtbot, screen, K.Key_F3)
    assert status_of(world, hit.id) is HitStatus.VERIFIED and "ncic" in screen.ctrl.actions()
    # F5: NCIC query result; nothing is preselected, so Enter alone records nothing
    key(qtbot, screen, K.Key_F5)
    dlg = wait_dialog(qloop, qtbot, screen)
    assert dlg.result.value == "" and not dlg.ok.isEnabled()
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Return)
    assert dlg.isVisible() and "ncic_query" not in steps_of(world.ctx, hit.id)
    key(qtbot, screen, K.Key_Space)  # picks the focused answer: Still outstanding
    assert dlg.result.value == "outstanding"
    submit_dialog(qloop, qtbot, screen, dlg)
    # F6: YQ prefilled; Down picks Routine; Enter records it
    key(qtbot, screen, K.Key_F6)
    dlg = wait_dialog(qloop, qtbot, screen)
    assert dlg.fields["NIC"].text().startswith("V") and dlg.fields["LIC"].text() == "ABC1234"
    key(qtbot, screen, K.Key_Down)
    assert dlg.fields["PRI"].text() == "R"
    submit_dialog(qloop, qtbot, screen, dlg)
    run_until(qloop, qtbot, lambda: "Answer to YQ request 1 due in 60:00" in screen.ncic.countdown.text())
    # When the hour passes, the second request is prompted
    world.ctx.clock.advance(minutes=61)
    screen.ctrl._every_second()
    assert "second request (RNO 2)" in screen.ncic.countdown.text()
    assert "second request" in screen.status.text()
    # F7: YR received, confirmed (picked with Space)
    key(qtbot, screen, K.Key_F7)
    dlg = wait_dialog(qloop, qtbot, screen)
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    run_until(qloop, qtbot, lambda: "confirmed the record" in screen.ncic.countdown.text())
    # F8: dispatch two units and tick "instructions relayed" with the keyboard
    key(qtbot, screen, K.Key_F8)
    dlg = wait_dialog(qloop, qtbot, screen)
    qtbot.keyClicks(QApplication.focusWidget(), "2a12, 2A14")
    key(qtbot, screen, K.Key_Tab)
    assert QApplication.focusWidget() is dlg.relayed
    key(qtbot, screen, K.Key_Space)
    submit_dialog(qloop, qtbot, screen, dlg)
    # F10: disposition; no outcome is preselected (one Enter never records an arrest); Down, Space picks
    key(qtbot, screen, K.Key_F10)
    dlg = wait_dialog(qloop, qtbot, screen)
    assert dlg.outcome.value == ""
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Return)
    assert dlg.isVisible() and "disposition" not in steps_of(world.ctx, hit.id)
    key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Space)
    assert dlg.outcome.value == "vehicle_recovered"
    submit_dialog(qloop, qtbot, screen, dlg)
    run_until(qloop, qtbot, lambda: status_of(world, hit.id) is HitStatus.CLOSED)
    # F11: entering agency notified; no method preselected (Enter alone records nothing), Space picks Nlets
    key(qtbot, screen, K.Key_F11)
    dlg = wait_dialog(qloop, qtbot, screen)
    qtbot.keyClick(QApplication.focusWidget() or dlg, K.Key_Return)
    assert dlg.isVisible() and "agency_notified" not in steps_of(world.ctx, hit.id)
    key(qtbot, screen, K.Key_Space)
    assert dlg.method.value == "Nlets message"
    submit_dialog(qloop, qtbot, screen, dlg)
    run_until(qloop, qtbot, lambda: StepKind.AGENCY_NOTIFIED.value in steps_of(world.ctx, hit.id))
    # Then the log holds every step, attributed, in order
    assert steps_of(world.ctx, hit.id) == ["claimed", "visual_accepted", "ncic_query", "yq_sent", "yr_received",
                                           "units_dispatched", "disposition", "agency_notified"]
    detail = world.svc.hits.view(world.disp.actor, hit.id)
    units = next(s for s in detail.steps if s.kind is StepKind.UNITS_DISPATCHED)
    assert units.payload["units"] == ["2A12", "2A14"] and units.username == "disp1"
    assert units.payload["instructions_relayed"] is True
    yq = next(s for s in detail.steps if s.kind is StepKind.YQ_SENT)
    assert yq.payload["priority"] == "R" and ["NIC", detail.entry.nic] in yq.payload["fields"]
    assert all(c.done for c in detail.checklist if c.applies and c.key != "stolen_plate")
    run_until(qloop, qtbot, lambda: screen.ncic.log.rowCount() == 8)
    # the closed hit stays in the panel with its actions disabled and a fresh status line
    assert screen.ctrl.detail.summary.id == hit.id and not screen.ncic.buttons["disposition"].isEnabled()
    assert not screen.ncic.buttons["dispatch"].isEnabled() and "closed" in screen.status.text()
    # The closed hit left the queue; the stolen plate hit is still there
    assert [h.plate_listed for h in screen.ctrl.model.rows] == ["8OX1234"]
    # Ctrl+P prints the hit report (registered in documents)
    press(qloop, qtbot, screen, K.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "Hit report saved" in screen.status.text()
    with world.ctx.uow() as uow:
        assert uow.s.scalar(select(DocumentRow.kind).where(DocumentRow.kind == "hit_report")) == "hit_report"
        actions = list(uow.s.scalars(select(AccessLogRow.action)))
    assert {"hit.claim", "hit.view", "hit.image", "hit.step.yq_sent", "hit.print"} <= set(actions)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        screen.grab().save(str(Path(SHOTS) / "console_closed.png"))


def test_reject_with_reason_and_queue_by_keyboard(qtbot, qloop, world):
    screen = make_screen(qtbot, qloop, world)
    [first] = raise_hit(world, "ABC1234")
    world.ctx.clock.advance(seconds=30)
    [second] = raise_hit(world, "8OX1234", camera="cam-3", state="NV", seed=7)  # ABC1234 again would group
    run_until(qloop, qtbot, lambda: len(screen.ctrl.model.rows) == 2)
    # Arrow down to the second row, Enter opens it: looking at a hit does not claim it
    screen.queue.setFocus()
    screen.queue.setCurrentIndex(screen.ctrl.model.index(0, 0))
    key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Return)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None and screen.verify.captured.caption != "")
    assert screen.ctrl.detail.summary.id == second.id
    assert status_of(world, second.id) is HitStatus.NEW and not screen.verify.accept_btn.isEnabled()
    press(qloop, qtbot, screen, K.Key_F4)
    assert screen.actions.dialog is None and "Claim hit" in screen.status.text()
    # Ctrl+K claims the hit shown
    press(qloop, qtbot, screen, K.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert status_of(world, second.id) is HitStatus.CLAIMED and screen.verify.accept_btn.isEnabled()
    # F4: reject as duplicate (Down x4 from Misread, Space picks), with a text
    key(qtbot, screen, K.Key_F4)
    dlg = wait_dialog(qloop, qtbot, screen)
    assert dlg.reason.value == ""
    for _ in range(4):
        key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Space)
    assert dlg.reason.value == "duplicate"
    key(qtbot, screen, K.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "same car as first hit")
    submit_dialog(qloop, qtbot, screen, dlg)
    run_until(qloop, qtbot, lambda: status_of(world, second.id) is HitStatus.REJECTED)
    assert [h.id for h in screen.ctrl.model.rows] == [first.id]
    detail = world.svc.hits.view(world.disp.actor, second.id)
    rejected = next(s for s in detail.steps if s.kind is StepKind.VISUAL_REJECTED)
    assert rejected.payload == {"reason": "duplicate", "text": "same car as first hit"}


def test_other_reason_needs_text_and_refusal_stays_in_dialog(qtbot, qloop, world):
    screen = make_screen(qtbot, qloop, world)
    [hit] = raise_hit(world, "ABC1234")
    press(qloop, qtbot, screen, K.Key_F2)
    key(qtbot, screen, K.Key_F4)
    dlg = wait_dialog(qloop, qtbot, screen)
    for _ in range(5):
        key(qtbot, screen, K.Key_Down)
    key(qtbot, screen, K.Key_Space)
    assert dlg.reason.value == "other"
    qtbot.keyClick(dlg.reason.buttons["other"], K.Key_Return)
    run_until(qloop, qtbot, lambda: "Say why" in dlg.message.text())
    assert dlg.isVisible() and status_of(world, hit.id) is HitStatus.CLAIMED
    qtbot.keyClick(dlg, K.Key_Escape)
    settle(qloop, qtbot, screen)

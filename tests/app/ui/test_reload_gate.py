from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.reload_gate import ReloadWhenShown


def test_hidden_screen_reloads_once_when_shown_unless_navigation_reloads_it(qtbot):
    screen = QWidget()
    qtbot.addWidget(screen)
    calls: list[int] = []
    gate = ReloadWhenShown(screen, lambda: calls.append(1))
    # Given a hidden screen, When two changes arrive, Then nothing reloads yet
    gate.changed()
    gate.changed()
    assert calls == []
    # When it is shown again without navigation (console unlocked), Then it reloads once
    screen.show()
    qtbot.waitUntil(lambda: calls == [1])
    # When it is on view, Then each change reloads at once
    gate.changed()
    assert calls == [1, 1]
    # When a change heard while hidden is followed by navigation (activate reloads), Then no extra reload
    screen.hide()
    gate.changed()
    screen.show()
    gate.activated()
    qtbot.waitUntil(lambda: not gate.pending)  # the deferred check has run
    assert calls == [1, 1]


def test_a_gate_listening_to_the_hub_is_cut_off_when_its_screen_is_deleted(qtbot):
    from app.domain.changes import Changes
    from app.workers.signals import AppSignals

    hub = AppSignals()
    screen = QWidget()
    calls: list[int] = []
    gate = ReloadWhenShown(screen, lambda: calls.append(1))
    gate.listen(hub.changed, lambda c: c.records)
    screen.show()
    hub.changed.emit(Changes(hotlists=True))
    hub.changed.emit(Changes(records=True))
    assert calls == [1]
    # When the screen is deleted (sign-out), Then a later change reaches nothing (no "already deleted")
    with qtbot.waitSignal(screen.destroyed):
        screen.deleteLater()
    hub.changed.emit(Changes(records=True))
    assert calls == [1]

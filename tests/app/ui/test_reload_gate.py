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
    qtbot.wait(20)
    assert calls == [1, 1]

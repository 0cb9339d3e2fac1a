"""Reload a screen for a change only when someone can see it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class ReloadWhenShown(QObject):
    """Runs ``reload`` for a change at once if ``screen`` is on view, else once when it is shown again.

    The main window calls a screen's ``activate()`` (a full reload) each time it is navigated to, so
    a hidden screen need not reload for every change it hears. A change heard while hidden is still
    applied when the screen reappears without navigation (the console unlocked, the window restored).
    """

    def __init__(self, screen: QWidget, reload: Callable[[], object]) -> None:
        super().__init__(screen)
        self._screen = screen
        self._reload = reload
        self._due = False
        # deferred so that an activate() right after the Show event makes it unnecessary
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._run)
        screen.installEventFilter(self)

    def changed(self) -> None:
        if self._screen.isVisible():
            self._due = False
            self._reload()
        else:
            self._due = True

    def activated(self) -> None:
        """The screen was navigated to and reloads everything itself."""
        self._due = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._screen and event.type() == QEvent.Type.Show and self._due:
            self._timer.start()
        return False

    def _run(self) -> None:
        if self._due:
            self._due = False
            self._reload()

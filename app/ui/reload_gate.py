"""Reload a screen for a change only when someone can see it."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QWidget

from app.domain.changes import Changes


class ReloadWhenShown(QObject):
    """Runs ``reload`` for a change at once if ``screen`` is on view, else once when it is shown again.

    The main window calls a screen's ``activate()`` (a full reload) each time it is navigated to, so
    a hidden screen need not reload for every change it hears. A change heard while hidden is still
    applied when the screen reappears without navigation (the console unlocked, the window restored).

    The gate is a child of its screen: connect the hub to it with :meth:`listen` (not to a lambda),
    and the connection dies with the screen at sign-out.
    """

    def __init__(self, screen: QWidget, reload: Callable[[], object]) -> None:
        super().__init__(screen)
        self._screen = screen
        self._reload = reload
        self._due = False
        self._wanted: Callable[[Changes], bool] = bool
        # deferred so that an activate() right after the Show event makes it unnecessary
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._run)
        screen.installEventFilter(self)

    def listen(self, signal: SignalInstance, wanted: Callable[[Changes], bool]) -> None:
        """Hear ``signal`` (the hub's ``changed``) and react to the changes ``wanted`` accepts."""
        self._wanted = wanted
        signal.connect(self.heard)

    def heard(self, changes: object) -> None:
        if isinstance(changes, Changes) and self._wanted(changes):
            self.changed()

    @property
    def pending(self) -> bool:
        """A reload is owed (heard while hidden) or about to run (the screen was just shown)."""
        return self._due or self._timer.isActive()

    def changed(self) -> None:
        if not shiboken6.isValid(self._screen):  # the screen is gone (sign-out): nothing to reload
            return
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

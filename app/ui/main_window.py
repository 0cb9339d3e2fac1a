"""The main window: header, role-appropriate navigation, screens, warning banner, idle lock."""

from __future__ import annotations

import asyncio
import logging

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import date_text, time_text
from app.ui.context import UiContext
from app.ui.navigation import ScreenSpec, visible
from app.ui.scroll import scrolling
from app.ui.theme import DEFAULT_FONT_PT, FONT_STEP_PT, apply_theme, clamp_font_pt, font_pt, theme_signals

logger = logging.getLogger(__name__)
#: The smallest workstation screen the console is laid out for; every screen scrolls below it.
SMALLEST_SCREEN = (1280, 720)


class ElidedLabel(QLabel):
    """A one-line label that shrinks with "..." instead of pushing the window wider (full text in the tooltip)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802
        p = QPainter(self)
        rect = self.contentsRect()
        shown = QFontMetrics(self.font()).elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        p.drawText(rect, int(self.alignment()) | int(Qt.AlignmentFlag.AlignVCenter), shown)


def _two_lines(top: QWidget, bottom: QWidget) -> QVBoxLayout:
    """Two header labels one above the other (the header is as tall as its buttons anyway)."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(top)
    column.addWidget(bottom)
    return column


class MainWindow(QMainWindow):
    lock_requested = Signal(str)
    logout_requested = Signal()
    password_requested = Signal()

    def __init__(self, ui: UiContext, specs: list[ScreenSpec]) -> None:
        super().__init__()
        self.ui = ui
        self.setWindowTitle(f"ALPR Dispatch Console - {ui.agency_name or 'agency not configured'}")
        self.setObjectName("MainWindow")
        self.resize(1366, 768)

        header = QFrame()
        header.setObjectName("Header")
        hl = QHBoxLayout(header)
        hl.setContentsMargins(8, 2, 8, 2)
        title = QLabel("ALPR Dispatch Console")
        title.setObjectName("HeaderTitle")
        agency = ElidedLabel(ui.agency_name or "Agency not configured")
        agency.setObjectName("HeaderAgency")
        self.who = ElidedLabel(f"{ui.user.full_name} ({ui.user.username}) - workstation {ui.actor.workstation}")
        self.who.setObjectName("HeaderUser")
        self.roles = ElidedLabel(", ".join(r.label for r in sorted(ui.user.roles)))
        self.roles.setObjectName("HeaderUser")
        self.clock = QLabel()
        self.clock.setObjectName("HeaderClock")
        self.lock_btn = QPushButton("Lock (Ctrl+L)")
        self.lock_btn.setAccessibleName("Lock the console")
        self.password_btn = QPushButton("Password...")
        self.password_btn.setAccessibleName("Change my password")
        self.password_btn.clicked.connect(self.password_requested)
        self.logout_btn = QPushButton("Sign out")
        self.logout_btn.setAccessibleName("Sign out")
        self.lock_btn.clicked.connect(lambda: self.lock_requested.emit("manual"))
        self.logout_btn.clicked.connect(self.logout_requested)
        # title over agency, name over roles: two short lines are readable at 1366 px where one long line was cut
        hl.addLayout(_two_lines(title, agency), 1)
        hl.addLayout(_two_lines(self.who, self.roles), 1)
        hl.addWidget(self.clock)
        hl.addWidget(self.password_btn)
        hl.addWidget(self.lock_btn)
        hl.addWidget(self.logout_btn)

        self.banner = QLabel("")
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setAccessibleName("Warnings")
        ui.signals.banner.connect(self.show_banner)

        self.nav = QListWidget()
        self.nav.setObjectName("Nav")
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(max(150, round(font_pt() * 13)))
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        self._concealed: list[QWidget] = []  # windows hidden by the lock, shown again at the unlock
        self._areas: dict[str, QScrollArea] = {}
        self._titles: dict[str, str] = {}
        for i, spec in enumerate(visible(specs, ui.user)):
            widget = spec.build(ui)
            self.screens[spec.key] = widget
            self._areas[spec.key] = scrolling(widget)
            self.stack.addWidget(self._areas[spec.key])
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            self._titles[spec.key] = spec.title
            badge = getattr(widget, "badge_changed", None)  # optional Signal(int) of a screen
            if badge is not None:
                badge.connect(lambda n, key=spec.key: self.set_badge(key, n))
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda row=i: self.nav.setCurrentRow(row))
        self.nav.currentRowChanged.connect(self._show)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=lambda: self.lock_requested.emit("manual"))
        for seq, step in (("Ctrl++", 1), ("Ctrl+=", 1), ("Ctrl+-", -1), ("Ctrl+0", 0)):
            QShortcut(QKeySequence(seq), self, activated=lambda s=step: self.zoom_font(s))

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(header)
        v.addWidget(self.banner)
        inner = QWidget()
        inner.setLayout(body)
        v.addWidget(inner, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Every access to ALPR data is recorded.")

        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self._update_clock()
        self.fit_rows()
        theme_signals().changed.connect(self._on_theme)  # font size from Appearance or Ctrl+Plus
        if self.nav.count():
            self.nav.setCurrentRow(0)

    def _update_clock(self) -> None:
        from datetime import datetime

        now = datetime.now()
        self.clock.setText(f"{now:%a} {date_text(now)}  {time_text(now)}")  # the agency's date style

    def _show(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        widget = self.screens[key]
        self.stack.setCurrentWidget(self._areas[key])
        activate = getattr(widget, "activate", None)
        if callable(activate):
            activate()

    def show_screen(self, key: str) -> QWidget:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
        return self.screens[key]

    def zoom_font(self, step: int) -> float:
        """Ctrl+Plus / Ctrl+Minus one point, Ctrl+0 back to the default; kept for the next start."""
        size = DEFAULT_FONT_PT if step == 0 else clamp_font_pt(font_pt() + step * FONT_STEP_PT)
        settings = self.ui.settings
        apply_theme(QApplication.instance(), settings.ui.theme, size)  # -> _on_theme
        self.statusBar().showMessage(f"Font size {size:g} pt (Ctrl+Plus / Ctrl+Minus, Ctrl+0 for {DEFAULT_FONT_PT:g} pt)",
                                     5000)
        asyncio.ensure_future(self._keep_font(size))
        return size

    async def _keep_font(self, size: float) -> None:
        try:
            await self.ui.call(self.ui.services.workstation_settings.save_font_size, self.ui.settings, size)
        except (OSError, ValueError) as exc:
            logger.warning("font size not saved: %s", exc)
            self.statusBar().showMessage(f"Font size not saved: {exc}", 8000)

    def _on_theme(self, _name: str) -> None:
        self.fit_rows()

    def fit_rows(self) -> None:
        """Item views' row heights follow the font size (set once per view as a default)."""
        height = QFontMetrics(QApplication.font()).height()
        for view in self.findChildren(QAbstractItemView):
            header = getattr(view, "verticalHeader", None)
            if header is not None:
                header().setDefaultSectionSize(round(height * 1.25 + 8))
        self.nav.setFixedWidth(max(150, round(font_pt() * 13)))

    def set_badge(self, key: str, count: int) -> None:
        """Show a count on a navigation item ("Hot lists (3)"); 0 clears it."""
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                title = self._titles.get(key, item.text())
                item.setText(f"{title} ({count})" if count else title)
                item.setToolTip(f"{count} waiting for you" if count else "")

    def shutdown(self) -> None:
        """At sign-out: every screen that has timers or tasks stops them (each screen's own ``shutdown``)."""
        for widget in self.screens.values():
            stop = getattr(widget, "shutdown", None)
            if callable(stop):
                stop()

    def conceal(self) -> None:
        """At the lock: hide the screens and every window open over them (a step dialog shows the hit)."""
        self.centralWidget().setVisible(False)
        self._concealed = [w for w in QApplication.topLevelWidgets()
                           if w is not self and w.isVisible() and self._owns(w)]
        for window in self._concealed:
            window.hide()

    def reveal(self) -> None:
        """At the unlock: the screens, and the dialogs the user left open, as they were."""
        self.centralWidget().setVisible(True)
        for window in self._concealed:
            if shiboken6.isValid(window):  # gone meanwhile (an error box the hiding ended deletes itself)
                window.show()
        self._concealed = []

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

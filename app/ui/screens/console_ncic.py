"""The NCIC confirmation panel (002 IV.J.1-5): checklist, YQ/YR countdown, actions and the step log.

The log shows every step with its time and author, corrections included (a corrected step is
greyed and says which step replaced it): nothing in it is ever edited. Which actions are
available is decided by the controller (:func:`app.ui.console_controller.available_actions`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import datetime_text, time_text
from app.domain.ncic import YqDue
from app.services.hit_queries import HitDetail
from app.ui.flow_layout import FlowLayout
from app.ui.screens.console_look import log_table
from app.ui.theme import palette

#: action key -> (button text, accessible name); every Alt+letter is unique on the console: one shared with the
#: panel shortcuts (Alt+Q queue, Alt+G log, Alt+V picture, Alt+S sightings) or another button is ambiguous to Qt,
#: and an ambiguous key only moves the focus, so neither acts
ACTIONS: dict[str, tuple[str, str]] = {
    "ncic": ("NCIC q&uery result  [F5]", "Record NCIC query result"),
    "yq": ("Send &YQ  [F6]", "Send YQ hit confirmation request"),
    "yr": ("YR r&eceived  [F7]", "Record YR answer received"),
    "dispatch": ("&Dispatch units  [F8]", "Dispatch units"),
    "stolen": ("Stolen-plate c&heck  [F9]", "Record stolen plate check"),
    "disposition": ("Dis&position  [F10]", "Record disposition"),
    "notify": ("Agency n&otified  [F11]", "Record entering agency notified"),
    "note": ("No&te  [Ctrl+T]", "Add a note"),
    "correct": ("&Correct step  [Ctrl+E]", "Correct the selected step"),
    "print": ("Pr&int report  [Ctrl+P]", "Print hit report"),
    "release": ("Re&lease hit  [Ctrl+Shift+R]", "Release the hit back to the queue"),
}
LOG_COLUMNS = ("#", "Time", "By", "Step")


class NcicPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NcicPanel")
        self.setAccessibleName("NCIC confirmation")
        title = QLabel("NCIC CONFIRMATION")
        title.setObjectName("PanelTitle")
        self.checklist = QLabel("")
        self.checklist.setObjectName("Checklist")
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        self.checklist.setWordWrap(True)
        self.checklist.setAccessibleName("Confirmation checklist")
        self.countdown = QLabel("")
        self.countdown.setObjectName("Countdown")
        self.countdown.setAccessibleName("YQ countdown")
        self.countdown.setWordWrap(True)
        self.relayed = QCheckBox("Instructions relayed to units  [F12]")
        self.relayed.setAccessibleName("Instructions relayed to units")
        self.buttons: dict[str, QPushButton] = {}
        #: the F-key action buttons; they wrap to the width (1366x768 with a 12 pt font), and the console
        #: keeps them below the scrolled checklist and log, always in view
        self.action_bar = QWidget()
        grid = FlowLayout(self.action_bar, spacing=4)
        for key, (text, name) in ACTIONS.items():
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.setObjectName(f"Action_{key}")
            self.buttons[key] = button
            grid.addWidget(button)
        self.log = log_table(QTableWidget(), LOG_COLUMNS, "StepLog", "Step log",
                             "Every step, timestamped and attributed; never edited.", wrap=True)
        self.log.setMinimumHeight(84)
        header = self.log.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        top = QVBoxLayout()  # checklist over the YQ countdown: full-width lines wrap less than two columns
        top.setSpacing(2)
        top.addWidget(self.checklist)
        top.addWidget(self.countdown)
        top.addWidget(self.relayed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(6)
        lay.addWidget(title)
        lay.addLayout(top)
        lay.addWidget(self.action_bar)
        lay.addWidget(self.log, 1)
        self.step_ids: list[int] = []
        self.show_detail(None, frozenset())

    def show_detail(self, detail: HitDetail | None, actions: frozenset[str]) -> None:
        for key, button in self.buttons.items():
            button.setEnabled(key in actions)
        self.relayed.blockSignals(True)
        self.relayed.setEnabled("relay" in actions)
        if detail is None:
            self.checklist.setText(f"<span style='color:{palette().muted}'>Open a hit to see its confirmation steps.</span>")
            self.countdown.setText("")
            self.relayed.setChecked(False)
            self.relayed.setVisible(False)
            self.log.setRowCount(0)
            self.step_ids = []
            self.relayed.blockSignals(False)
            return
        lines = []
        look = palette()
        not_needed = [item.label for item in detail.checklist if not item.applies]
        for item in detail.checklist:
            if not item.applies:
                continue  # one line for all of them, below: the steps to do stay on screen at 1366x768
            if item.done:
                lines.append(f"<span style='color:{look.check_done}'>\u2611 {item.label}</span>")
            else:
                lines.append(f"<span style='color:{look.check_pending}'><b>\u2610 {item.label}</b></span>")
        if not_needed:
            lines.append(f"<span style='color:{look.check_na}'>\u2013 Not needed for this hit (n/a): "
                         f"{'; '.join(not_needed)}</span>")
        self.checklist.setText("<br>".join(lines))
        self.checklist.setAccessibleDescription("; ".join(
            f"{i.label}: {'done' if i.done else 'to do' if i.applies else 'not applicable'}" for i in detail.checklist))
        relay = next((i for i in detail.checklist if i.key == "instructions"), None)
        self.relayed.setVisible(bool(relay and relay.applies))
        self.relayed.setChecked(bool(relay and relay.done))
        self.relayed.blockSignals(False)
        self._fill_log(detail)
        if not detail.yq_applies:
            self.show_yq(None, applies=False)

    def _fill_log(self, detail: HitDetail) -> None:
        steps = sorted(detail.steps, key=lambda s: (s.sequence, s.id))
        corrected_by = {s.corrects_step_id: s.id for s in steps if s.corrects_step_id}
        self.log.setRowCount(len(steps))
        self.step_ids = [s.id for s in steps]
        grey = QColor(palette().check_na)
        strike = QFont()
        strike.setStrikeOut(True)
        number = {s.id: n for n, s in enumerate(steps, start=1)}  # "#" counts this hit's steps, not global ids
        for row, step in enumerate(steps):
            text = step.describe()
            if step.note:
                text += f" - {step.note}"
            if step.id in corrected_by:
                text += f"  (corrected by #{number[corrected_by[step.id]]})"
            cells = (str(number[step.id]), time_text(step.at), step.username, text)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{datetime_text(step.at, seconds=True)} {step.username}: {text}")
                if step.id in corrected_by:
                    item.setForeground(grey)
                    if col == 3:
                        item.setFont(strike)
                self.log.setItem(row, col, item)
        self.log.resizeRowsToContents()
        if steps:  # the latest step is current: Ctrl+E corrects it, Up picks an earlier one
            self.log.setCurrentCell(len(steps) - 1, 0)
            self.log.scrollToBottom()

    def show_yq(self, due: YqDue | None, applies: bool = True) -> None:
        if not applies:
            self.countdown.setText(f"<span style='color:{palette().muted}'>YQ/YR: not needed (record entered by this "
                                   "agency, or its type takes no YQ)</span>")
            return
        if due is None or due.state == "none":
            self.countdown.setText(f"<span style='color:{palette().text}'>YQ: not sent yet. The record belongs to another "
                                   "agency: send a YQ (F6).</span>")
            return
        look = palette()
        colour = {"waiting": look.warn, "answered": look.ok}.get(due.state, look.error)
        big = ""
        if due.state == "waiting" and due.seconds_left is not None:
            mins, secs = divmod(int(due.seconds_left), 60)
            big = f"<span style='font-size:20pt; font-weight:600'>{mins}:{secs:02d}</span><br>"
        elif due.state in ("overdue", "exhausted"):
            big = "<span style='font-size:16pt; font-weight:600'>\u26a0 OVERDUE</span><br>"
        self.countdown.setText(f"<span style='color:{colour}'>{big}{due.message}</span>")
        self.countdown.setAccessibleDescription(due.message)

    def selected_step_id(self) -> int | None:
        row = self.log.currentRow()
        return self.step_ids[row] if 0 <= row < len(self.step_ids) else None

"""Administration > Policy: the agency's case/CFS number format and the jurisdiction (retention law).

Both were service/CLI only. The services decide (administrator permission, the format's rules, a
reason for a jurisdiction change) and record every change and refusal; this panel shows what is in
force, lets the administrator try a case number against the typed format before saving, and keeps
what was typed when a change is refused.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.records.retention import Jurisdiction
from app.domain.records.search import ReasonRules, case_number_problem, case_pattern_problems
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import problems_of
from app.ui.dialogs.jurisdiction import JurisdictionDialog, bounds_text


def case_number_verdict(pattern: str, example: str, case: str) -> tuple[bool, str]:
    """Whether ``case`` is a case number under the typed (maybe unsaved) format, and why in words."""
    if not case.strip():
        return False, "Type a case number to try it against the pattern."
    broken = [p for p in case_pattern_problems(pattern, example or "-") if "regular expression" in p
              or "characters long" in p or "Enter the case number pattern" in p]
    if broken:
        return False, broken[0]
    problem = case_number_problem(case, pattern, example)
    if problem:
        return False, f"Refused: {problem}"
    return True, f"Accepted: '{case.strip()}' is a case/CFS number of this format."


def _restyle(label: QLabel, name: str, text: str) -> None:
    label.setObjectName(name)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


def _wrapping(name: str = "Muted", accessible: str = "") -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    if accessible:
        label.setAccessibleName(accessible)
    return label


class PolicyPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.rules = ReasonRules()
        self.jurisdiction: Jurisdiction | None = None
        self.jurisdictions: list[Jurisdiction] = []
        lay = QVBoxLayout(self)
        lay.addWidget(self._case_box())
        lay.addWidget(self._jurisdiction_box())
        lay.addStretch(1)

    # ---- building -------------------------------------------------------------------------------
    def _case_box(self) -> QGroupBox:
        box = QGroupBox("Case/CFS number format (searches of stored reads, BOLO entries)")
        form = QFormLayout(box)
        self.case_in_force = _wrapping("Muted", "Case number format in force")
        form.addRow(self.case_in_force)
        self.pattern = QLineEdit()
        self.pattern.setAccessibleName("Case number pattern")
        self.pattern.setPlaceholderText(r"a regular expression, e.g. CFS\d{2}-\d{6}")
        self.example = QLineEdit()
        self.example.setAccessibleName("Example case number")
        self.example.setPlaceholderText("shown to users who type a case number")
        self.try_case = QLineEdit()
        self.try_case.setAccessibleName("Try a case number")
        self.try_result = _wrapping("Muted", "Try result")
        self.case_error = _wrapping("Error", "Case number format problems")
        self.case_error.setVisible(False)
        self.save_case = QPushButton("&Save case number format")
        self.case_message = _wrapping("Info", "Case number format result")
        for label, widget in (("Case number patter&n", self.pattern), ("&Example case number", self.example),
                              ("&Try a case number", self.try_case)):
            title = QLabel(label)
            title.setBuddy(widget)
            form.addRow(title, widget)
        form.addRow("", self.try_result)
        form.addRow(self.case_error)
        row = QHBoxLayout()
        row.addWidget(self.save_case)
        row.addWidget(self.case_message, 1)
        form.addRow(row)
        hint = _wrapping("Muted")
        hint.setText("The pattern must match the whole case number (letters in any case) and accept the "
                     "example; a pattern that takes placeholders such as XX, N/A, NONE or 000 is refused.")
        form.addRow(hint)
        for edit in (self.pattern, self.example, self.try_case):
            edit.textChanged.connect(self._try)
        self.save_case.clicked.connect(self._save_case)
        return box

    def _jurisdiction_box(self) -> QGroupBox:
        box = QGroupBox("Jurisdiction (the retention law the agency is under)")
        v = QVBoxLayout(box)
        self.jurisdiction_in_force = _wrapping("Subheading", "Jurisdiction in force")
        self.jurisdiction_bounds = _wrapping("Muted", "Retention the jurisdiction allows")
        self.change_jurisdiction = QPushButton("Change &jurisdiction...")
        self.jurisdiction_message = _wrapping("Info", "Jurisdiction result")
        v.addWidget(self.jurisdiction_in_force)
        v.addWidget(self.jurisdiction_bounds)
        row = QHBoxLayout()
        row.addWidget(self.change_jurisdiction)
        row.addWidget(self.jurisdiction_message, 1)
        v.addLayout(row)
        self.change_jurisdiction.clicked.connect(self._change_jurisdiction)
        return box

    # ---- showing --------------------------------------------------------------------------------
    @async_slot()
    async def reload(self) -> None:
        records = self.ui.services.records
        self.rules = await self.ui.call(records.search.reason_rules)
        self.jurisdictions = await self.ui.call(records.retention.jurisdictions)
        self._show_jurisdiction(await self.ui.call(records.retention.jurisdiction))
        self._show_rules(self.rules)

    def _show_rules(self, rules: ReasonRules) -> None:
        self.case_in_force.setText(f"In force: {rules.case_pattern}  (example {rules.case_example})")
        self.pattern.setText(rules.case_pattern)
        self.example.setText(rules.case_example)
        if not self.try_case.text():
            self.try_case.setText(rules.case_example)
        self._try()

    def _show_jurisdiction(self, jurisdiction: Jurisdiction) -> None:
        self.jurisdiction = jurisdiction
        self.jurisdiction_in_force.setText(f"In force: {jurisdiction.label}")
        cite = f" Source: {jurisdiction.citation}." if jurisdiction.citation else ""
        self.jurisdiction_bounds.setText(bounds_text(jurisdiction) + cite)

    def _try(self) -> None:
        ok, text = case_number_verdict(self.pattern.text(), self.example.text(), self.try_case.text())
        _restyle(self.try_result, "Info" if ok else "Error" if self.try_case.text().strip() else "Muted", text)

    # ---- changing -------------------------------------------------------------------------------
    @async_slot()
    async def _save_case(self) -> None:
        self.case_error.setVisible(False)
        _restyle(self.case_message, "Info", "")
        search = self.ui.services.records.search
        try:
            rules = await self.ui.call(search.set_case_format, self.ui.actor, self.pattern.text().strip(),
                                       self.example.text())
        except DomainError as exc:  # refused: what was typed stays for the next try
            self.case_error.setText("\n".join(problems_of(exc)))
            self.case_error.setVisible(True)
            _restyle(self.case_message, "Error", "Not saved.")
            self.pattern.setFocus()
            return
        self.rules = rules
        self._show_rules(rules)
        _restyle(self.case_message, "Info", "Saved; recorded in the access record.")
        self.ui.signals.changed.emit(Changes(settings=True))

    @async_slot()
    async def _change_jurisdiction(self) -> None:
        if self.jurisdiction is None or not self.jurisdictions:
            return
        retention = self.ui.services.records.retention

        async def submit(value: tuple[str, str]) -> Jurisdiction:
            key, reason = value
            return await self.ui.call(retention.set_jurisdiction, self.ui.actor, key, reason)

        self.dialog = JurisdictionDialog(self, self.jurisdictions, self.jurisdiction, submit)
        changed = self.dialog.result_value if await dialog_result(self.dialog) else None
        if isinstance(changed, Jurisdiction):
            self._show_jurisdiction(changed)
            _restyle(self.jurisdiction_message, "Info",
                     f"Changed to {changed.label}; recorded with your reason. Check the retention periods "
                     "on the Records screen.")
            self.ui.signals.changed.emit(Changes(settings=True, records=True))

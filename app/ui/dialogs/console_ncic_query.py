"""Record the NCIC query result (002 IV.J.1: still outstanding?) or a free note."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from app.domain.hit_steps import LABELS, NcicQuery, NcicResult, Note
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit

RESULTS = ((NcicResult.OUTSTANDING, "Still &outstanding (record active)"),
           (NcicResult.CLEARED, "&Cleared (no longer wanted)"),
           (NcicResult.NOT_ON_FILE, "&Not on file"))


class NcicQueryDialog(StepDialog):
    """What the dispatcher's NCIC query returned for the listed plate."""

    def __init__(self, submit: Submit, plate: str, state: str | None, nic: str | None,
                 parent: QWidget | None = None, title: str = "NCIC query result") -> None:
        super().__init__(title, f"Query NCIC for {plate} {state or ''}" + (f" (NIC {nic})" if nic else "")
                         + " and record whether the record is still outstanding.", submit, parent)
        self.result = ChoiceGroup("NCIC query result", [(str(v), label) for v, label in RESULTS])
        self.note = QLineEdit()
        self.note.setAccessibleName("Query note")
        self.form.addRow("Result", self.result)
        self.form.addRow("No&te", self.note)
        self.require(self.result)
        self.result.focus_checked()

    def build(self) -> NcicQuery:
        return NcicQuery(NcicResult(self.result.value), self.note.text().strip())


class NoteDialog(StepDialog):
    """A free note in the log (notes are never edited either)."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("Add a note", "The note is added to the hit's log with your name and the time.",
                         submit, parent)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Note text")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.form.addRow("&Note", self.text)
        self.text.setFocus()

    def build(self) -> Note:
        return Note(self.text.toPlainText().strip())


def result_label(result: str) -> str:
    return LABELS.get(result, result)

"""The outcome of a hit (002 IV.J; K.3: clear stops from hot-list alerts with the outcome)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import DispositionStep, Outcome
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit

OUTCOMES = ((Outcome.ARREST, "&Arrest"), (Outcome.VEHICLE_RECOVERED, "&Vehicle recovered"),
            (Outcome.PLATE_RECOVERED, "&Plate recovered"), (Outcome.NOT_LOCATED, "&Not located"),
            (Outcome.MISREAD, "&Misread (found after verification)"), (Outcome.OTHER, "&Other (describe)"))


class DispositionDialog(StepDialog):
    """Pick the outcome; 'Other' needs a description. Recording it closes the hit."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("Disposition", "Record how the hit ended. Recording a disposition closes the hit; "
                         "after an arrest or recovery, notify the entering agency.", submit, parent)
        self.outcome = ChoiceGroup("Outcome", [(str(v), label) for v, label in OUTCOMES])
        self.text = QLineEdit()
        self.text.setAccessibleName("Disposition details")
        self.form.addRow("Outcome", self.outcome)
        self.form.addRow("&Details", self.text)
        self.ok.setText("Record disposition")
        self.require(self.outcome)
        self.outcome.focus_checked()

    def build(self) -> DispositionStep:
        outcome = Outcome(self.outcome.value)
        if outcome is Outcome.OTHER and not self.text.text().strip():
            raise ValidationFailed("Describe the outcome.")
        return DispositionStep(outcome, self.text.text().strip())

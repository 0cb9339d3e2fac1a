"""Stolen-plate check (002 IV.J.3): does the plate come back to the vehicle now carrying it?"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from app.domain.hit_steps import SamePlateVehicle, StolenPlateCheck
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit

ANSWERS = ((SamePlateVehicle.SAME, "&Same make, model and colour"),
           (SamePlateVehicle.DIFFERENT, "&Different vehicle (plate moved to another car)"),
           (SamePlateVehicle.UNKNOWN, "&Could not tell"))


class StolenPlateDialog(StepDialog):
    """Compare what the plate comes back to with the vehicle seen; say whether the units were advised."""

    def __init__(self, submit: Submit, listed_vehicle: str, seen_vehicle: str, parent: QWidget | None = None) -> None:
        super().__init__("Stolen-plate check", "Check the stolen plate through LINK/NCIC and compare the vehicle "
                         "it comes back to with the vehicle carrying it; advise the dispatched units.", submit, parent)
        seen = QLabel(f"Vehicle seen by the camera: {seen_vehicle or 'not known'}   |   Listed: "
                      f"{listed_vehicle or 'not given'}")
        seen.setWordWrap(True)
        seen.setObjectName("Info")
        self.answer = ChoiceGroup("Same vehicle", [(str(v), label) for v, label in ANSWERS])
        self.returned = QLineEdit()
        self.returned.setAccessibleName("Vehicle the plate comes back to")
        self.returned.setPlaceholderText("year make model colour")
        self.advised = QCheckBox("&Units advised")
        self.advised.setAccessibleName("Units advised")
        self.form.addRow(seen)
        self.form.addRow("Comes back to", self.answer)
        self.form.addRow("&Returned vehicle", self.returned)
        self.form.addRow("", self.advised)
        self.ok.setText("Record check")
        self.require(self.answer)
        self.answer.focus_checked()

    def build(self) -> StolenPlateCheck:
        return StolenPlateCheck(SamePlateVehicle(self.answer.value), self.returned.text().strip(),
                                self.advised.isChecked())

"""Dispatch units on a verified hit and relay the entry's instructions (002 IV.J.2 and J.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import InstructionsRelayed, UnitsDispatched
from app.ui.dialogs.console_common import StepDialog, Submit


@dataclass(frozen=True, slots=True)
class DispatchInput:
    """Units dispatched, and whether the instructions were relayed to them at the same time."""

    units: UnitsDispatched
    relayed: InstructionsRelayed | None


def split_units(text: str) -> tuple[str, ...]:
    return tuple(u.upper() for u in re.split(r"[,;\s]+", text) if u.strip())


class DispatchDialog(StepDialog):
    """Unit ids (comma or space separated); the instructions shown with a 'relayed' checkbox."""

    def __init__(self, submit: Submit, instructions: str, vehicle: str, relayed_already: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__("Dispatch units", "Record the units sent to look for the vehicle"
                         + (f" ({vehicle})" if vehicle else "") + ".", submit, parent)
        self.units = QLineEdit()
        self.units.setAccessibleName("Unit ids")
        self.units.setPlaceholderText("e.g. 2A12, 2A14")
        self.form.addRow("&Units", self.units)
        self.relayed = QCheckBox("I relayed these instructions to the units")
        self.relayed.setAccessibleName("Instructions relayed to units")
        if instructions:
            text = QLabel(f"\u26a0 Instructions to field: {instructions}")
            text.setObjectName("Instructions")
            text.setWordWrap(True)
            text.setAccessibleName("Instructions to field")
            self.form.addRow(text)
            self.form.addRow("", self.relayed)
            if relayed_already:
                self.relayed.setChecked(True)
                self.relayed.setEnabled(False)
                self.relayed.setText("Instructions already recorded as relayed")
        else:
            self.relayed.setVisible(False)
        self._needs_relay = bool(instructions) and not relayed_already
        self.ok.setText("Record dispatch")
        self.units.setFocus()

    def build(self) -> DispatchInput:
        units = split_units(self.units.text())
        if not units:
            raise ValidationFailed("Name at least one unit.")
        relayed = InstructionsRelayed(True) if self._needs_relay and self.relayed.isChecked() else None
        return DispatchInput(UnitsDispatched(units), relayed)

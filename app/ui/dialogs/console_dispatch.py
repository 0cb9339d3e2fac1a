"""Dispatch units on a verified hit and relay the entry's instructions (002 IV.J.2 and J.4)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import UnitsDispatched
from app.ui.dialogs.console_common import StepDialog, Submit


def split_units(text: str) -> tuple[str, ...]:
    return tuple(u.upper() for u in re.split(r"[,;\s]+", text) if u.strip())


class DispatchDialog(StepDialog):
    """Unit ids (comma or space separated); the instructions with a 'relayed' checkbox (required).

    Without a confirmed NCIC query the dialog says so and asks for the exigent circumstances:
    the dispatch is then recorded as an override (the service refuses it without a reason).
    """

    def __init__(self, submit: Submit, instructions: str, vehicle: str, relayed_already: bool,
                 parent: QWidget | None = None, ncic_confirmed: bool = True, entry_withdrawn: bool = False) -> None:
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
        self.exigent = QPlainTextEdit()
        self.exigent.setAccessibleName("Exigent circumstances")
        self.exigent.setTabChangesFocus(True)
        self.exigent.setFixedHeight(60)
        self.exigent.setPlaceholderText("What makes this exigent (recorded as an override, seen in audits)")
        self.ncic_confirmed = ncic_confirmed
        if not ncic_confirmed:
            why = ("The local entry this hit matched is no longer in force (withdrawn for review, denied, expired "
                   "or changed since the hit)." if entry_withdrawn else
                   "No NCIC query has confirmed the record is still outstanding (F5).")
            warn = QLabel(f"\u26a0 {why} Dispatch only under exigent circumstances, and say what they are:")
            warn.setObjectName("Stale")
            warn.setWordWrap(True)
            warn.setAccessibleName("No NCIC confirmation")
            self.layout().insertWidget(1, warn)  # outside the form: a wrapped label in a form row is clipped
            self.form.addRow("&Exigent", self.exigent)
        else:
            self.exigent.setVisible(False)
        self.ok.setText("Record dispatch" if ncic_confirmed else "Record exigent dispatch")
        self.units.setFocus()

    def build(self) -> UnitsDispatched:
        units = split_units(self.units.text())
        if not units:
            raise ValidationFailed("Name at least one unit.")
        if self._needs_relay and not self.relayed.isChecked():
            raise ValidationFailed("Relay the instructions to the units and tick that you did.")
        exigent = "" if self.ncic_confirmed else self.exigent.toPlainText().strip()
        if not self.ncic_confirmed and not exigent:
            raise ValidationFailed("Say what the exigent circumstances are, or record the NCIC result first (F5).")
        return UnitsDispatched(units, instructions_relayed=self._needs_relay and self.relayed.isChecked(),
                               exigent_reason=exigent)

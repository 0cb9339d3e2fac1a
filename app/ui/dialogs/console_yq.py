"""YQ hit-confirmation request to the entering agency, and its YR answer (DOMAIN.md "NCIC hit confirmation").

The YQ fields arrive prefilled from the hit (only those that fit the request type); the
dispatcher checks them, picks U (answer within 10 min) or R (1 h), and records the request as sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import YqPriority, YrAnswer, YrReceived
from app.domain.ncic import YqRequest
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit
from app.ui.dialogs.console_times import TimeEdit

_FIXED = ("RTY", "RNO", "PRI")
_FIELD_NAMES = {"RTY": "Request type", "RNO": "Request number", "PRI": "Priority", "OCA": "Case number (OCA)",
                "NIC": "NCIC number (NIC)", "LIC": "Plate (LIC)", "LIS": "Plate state (LIS)",
                "LIY": "Plate year (LIY)", "LIT": "Plate type (LIT)"}


class YqDialog(StepDialog):
    """Check the prefilled YQ and record it as sent; submits ``(priority, fields)``."""

    def __init__(self, submit: Submit, prefill: YqRequest, rno: int, parent: QWidget | None = None) -> None:
        ordinal = {1: "first", 2: "second", 3: "third"}.get(rno, f"#{rno}")
        super().__init__("Send YQ", f"Send the {ordinal} hit-confirmation request (RNO {rno}) to the entering "
                         f"agency {prefill.destination_ori or '(ORI unknown)'}. Fields come from the hit; "
                         "check them, send the message on your NCIC terminal, then record it here.", submit, parent)
        self.priority = ChoiceGroup("YQ priority", [(YqPriority.URGENT.value, "&Urgent: answer within 10 minutes "
                                                     "(the hit is the only basis to detain)"),
                                                    (YqPriority.ROUTINE.value, "&Routine: answer within 1 hour")],
                                    default=YqPriority.URGENT.value)
        self.form.addRow("Priority", self.priority)
        self.fields: dict[str, QLineEdit] = {}
        for name, value in prefill.fields:
            edit = QLineEdit(value)
            edit.setAccessibleName(_FIELD_NAMES.get(name, name))
            edit.setReadOnly(name in _FIXED)
            self.fields[name] = edit
            self.form.addRow(f"{name}  {_FIELD_NAMES.get(name, '')}", edit)
        self.preview = QLabel()
        self.preview.setObjectName("Info")
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Message preview")
        self.form.addRow("Message", self.preview)
        for button in self.priority.buttons.values():
            button.toggled.connect(self._sync)
        for edit in self.fields.values():
            edit.textChanged.connect(self._sync)
        self.ok.setText("Record YQ sent")
        self._sync()
        self.priority.focus_checked()

    def _sync(self) -> None:
        if "PRI" in self.fields:
            self.fields["PRI"].setText(self.priority.value)
        self.preview.setText(".".join(f"{k}/{e.text().strip().upper()}" for k, e in self.fields.items()
                                      if e.text().strip()))

    def build(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        fields = tuple((k, e.text().strip().upper()) for k, e in self.fields.items() if e.text().strip())
        return self.priority.value, fields


class YrDialog(StepDialog):
    """The entering agency's answer; 'will confirm' needs the time it promised."""

    def __init__(self, submit: Submit, rno: int, ori: str, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__("YR received", f"Record the entering agency's answer (YR) to YQ request {rno}.",
                         submit, parent)
        self.answer = ChoiceGroup("YR answer", [(YrAnswer.CONFIRMED.value, "&Confirmed: record outstanding, "
                                                 "vehicle/person is the one in the record"),
                                                (YrAnswer.DENIED.value, "&Denied / not confirmed"),
                                                (YrAnswer.WILL_CONFIRM.value, "&Will confirm by a stated time")])
        self.confirm_by = TimeEdit(now + timedelta(minutes=30), "Will confirm by")
        self.from_ori = QLineEdit(ori)
        self.from_ori.setAccessibleName("From ORI")
        self.note = QLineEdit()
        self.note.setAccessibleName("YR note")
        self.form.addRow("Answer", self.answer)
        self.form.addRow("Will confirm &by", self.confirm_by)
        self.form.addRow("From &ORI", self.from_ori)
        self.form.addRow("No&te", self.note)
        self.answer.buttons[YrAnswer.WILL_CONFIRM.value].toggled.connect(self.confirm_by.setEnabled)
        self.confirm_by.setEnabled(False)
        self.require(self.answer)
        self.answer.focus_checked()

    def build(self) -> YrReceived:
        answer = YrAnswer(self.answer.value)
        if len(self.from_ori.text().strip()) > 9:
            raise ValidationFailed("An ORI has 9 characters.")
        return YrReceived(answer, self.confirm_by.value() if answer is YrAnswer.WILL_CONFIRM else None,
                          self.from_ori.text().strip().upper(), self.note.text().strip())

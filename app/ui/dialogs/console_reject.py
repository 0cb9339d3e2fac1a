"""Reject a hit at visual verification, with a reason (002 IV.J.1; DOMAIN.md "The hit workflow" 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import RejectReason, VisualRejected
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit

REASONS = (
    (RejectReason.MISREAD, "&Misread (characters differ)"),
    (RejectReason.WRONG_STATE, "Wrong &state"),
    (RejectReason.NOT_A_PLATE, "&Not a plate"),
    (RejectReason.PARTIAL_READ, "&Partial read"),
    (RejectReason.DUPLICATE, "&Duplicate of another hit"),
    (RejectReason.OTHER, "&Other (say why)"),
)


class RejectDialog(StepDialog):
    """Pick the reason; 'Other' needs a text. Submits a :class:`VisualRejected`."""

    def __init__(self, submit: Submit, plate: str, suggested: RejectReason | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Reject hit", f"Reject the hit on {plate}: the captured plate does not match the "
                         "wanted plate. The hit is closed and the reason recorded.", submit, parent)
        self.reason = ChoiceGroup("Reject reason", [(str(v), label) for v, label in REASONS])
        if suggested is not None:  # a hint only: the dispatcher still picks the reason
            hint = QLabel(f"The panel shows a mismatch: perhaps '{dict(REASONS)[suggested].replace('&', '')}'.")
            hint.setObjectName("Info")
            hint.setWordWrap(True)
            self.form.addRow(hint)
        self.text = QLineEdit()
        self.text.setAccessibleName("Reason text")
        self.text.setPlaceholderText("Required for Other; optional otherwise")
        self.form.addRow("Reason", self.reason)
        self.form.addRow("D&etails", self.text)
        self.ok.setText("Reject hit")
        self.require(self.reason)
        self.reason.focus_checked()

    def build(self) -> VisualRejected:
        reason = RejectReason(self.reason.value)
        if reason is RejectReason.OTHER and not self.text.text().strip():
            raise ValidationFailed("Say why the hit is rejected.")
        return VisualRejected(reason, self.text.text().strip())

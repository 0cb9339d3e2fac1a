"""Accept a hit although the panel shows a mismatch: an explicit override with a typed reason (002 IV.I.2).

The mismatches are listed; the reason is checked for substance by the service, which records
the acceptance as an override (on the hit report, in the access record and the usage report).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import VisualAccepted
from app.ui.dialogs.console_common import ReasonStepDialog, StepDialog, Submit


class VerifyOverrideDialog(StepDialog):
    """Lists what does not match; recording needs a reason typed in the box."""

    def __init__(self, submit: Submit, plate: str, mismatches: tuple[str, ...], parent: QWidget | None = None,
                 title: str = "Accept with override") -> None:
        super().__init__(title, f"The captured plate {plate} does NOT match the wanted plate cleanly. Accept it as "
                         "the wanted vehicle only if you are sure, and say why: the acceptance is recorded as an "
                         "override and printed on the hit report. Otherwise cancel and reject (F4).", submit, parent)
        listed = QLabel("\n".join(f"\u26a0 {m}" for m in mismatches))
        listed.setObjectName("Stale")
        listed.setWordWrap(True)
        listed.setAccessibleName("Mismatches")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Override reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Why this is the wanted vehicle despite the mismatch")
        self.mismatch_text = listed
        self.form.addRow(listed)
        self.form.addRow("&Reason", self.reason)
        self.ok.setText("Accept with override")
        self.ok.setDefault(False)  # Enter in the reason box must not accept a half-typed reason
        self.ok.setAutoDefault(False)
        self.reason.setFocus()

    def build(self) -> VisualAccepted:
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise ValidationFailed("Type the reason for the override.")
        return VisualAccepted("", reason)


class CorrectRejectionDialog(ReasonStepDialog):
    """Correcting a rejection records a visual verification: it asks why the rejection was wrong (Ctrl+E
    right after F4 must not reopen the hit as verified in one keystroke)."""

    def __init__(self, submit: Submit, plate: str, parent: QWidget | None = None) -> None:
        super().__init__("Correct the rejection", f"The hit on {plate} was rejected at visual verification. Correcting "
                         "the rejection records that you compared the captured plate with the wanted plate and they "
                         "match, and reopens the hit. Say why the rejection was a mistake.", submit,
                         what="Why the rejection was a mistake", example="e.g. rejected the wrong hit in the queue",
                         ok_text="Accept: visually verified", refusal="Say why the rejection was a mistake.",
                         parent=parent)

    def build(self) -> VisualAccepted:
        return VisualAccepted(f"corrected: {self.typed_reason()}")

"""Shown at first login (and after a policy change): the agency's ALPR policy, acknowledged."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class PolicyDialog(QDialog):
    def __init__(self, policy_text: str, version: str, agency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ALPR Console - Usage and privacy policy")
        self.resize(720, 560)
        head = QLabel(f"{agency}: ALPR usage and privacy policy (version {version})")
        head.setObjectName("Subheading")
        text = QPlainTextEdit(policy_text)
        text.setReadOnly(True)
        text.setAccessibleName("Policy text")
        self.agree = QCheckBox("I have read this policy and will use ALPR data only as it allows.")
        self.agree.setAccessibleName("I agree to the policy")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Acknowledge")
        self.ok.setEnabled(False)
        self.agree.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(text)
        lay.addWidget(self.agree)
        lay.addWidget(buttons)

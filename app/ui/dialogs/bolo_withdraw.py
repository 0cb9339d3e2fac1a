"""Withdraw a local entry (BOLO): the vehicle was found, the case closed or it was entered in error."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.dialogs.console_common import ReasonStepDialog, Submit


class WithdrawBoloDialog(ReasonStepDialog):
    """Names the entry; submits the typed reason (Enter in an empty box withdraws nothing)."""

    def __init__(self, submit: Submit, plate: str, case_number: str | None, parent: QWidget | None = None) -> None:
        case = f" (case {case_number})" if case_number else ""
        super().__init__("Withdraw BOLO", f"Withdraw the local entry {plate}{case}? It stops alerting at once and "
                         "cannot be approved again: if the vehicle is wanted again, enter a new BOLO. Your reason is "
                         "recorded with the entry.", submit,
                         what="Why the entry is withdrawn", example="e.g. vehicle located and towed, case cleared",
                         ok_text="Withdraw entry", refusal="Say why the entry is withdrawn.", parent=parent)

    def build(self) -> str:
        return self.typed_reason()

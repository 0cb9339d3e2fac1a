"""Take over a hit claimed by someone else (signed out, away, console down), with a reason that is recorded."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.dialogs.console_common import ReasonStepDialog, Submit


class TakeOverDialog(ReasonStepDialog):
    """Names who holds the hit; submits the typed reason (an empty one is refused: Enter alone takes nothing)."""

    def __init__(self, submit: Submit, hit_id: int, holder: str, parent: QWidget | None = None) -> None:
        super().__init__("Take over hit", f"Hit H-{hit_id} is claimed by {holder}. Take it over only when they "
                         "cannot handle it (signed out, away from the console, console down). The take-over and "
                         "your reason are recorded; their console shows the hit as yours.", submit,
                         what="Why you take over the hit", example="e.g. their console locked and signed out at "
                         "shift change", ok_text="Take over",
                         refusal="Say why you take over a hit claimed by someone else.", parent=parent)

    def build(self) -> str:
        return self.typed_reason()

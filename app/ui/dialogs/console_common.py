"""The shape of every console step dialog: an intro, a form, an inline error line, OK/Cancel.

A step dialog is a :class:`~app.ui.dialogs.form_dialog.FormDialog`: it builds a step value
(validated by the domain dataclass) and hands it to an async ``submit`` (the controller records
it through the service). It stays open with the refusal shown inline when validation or the
service says no; Enter submits, Escape cancels.

Consequential choices (outcome, NCIC result, reject reason ...) start unanswered: the record
button stays disabled, so Enter does nothing, until the dispatcher picks an answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QButtonGroup, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from app.domain.errors import ValidationFailed
from app.ui.dialogs.form_dialog import FormDialog, Submit

__all__ = ["ChoiceGroup", "StepDialog", "Submit"]


class ChoiceGroup(QWidget):
    """Radio buttons for one choice, none picked unless ``default``; arrows, Space or Alt+letter pick one."""

    def __init__(self, name: str, options: Sequence[tuple[str, str]], parent: QWidget | None = None,
                 default: str | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        for value, label in options:
            button = QRadioButton(label)
            button.setAccessibleName(label.replace("&", ""))
            self.group.addButton(button)
            self.buttons[value] = button
            lay.addWidget(button)
        if default is not None:
            self.set_value(default)

    @property
    def value(self) -> str:
        return next((v for v, b in self.buttons.items() if b.isChecked()), "")

    def set_value(self, value: str) -> None:
        if value in self.buttons:
            self.buttons[value].setChecked(True)

    def focus_checked(self) -> None:
        button = self.buttons.get(self.value) or next(iter(self.buttons.values()), None)
        if button is not None:
            button.setFocus()


class StepDialog(FormDialog):
    """Base of the console step dialogs: an intro line over the form; subclasses fill ``form`` and
    implement :meth:`build`. Submitting, refusals and the busy state are :class:`FormDialog`'s."""

    def __init__(self, title: str, intro: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(title, submit, "Record", parent)
        self.setMinimumWidth(460)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.layout().insertWidget(0, self.intro)
        self.message = self.general  # the refusal, above the buttons
        self.message.setAccessibleName("Problem")
        self._required: list[ChoiceGroup] = []

    def require(self, *groups: ChoiceGroup) -> None:
        """These choices must be answered before the record button works (no pre-selected answer)."""
        for group in groups:
            self._required.append(group)
            group.group.buttonToggled.connect(lambda *_: self._sync_ok())
        self._sync_ok()

    def answered(self) -> bool:
        return all(g.value for g in self._required)

    def _sync_ok(self) -> None:
        self.ok.setEnabled(not self.busy and self.answered())
        self.ok.setToolTip("" if self.answered() else "Pick an answer first.")

    def accept(self) -> None:
        if self.answered():
            super().accept()



class ReasonStepDialog(StepDialog):
    """A step that records one typed reason: Enter in an empty box records nothing (``refusal`` says why)."""

    def __init__(self, title: str, intro: str, submit: Submit, *, what: str, example: str, ok_text: str,
                 refusal: str, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, submit, parent)
        self.refusal = refusal
        self.reason = QLineEdit()
        self.reason.setAccessibleName(what)
        self.reason.setPlaceholderText(example)
        self.form.addRow("&Why", self.reason)
        self.ok.setText(ok_text)
        self.reason.setFocus()

    def typed_reason(self) -> str:
        """The reason, stripped; raises ValidationFailed when there is none."""
        reason = self.reason.text().strip()
        if not reason:
            raise ValidationFailed(self.refusal)
        return reason

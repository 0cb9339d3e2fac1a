"""The shape of every console step dialog: a form, an inline error line, OK/Cancel.

A step dialog builds a step value (validated by the domain dataclass) and hands it to an async
``submit`` (the controller records it through the service). It stays open with the refusal
shown inline when validation or the service says no; Enter submits, Escape cancels.

Consequential choices (outcome, NCIC result, reject reason ...) start unanswered: the record
button stays disabled, so Enter does nothing, until the dispatcher picks an answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain.errors import DomainError

Submit = Callable[[Any], Awaitable[object]]


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


class StepDialog(QDialog):
    """Base of the console step dialogs; subclasses fill ``form`` and implement :meth:`build`."""

    def __init__(self, title: str, intro: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit_fn = submit
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(460)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.message = QLabel("")
        self.message.setObjectName("Error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        self.ok.setAccessibleName("Record")
        self.ok.setText("Record")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.busy = False
        self.result_value: object = None
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
        if not self.answered():
            self.ok.setToolTip("Pick an answer first.")
        else:
            self.ok.setToolTip("")

    def build(self) -> Any:
        """The value handed to ``submit`` (raise ValidationFailed to refuse it)."""
        raise NotImplementedError

    def accept(self) -> None:
        if not self.busy and self.answered():
            self._go()

    @asyncSlot()
    async def _go(self) -> None:
        try:
            value = self.build()
        except (DomainError, ValueError) as exc:
            self._refuse(str(exc))
            return
        self.busy = True
        self.ok.setEnabled(False)
        try:
            self.result_value = await self._submit_fn(value)
        except DomainError as exc:
            self._refuse(str(exc))
            return
        finally:
            self.busy = False
            self._sync_ok()
        self.done(QDialog.DialogCode.Accepted)

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        # a wrapped label under-reports its height: reserve it and grow the dialog so nothing overlaps
        self.message.setMinimumHeight(self.message.heightForWidth(self.message.width() or 440))
        need = self.layout().totalMinimumSize().height()
        if self.height() < need:
            self.resize(self.width(), need)

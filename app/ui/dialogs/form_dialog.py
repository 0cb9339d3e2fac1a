"""The shape of every form dialog that validates: fields with an error line under each, OK/Cancel.

A form dialog turns its fields into a value (:meth:`FormDialog.build`) and hands it to an async
``submit`` (usually a service call run by the screen). It closes only when ``submit`` returns.
When the form or the service refuses, the dialog stays open with every typed value in place, each
problem is shown under the field it names (the rest above the buttons) and focus goes to the
first field in trouble. Tab walks the fields in the order they were added, then OK and Cancel.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError, ValidationFailed
from app.ui.asyncio_qt import async_slot

Submit = Callable[[Any], Awaitable[object]]


class FormRefused(Exception):
    """A problem found by the dialog itself, tied to one field (``key``)."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key


def problems_of(exc: Exception) -> list[str]:
    """The lines a refusal explains itself with."""
    if isinstance(exc, ValidationFailed):
        return list(exc.problems)
    if isinstance(exc, ValidationError):
        return [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]
    return [str(exc)]


def _focusable(item: QWidget | QLayout) -> list[QWidget]:
    if isinstance(item, QWidget):
        if item.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return [item]
        return _focusable(item.layout()) if item.layout() is not None else []  # a group box: its fields
    out: list[QWidget] = []
    for i in range(item.count()):
        child = item.itemAt(i)
        if child.widget() is not None:
            out += _focusable(child.widget())
        elif child.layout() is not None:
            out += _focusable(child.layout())
    return out


#: what a window manager's title bar and frame take from the screen's height (the dialog cannot measure it)
WINDOW_FRAME = 40


class _FormScroll(QScrollArea):
    """A frameless vertical scroller as tall as its fields, capped to what the screen leaves free."""

    def __init__(self, around: Callable[[], int]) -> None:
        super().__init__()
        self._around = around  # the dialog's height outside the scroller (problems line, buttons, margins)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own (it scrolls to the focused field)

    def free_height(self) -> int:
        """The screen's height the dialog may take, its window frame left out."""
        screen = self.screen()
        return (screen.availableGeometry().height() if screen is not None else 768) - WINDOW_FRAME

    def height_cap(self) -> int:
        return max(200, self.free_height() - self._around())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        body = self.widget()
        inner = body.sizeHint() if body is not None else QSize(0, 0)
        height = inner.height()
        if body is not None and self.isVisible() and body.hasHeightForWidth():  # wrapped error lines: at the real width
            height = max(height, body.heightForWidth(self.viewport().width()))
        cap = self.height_cap()
        bar = self.verticalScrollBar().sizeHint().width() if height > cap else 0
        return QSize(inner.width() + bar, min(height, cap))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), min(inner.height(), 160))


class FormDialog(QDialog):
    """Base of the validating dialogs; subclasses add fields with :meth:`add_field` and implement :meth:`build`."""

    def __init__(self, title: str, submit: Submit | None, ok_text: str = "OK", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit_fn = submit
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, QLabel] = {}
        self.field_widgets: dict[str, QWidget] = {}
        self._words: list[tuple[str, tuple[str, ...]]] = []
        self._tab_chain: list[QWidget] = []
        self.extra = QVBoxLayout()  # room under the form for group boxes, notes ...
        self.general = QLabel("")
        self.general.setObjectName("Error")
        self.general.setWordWrap(True)
        self.general.setAccessibleName("Problems")
        self.general.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setAccessibleName(ok_text.replace("&", ""))
        self.ok.setDefault(True)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # the fields scroll when the dialog would not fit the screen (1366x768, every error shown)
        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 0, 0)
        body_lay.addLayout(self.form)
        body_lay.addLayout(self.extra)
        body_lay.addStretch(1)
        self.scroll = _FormScroll(self._height_around_fields)
        self.scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.addWidget(self.scroll, 1)
        lay.addWidget(self.general)
        lay.addWidget(self.buttons)
        self.busy = False
        self.result_value: object = None

    def _height_around_fields(self) -> int:
        lay = self.layout()
        if lay is None:
            return 0
        margins = lay.contentsMargins()
        general = 0
        if self.general.isVisibleTo(self):
            general = self.general.heightForWidth(max(240, self.general.width())) + lay.spacing()
        return margins.top() + margins.bottom() + general + lay.spacing() + self.buttons.sizeHint().height()

    # ---- building -------------------------------------------------------------------------------
    def add_field(self, label: str, field: QWidget | QLayout, key: str | None = None,
                  words: Sequence[str] = (), buddy: QWidget | None = None) -> QLabel | None:
        """Add a labelled row; with ``key`` it gets an error line and takes the service's problems that
        mention one of ``words`` (default: the label's own words)."""
        lab = QLabel(label) if label else None
        target = buddy or (field if isinstance(field, QWidget) else (_focusable(field) or [None])[0])
        if lab is not None and target is not None:
            lab.setBuddy(target)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(field) if isinstance(field, QWidget) else box.addLayout(field)
        if key is not None:
            err = QLabel("")
            err.setObjectName("Error")
            err.setWordWrap(True)
            err.setVisible(False)
            err.setAccessibleName(f"{label.replace('&', '') or key} problem")
            box.addWidget(err)
            self.errors[key] = err
            if target is not None:
                self.field_widgets[key] = target
            plain = label.replace("&", "").split("(")[0].strip().lower()
            self._words.append((key, tuple(w.lower() for w in words) or ((plain,) if plain else ())))
        if lab is None:
            self.form.addRow(box)
        else:
            self.form.addRow(lab, box)
        self._tab_chain += _focusable(field)
        return lab

    def add_to_tab_chain(self, widgets: Iterable[QWidget]) -> None:
        """Widgets outside the form (group boxes in ``extra``) in the order Tab should reach them."""
        self._tab_chain += [w for w in widgets if w.focusPolicy() & Qt.FocusPolicy.TabFocus]

    def finish(self) -> None:
        """Fix the Tab order: the fields as added, then OK, then Cancel (call at the end of ``__init__``)."""
        chain = [*self._tab_chain, self.ok, self.cancel]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        if self._tab_chain:
            first = next((w for w in self._tab_chain if w.isEnabled()), self._tab_chain[0])
            first.setFocus()

    @property
    def tab_chain(self) -> list[QWidget]:
        return [*self._tab_chain, self.ok, self.cancel]

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 - Qt override
        # Tab from Cancel comes back to the first field (and Shift+Tab the other way): Qt's own wrap
        # follows the buttons' creation order, which depends on the style's button layout
        if self._tab_chain:
            chain = [w for w in self.tab_chain if w.isVisible() and w.isEnabled()]
            if chain and self.focusWidget() is (chain[-1] if next else chain[0]):
                reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                (chain[0] if next else chain[-1]).setFocus(reason)
                return True
        return super().focusNextPrevChild(next)

    # ---- problems -------------------------------------------------------------------------------
    def field_for(self, problem: str) -> str | None:
        low = problem.lower()
        for key, words in self._words:
            if any(w and re.search(rf"\b{re.escape(w)}", low) for w in words):
                return key
        return None

    def show_problems(self, problems: Sequence[str], key: str | None = None) -> None:
        """Put each problem under its field (``key`` forces one field); the rest above the buttons."""
        per: dict[str, list[str]] = {}
        rest: list[str] = []
        for p in problems:
            k = key if key in self.errors else self.field_for(p)
            (per.setdefault(k, []) if k in self.errors else rest).append(p)
        for k, label in self.errors.items():
            label.setText("\n".join(per.get(k, [])))
            label.setVisible(k in per)
            label.setMinimumHeight(0)
        self.general.setText("\n".join(rest))
        self.general.setVisible(bool(rest))
        self.general.setMinimumHeight(0)
        # a wrapped label under-reports its height inside a form row: lay out once to learn each label's
        # width, then reserve the height its text needs at that width
        self.scroll.widget().layout().activate()
        self.layout().activate()
        for k in per:
            label = self.errors[k]
            label.setMinimumHeight(label.heightForWidth(max(120, label.width())))
        if rest:
            self.general.setMinimumHeight(self.general.heightForWidth(max(240, self.general.width())))
        self.scroll.widget().adjustSize()
        self.scroll.updateGeometry()
        self.layout().activate()
        want = min(self.sizeHint().height(), self.scroll.free_height())
        if self.height() < want:
            self.resize(self.width(), want)
        first = next((k for k, _ in self._words if k in per), None)
        if first is not None and first in self.field_widgets:
            self.field_widgets[first].setFocus()

    def problem_texts(self) -> dict[str, str]:
        """What is shown now: field key (or '' for the general line) -> text."""
        out = {k: lab.text() for k, lab in self.errors.items() if lab.text()}
        if self.general.text():
            out[""] = self.general.text()
        return out

    # ---- submitting -----------------------------------------------------------------------------
    def build(self) -> Any:
        """The value handed to ``submit``; raise FormRefused, ValidationFailed or ValueError to refuse it."""
        raise NotImplementedError

    def accept(self) -> None:  # OK and Enter both come here
        if not self.busy:
            self._go()

    def reject(self) -> None:  # Escape, Cancel and the window's close button all come here
        if self.busy:  # the service is already writing it: closing now would not call it back, only hide it
            self.general.setText("Saving: the service is recording this now and cannot be called back; "
                                 "wait for its answer.")
            self.general.setVisible(True)
            return
        super().reject()

    def _idle(self) -> None:
        self.busy = False
        self._sync_ok()

    def _sync_ok(self) -> None:
        """Enable OK unless a submit is running (subclasses add their own conditions)."""
        self.ok.setEnabled(not self.busy)

    @async_slot()
    async def _go(self) -> None:
        self.show_problems([])
        try:
            value = self.build()
        except FormRefused as exc:
            self.show_problems([str(exc)], exc.key)
            return
        except (DomainError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            self.show_problems(problems_of(exc))
            return
        if self._submit_fn is not None:
            self.busy = True
            self.ok.setEnabled(False)
            try:
                self.result_value = await self._submit_fn(value)
            except DomainError as exc:
                self._idle()
                self.show_problems(problems_of(exc))
                return
            except Exception:
                self._idle()
                raise
            # (cancelled with the dialog, at sign-out: nothing is touched, the widgets are gone)
            self._idle()
        else:
            self.result_value = value
        self.done(QDialog.DialogCode.Accepted)

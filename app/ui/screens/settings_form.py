"""A form generated from a pydantic settings model: one labelled editor per field, bounds from the schema.

Literal -> combo box, bool -> check box, int / float with ge/le -> spin box, str -> line edit. The
label is the field's title, the tooltip and accessible description its description, so a field
added to app/settings/model.py appears in Administration without UI code.
"""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

#: friendlier words for known choices (the stored value stays the schema's literal)
CHOICE_WORDS: dict[str, str] = {
    "dark": "Dark (darkened room)", "light": "Light (day-lit office)",
    "apco": "APCO (Adam, Boy, Charles)", "nato": "NATO (Alpha, Bravo, Charlie)",
    "iso": "ISO 2026-12-04", "us": "US 12/04/2026", "dmy": "Day first 04/12/2026",
}


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
    return lo, hi


class SettingsForm(QWidget):
    """Editors for the fields of one settings section; :meth:`values` reads them back."""

    def __init__(self, model: type[BaseModel], current: BaseModel, fields: tuple[str, ...] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.editors: dict[str, QWidget] = {}
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name, info in model.model_fields.items():
            if fields is not None and name not in fields:
                continue
            editor = self._editor(name, info)
            if editor is None:
                continue
            title = info.title or name.replace("_", " ").capitalize()
            editor.setAccessibleName(title)
            if info.description:
                editor.setToolTip(info.description)
                editor.setAccessibleDescription(info.description)
            label = QLabel(title)
            label.setBuddy(editor)
            self.form.addRow(label, editor)
            self.editors[name] = editor
        self.set_values(current)

    @staticmethod
    def _editor(name: str, info: FieldInfo) -> QWidget | None:
        ann = info.annotation
        if typing.get_origin(ann) is Literal:
            box = QComboBox()
            for choice in typing.get_args(ann):
                box.addItem(CHOICE_WORDS.get(str(choice), str(choice)), choice)
            return box
        lo, hi = _bounds(info)
        if ann is bool:
            return QCheckBox()
        if ann is int:
            spin = QSpinBox()
            spin.setRange(int(lo if lo is not None else -1_000_000), int(hi if hi is not None else 1_000_000))
            return spin
        if ann is float:
            dspin = QDoubleSpinBox()
            dspin.setDecimals(1 if (hi or 0) > 2 else 2)
            dspin.setSingleStep(1.0 if (hi or 0) > 2 else 0.1)
            dspin.setRange(float(lo if lo is not None else -1e6), float(hi if hi is not None else 1e6))
            return dspin
        if ann is str:
            line = QLineEdit()
            if info.description:
                line.setPlaceholderText(info.description)
            return line
        return None  # nested or optional fields stay in the settings file

    def set_values(self, current: BaseModel) -> None:
        for name, editor in self.editors.items():
            value = getattr(current, name)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                editor.setValue(value)
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                out[name] = editor.value()
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text().strip()
        return out

"""Add a hot-list source: name, kind, format preset, file or drop folder, daily time, filters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists.presets import PRESETS
from app.domain.hotlists.settings import SourceParseSettings
from app.ui.dialogs.form_dialog import FormDialog, FormRefused

PRESET_LABELS = {
    "ncic_fixed": "NCIC fixed-width extract",
    "ncic_fixed_framed": "NCIC fixed-width with DATE / TOTAL RECORD lines",
    "state_csv": "State list, comma-separated with header",
    "state_pipe": "State list, pipe-separated with header",
    "state_semicolon": "State list, semicolon-separated, no header",
    "state_tab": "State list, tab-separated with header",
    "ncic_tagged": "NCIC tagged fields (LIC/ LIS/ VYR/ ...)",
}


@dataclass(frozen=True, slots=True)
class SourceValues:
    name: str
    kind: SourceKind
    preset: str
    location: str
    daily_at: str
    settings: SourceParseSettings


AddSource = Callable[[SourceValues], Awaitable[object]]


def _codes(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


class HotListSourceDialog(FormDialog):
    """Collects a new source; ``add`` is awaited on OK and its refusals are shown inline."""

    def __init__(self, add: AddSource, parent: QWidget | None = None) -> None:
        super().__init__("Add hot-list source", self._add_it, "&Add source", parent)
        self._add = add
        self.setMinimumWidth(560)
        self.name = QLineEdit()
        self.name.setAccessibleName("Source name")
        self.name.setPlaceholderText("e.g. NCIC daily extract")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Source kind")
        self.kind.addItem("NCIC extract", SourceKind.NCIC)
        self.kind.addItem("State list", SourceKind.STATE)
        self.preset = QComboBox()
        self.preset.setAccessibleName("File format")
        for key in PRESETS:
            self.preset.addItem(PRESET_LABELS.get(key, key), key)
        self.location = QLineEdit()
        self.location.setAccessibleName("File or drop folder")
        self.location.setPlaceholderText("/srv/ncic/extract.txt")
        self.browse = QPushButton("&Browse...")
        self.browse.setAccessibleName("Browse for the file")
        self.browse.clicked.connect(self._browse)
        loc = QHBoxLayout()
        loc.addWidget(self.location, 1)
        loc.addWidget(self.browse)
        self.daily_at = QTimeEdit(QTime(5, 0))
        self.daily_at.setDisplayFormat("HH:mm")
        self.daily_at.setAccessibleName("Daily import time")
        self.states = QLineEdit()
        self.states.setAccessibleName("State filter")
        self.states.setPlaceholderText("empty = all states; e.g. CA, NV, OR")
        self.skip = QLineEdit("0, 00, 000")
        self.skip.setAccessibleName("Skip list")
        for label, w, key, words in (("&Name", self.name, "name", ("name",)), ("&Kind", self.kind, None, ()),
                                     ("&Format", self.preset, "preset", ("format", "preset")),
                                     ("&Location", loc, "location", ("file", "folder", "location")),
                                     ("&Daily at", self.daily_at, "daily", ("daily", "time")),
                                     ("&State filter", self.states, "states", ("state",)),
                                     ("Skip &plates", self.skip, "skip", ("skip",))):
            self.add_field(label, w, key, words=words)
        self.error = self.general
        self.finish()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Hot-list file", self.location.text())
        if path:
            self.location.setText(path)

    def values(self) -> SourceValues:
        """The form as values; raises ValueError (pydantic) for a bad state filter."""
        settings = SourceParseSettings(skip_plates=frozenset(_codes(self.skip.text())),
                                       state_filter=frozenset(_codes(self.states.text())) or None)
        return SourceValues(self.name.text().strip(), self.kind.currentData(), self.preset.currentData(),
                            self.location.text().strip(), self.daily_at.time().toString("HH:mm"), settings)

    def build(self) -> SourceValues:
        values = self.values()  # a bad state filter raises pydantic's ValidationError, shown by the form
        if not values.location:
            raise FormRefused("location", "Give the file or drop folder the list is read from.")
        return values

    async def _add_it(self, values: SourceValues) -> object:
        try:
            return await self._add(values)
        except KeyError as exc:  # an unknown preset name from the parser registry
            raise DomainError(f"Unknown file format {exc}.") from exc

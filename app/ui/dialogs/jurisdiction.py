"""Change the jurisdiction (the retention law the agency is under): pick it, see its bounds, say why."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.domain.records.retention import Jurisdiction
from app.ui.dialogs.form_dialog import FormDialog, FormRefused, Submit


def days_text(days: int) -> str:
    """``1 day``, ``21 days``, ``730 days (2 years)``."""
    text = f"{days} day" if days == 1 else f"{days} days"
    if days >= 365 and days % 365 == 0:
        years = days // 365
        text += f" ({years} year{'s' if years > 1 else ''})"
    return text


def bounds_text(jurisdiction: Jurisdiction) -> str:
    """The retention a jurisdiction allows, in plain words (generated from its floor and ceiling)."""
    most = f"at most {days_text(jurisdiction.ceiling_days)}" if jurisdiction.ceiling_days is not None else "no maximum"
    return f"Keep data at least {days_text(jurisdiction.floor_days)}, {most}."


def choice_text(jurisdiction: Jurisdiction) -> str:
    """One line of the jurisdiction list: its name and the range of days it allows."""
    top = str(jurisdiction.ceiling_days) if jurisdiction.ceiling_days is not None else "no maximum"
    return f"{jurisdiction.label}: {jurisdiction.floor_days} to {top} days"


class JurisdictionDialog(FormDialog):
    """``submit`` gets ``(key, reason)``; a refusal keeps the choice and the typed reason."""

    def __init__(self, parent: QWidget | None, choices: list[Jurisdiction], current: Jurisdiction,
                 submit: Submit | None = None) -> None:
        super().__init__("Change jurisdiction", submit, "&Change jurisdiction", parent)
        self.setMinimumWidth(560)
        self.choices = choices
        self.choice = QComboBox()
        self.choice.setAccessibleName("Jurisdiction")
        for j in choices:
            self.choice.addItem(choice_text(j), j.key)
        self.choice.setCurrentIndex(max(0, self.choice.findData(current.key)))
        self.bounds = QLabel("")
        self.bounds.setObjectName("Muted")
        self.bounds.setWordWrap(True)
        self.bounds.setAccessibleName("Retention the jurisdiction allows")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the change")
        self.reason.setPlaceholderText("the statute or the counsel's advice (kept in the access record)")
        self.add_field("&Jurisdiction", self.choice, "jurisdiction", words=("unknown jurisdiction",))
        self.add_field("", self.bounds)
        self.add_field("&Reason", self.reason, "reason", words=("reason",))
        note = QLabel(f"In force now: {current.label}. The retention periods move inside the new bounds; "
                      "the change is recorded with your name and reason.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        self.extra.addWidget(note)
        self.choice.currentIndexChanged.connect(self._show_bounds)
        self._show_bounds()
        self.finish()

    def selected(self) -> Jurisdiction:
        return self.choices[max(0, self.choice.currentIndex())]

    def _show_bounds(self) -> None:
        j = self.selected()
        self.bounds.setText(f"{bounds_text(j)} Source: {j.citation}." if j.citation else bounds_text(j))

    def build(self) -> tuple[str, str]:
        reason = " ".join(self.reason.text().split())
        if not reason:
            raise FormRefused("reason", "Give the reason for changing the jurisdiction.")
        return self.selected().key, reason

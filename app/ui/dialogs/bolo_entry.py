"""The local hot-list entry (BOLO) form of policy 002 IV.I.5-6, with validation errors shown inline.

The dialog only collects a :class:`LocalEntryDraft`; the service validates it (and enforces who may
enter it). Each refusal line is shown under the field it is about.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.hotlist_admin import MAJOR_CRIME_CATEGORIES, HotListEntry, LocalEntryDraft
from app.domain.hotlists.categories import DEFAULT_TYPE_RULES
from app.domain.hotlists.records import RecordCategory
from app.ui.dialogs.date_fields import DateField
from app.ui.dialogs.form_dialog import FormDialog

#: (dialog field, words that mark a service problem as being about it); first match wins.
_PROBLEM_FIELDS = (
    ("officer", ("requesting officer",)), ("case", ("case number",)), ("synopsis", ("synopsis",)),
    ("plate", ("plate",)), ("priority", ("priority",)), ("state", ("state",)), ("expiry", ("expir",)),
)
_BOLO_PRIORITY = 3
OUTSIDE = "outside"

Submit = Callable[[LocalEntryDraft, str | None], Awaitable[HotListEntry]]


_LABELS = {RecordCategory.LOCAL_BOLO: "Local BOLO", RecordCategory.AMBER_ALERT: "AMBER alert",
           RecordCategory.GANG_TERRORIST: "Gang / terrorist"}


def category_label(category: str) -> str:
    """'stolen_vehicle' -> 'Stolen vehicle'."""
    return _LABELS.get(category, category.replace("_", " ").capitalize())


def default_priority(category: RecordCategory) -> int:
    """The priority NCIC records of this category get by default (DOMAIN.md 'Hit priorities')."""
    for rule in DEFAULT_TYPE_RULES.values():
        if rule.category is category:
            return rule.priority
    return _BOLO_PRIORITY


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class BoloEntryDialog(FormDialog):
    """Enter or edit a local entry; stays open until the service accepts it."""

    def __init__(self, submit: Submit, entering_member: str, today: date, default_days: int, max_days: int,
                 entry: HotListEntry | None = None, parent: QWidget | None = None,
                 requesters: list[tuple[int, str]] | None = None) -> None:
        super().__init__("New local entry (BOLO)" if entry is None else f"Edit local entry {entry.plate}",
                         self._submit_entry, "Submit for &approval", parent)
        self._submit_draft = submit
        self.result_entry: HotListEntry | None = None
        self.setObjectName("BoloEntryDialog")
        self.setMinimumWidth(640)

        self.member = QLineEdit(entering_member)
        self.member.setReadOnly(True)
        self.member.setAccessibleName("Entering member (you)")
        self._row("Entering member", self.member, None)
        # the requesting officer is picked from the agency's users, or recorded as an outside person with
        # agency (002 IV.I.5: the two-person rule must never hang on how a name was typed)
        self.requester = QComboBox()
        self.requester.setAccessibleName("Requesting officer")
        self.requester.addItem("- pick the requesting officer -", None)
        for user_id, label in requesters or ():
            self.requester.addItem(label, user_id)
        self.requester.addItem("Outside person (name and agency below)", OUTSIDE)
        self._row("Requesting &officer", self.requester, "officer")
        self.officer = QLineEdit()
        self.officer.setAccessibleName("Outside requesting officer, name and badge")
        self.officer.setPlaceholderText("outside person: first and last name, badge")
        self.agency = QLineEdit()
        self.agency.setAccessibleName("Outside requesting officer's agency")
        self.agency.setPlaceholderText("their agency")
        outside_row = QHBoxLayout()
        outside_row.addWidget(self.officer, 2)
        outside_row.addWidget(self.agency, 1)
        self._row("Outside &person / agency", outside_row, None, buddy=self.officer)
        self.requester.currentIndexChanged.connect(self._requester_changed)
        self._requester_changed()
        self.case = self._line("Related &case number", "case", "e.g. 26-004711")
        self.synopsis = QPlainTextEdit()
        self.synopsis.setAccessibleName("Synopsis of the originating call")
        self.synopsis.setTabChangesFocus(True)
        self.synopsis.setFixedHeight(64)
        self._row("S&ynopsis of the call", self.synopsis, "synopsis")
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        for c in RecordCategory:
            if c not in (RecordCategory.UNKNOWN, RecordCategory.ADMINISTRATIVE):
                self.category.addItem(category_label(c), c)
        self._row("Ca&tegory", self.category, None)
        self.priority = QSpinBox()
        self.priority.setRange(1, 9)
        self.priority.setAccessibleName("Priority, 1 most urgent to 9")
        self._row("P&riority (1 = most urgent)", self.priority, "priority")

        self.plate = QLineEdit()
        self.plate.setAccessibleName("Plate")
        self.plate.setPlaceholderText("full plate, or partial with * (any run) and ? (one character)")
        self.plate.setMaxLength(16)
        self.major = QCheckBox("&Major crime (allows a partial plate)")
        self.major.setAccessibleName("Major crime, allows a partial plate")
        plate_row = QHBoxLayout()
        plate_row.addWidget(self.plate, 1)
        plate_row.addWidget(self.major)
        self._row("P&late", plate_row, "plate", buddy=self.plate)
        self.state = self._line("&State", "state", "2-letter code, e.g. CA")
        self.state.setMaxLength(2)
        vehicle = QHBoxLayout()
        self.v_year, self.v_make, self.v_model, self.v_colour = (QLineEdit() for _ in range(4))
        for w, name, hint, width in ((self.v_year, "Vehicle year", "year", 4), (self.v_make, "Vehicle make", "make", 24),
                                     (self.v_model, "Vehicle model", "model", 24),
                                     (self.v_colour, "Vehicle colour", "colour", 16)):
            w.setAccessibleName(name)
            w.setPlaceholderText(hint)
            w.setMaxLength(width)
            vehicle.addWidget(w)
        self._row("&Vehicle", vehicle, None, buddy=self.v_year)
        self.instructions = QPlainTextEdit()
        self.instructions.setAccessibleName("Instructions to field personnel")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setFixedHeight(56)
        self._row("&Instructions to field", self.instructions, None)
        self.expiry = DateField(accessible_name="Expiry date")
        self.expiry.setDateRange(_qdate(today + timedelta(days=1)), _qdate(today + timedelta(days=max_days)))
        self.expiry.setDate(_qdate(today + timedelta(days=default_days)))
        self._row(f"E&xpires (max {max_days} days)", self.expiry, "expiry")
        self.photo = QLineEdit()
        self.photo.setAccessibleName("Reference photo file")
        self.photo.setPlaceholderText("optional")
        self.photo_btn = QPushButton("P&hoto...")
        self.photo_btn.setAccessibleName("Choose a reference photo")
        self.photo_btn.clicked.connect(self._browse_photo)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo, 1)
        photo_row.addWidget(self.photo_btn)
        self._row("Reference photo", photo_row, None, buddy=self.photo)

        note = QLabel("The entry stays pending (it does not alert) until another supervisor approves it.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        self.extra.addWidget(note)
        self.ok.setAccessibleName("Submit for approval")

        self.category.currentIndexChanged.connect(self._category_changed)
        self._set_category(RecordCategory.LOCAL_BOLO)
        if entry is not None:
            self._fill(entry)
            self.photo.setPlaceholderText("the photo of the original entry is kept")
            self.photo.setEnabled(False)
            self.photo_btn.setEnabled(False)
        self.finish()
        self.requester.setFocus()

    # ---- building ---------------------------------------------------------------------------------
    def _row(self, label: str, field, key: str | None, buddy: QWidget | None = None) -> None:  # noqa: ANN001
        words = next((w for k, w in _PROBLEM_FIELDS if k == key), ())
        self.add_field(label, field, key, words=words, buddy=buddy)

    def _line(self, label: str, key: str, hint: str) -> QLineEdit:
        w = QLineEdit()
        w.setAccessibleName(label.replace("&", ""))
        w.setPlaceholderText(hint)
        self._row(label, w, key)
        return w

    def _set_category(self, category: RecordCategory) -> None:
        self.category.setCurrentIndex(self.category.findData(category))
        self._category_changed()

    def _category_changed(self) -> None:
        cat = self.category.currentData()
        self.priority.setValue(default_priority(cat))
        major = cat in MAJOR_CRIME_CATEGORIES
        self.major.setEnabled(major)
        if not major:
            self.major.setChecked(False)
        self.major.setToolTip("" if major else "Partial plates are allowed only for major-crime categories.")

    def _requester_changed(self) -> None:
        outside = self.requester.currentData() == OUTSIDE
        self.officer.setEnabled(outside)
        self.agency.setEnabled(outside)

    def pick_outside(self) -> None:
        self.requester.setCurrentIndex(self.requester.findData(OUTSIDE))

    def _fill(self, e: HotListEntry) -> None:
        if e.requesting_user_id is not None and self.requester.findData(e.requesting_user_id) >= 0:
            self.requester.setCurrentIndex(self.requester.findData(e.requesting_user_id))
        elif e.requesting_officer and e.requesting_user_id is None:
            self.pick_outside()
            self.officer.setText(e.requesting_officer or "")
            self.agency.setText(e.requesting_agency or "")
        self.case.setText(e.case_number or "")
        self.synopsis.setPlainText(e.synopsis or "")
        try:
            self._set_category(RecordCategory(e.category))
        except ValueError:
            pass
        self.priority.setValue(e.priority)
        self.plate.setText(e.plate)
        self.major.setChecked("*" in e.plate or "?" in e.plate)
        self.state.setText(e.state or "")
        for w, v in ((self.v_year, e.vehicle_year), (self.v_make, e.vehicle_make), (self.v_model, e.vehicle_model),
                     (self.v_colour, e.vehicle_colour)):
            w.setText(v or "")
        self.instructions.setPlainText(e.instructions or "")
        if e.expires_at is not None:
            self.expiry.setDate(_qdate(e.expires_at.date()))

    def _browse_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference photo", "", "Images (*.jpg *.jpeg *.png *.bmp)")
        if path:
            self.photo.setText(path)

    # ---- values and submit ------------------------------------------------------------------------
    def draft(self) -> LocalEntryDraft:
        def opt(w: QLineEdit) -> str | None:
            return w.text().strip() or None

        picked = self.requester.currentData()
        outside = picked == OUTSIDE
        return LocalEntryDraft(
            requesting_officer=self.officer.text() if outside else "",
            requesting_user_id=picked if isinstance(picked, int) else None,
            requesting_agency=self.agency.text() if outside else "", case_number=self.case.text(),
            synopsis=self.synopsis.toPlainText(), category=self.category.currentData(),
            priority=self.priority.value(), plate=self.plate.text(), state=opt(self.state),
            major_crime=self.major.isChecked(), vehicle_year=opt(self.v_year), vehicle_make=opt(self.v_make),
            vehicle_model=opt(self.v_model), vehicle_colour=opt(self.v_colour),
            instructions=self.instructions.toPlainText().strip() or None,
            expires_on=self.expiry.date().toPython(),
        )

    async def _submit_entry(self, draft: LocalEntryDraft) -> HotListEntry:
        try:
            self.result_entry = await self._submit_draft(draft, self.photo.text().strip() or None)
        except OSError as exc:  # the reference photo could not be read: a refusal like any other
            raise DomainError(str(exc)) from exc
        return self.result_entry

    def build(self) -> LocalEntryDraft:
        return self.draft()

"""Audit screen: the access record browser, detection-browsing audits with findings, the memorandum."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import date_text
from app.domain.errors import DomainError
from app.domain.records.audits import Audit, AuditItem
from app.domain.roles import Permission as P
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext
from app.ui.dialogs.ask_first import ask_first
from app.ui.permission_gate import gate
from app.ui.reload_gate import ReloadWhenShown
from app.ui.screens.access_browser import AccessRecordBrowser
from app.ui.screens.records_common import selected, show_error
from app.ui.table_model import ItemTableModel, fmt, make_table

_FINDING = {True: "Compliant", False: "Non-compliant", None: "Not reviewed"}


def _audit_cells(a: Audit) -> tuple:
    return (f"A-{a.id}", f"{date_text(a.period_start, local=False)} - {date_text(a.period_end, local=False)}", a.seed, len(a.items), a.population,
            f"{a.reviewed}/{len(a.items)}", a.status, len(a.redraws) or "",
            f"{a.chief_reviewed_by} {date_text(a.chief_reviewed_at)}" if a.chief_reviewed_at else "")


def _item_cells(i: AuditItem) -> tuple:
    return (f"Q-{i.inquiry_id}", i.username, fmt(i.at), f"{i.purpose}: {i.reason}", i.case_number, i.on_behalf_of,
            i.terms, i.result_count, _FINDING[i.compliant], i.notes)


class AuditScreen(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.audit = None
        head = QLabel("Audit")
        head.setObjectName("Heading")
        self.tabs = QTabWidget()
        # access record
        self.browser = AccessRecordBrowser(ui)
        self.tabs.addTab(self.browser, "Access &record")
        # audits
        aud = QWidget()
        self.audits = ItemTableModel(("Audit", "Period", "Seed", "Sample", "Population", "Reviewed", "Status",
                                      "Redraws", "Chief's review"), _audit_cells)
        self.audit_table = make_table(self.audits, "Audits")
        self.audit_table.clicked.connect(lambda _i: self.show_audit())
        self.items = ItemTableModel(("Inquiry", "User", "When", "Purpose / reason", "Case", "On behalf of",
                                     "Terms", "Results", "Finding", "Notes"), _item_cells)
        self.item_table = make_table(self.items, "Sampled inquiries")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Finding notes")
        self.notes.setPlaceholderText("Notes on the selected inquiry (required when non-compliant)")
        self.errors = QPlainTextEdit()
        self.errors.setAccessibleName("Data errors found")
        self.errors.setPlaceholderText("Data errors found, one per line")
        self.errors.setFixedHeight(50)
        self.errors.setTabChangesFocus(True)  # Tab goes on to the next field, as in every dialog
        self.summary = QLineEdit()
        self.summary.setAccessibleName("Summary")
        self.summary.setPlaceholderText("Summary for the memorandum")
        self.why = QLineEdit()
        self.why.setAccessibleName("Reason for a redraw, or the chief's review remarks")
        self.why.setPlaceholderText("Reason for a redraw (listed in the memo), or the chief's review remarks")
        self.overdue = QLabel("")
        self.overdue.setObjectName("Error")
        self.overdue.setAccessibleName("Audits overdue")
        self.overdue.setWordWrap(True)
        row = QHBoxLayout()
        self.audit_buttons: dict[str, QPushButton] = {}
        for key, text, slot, perm in (
                ("start", "&Start audit of prior period", self.start, P.RUN_AUDIT),
                ("compliant", "&Compliant", lambda: self.mark(True), P.RUN_AUDIT),
                ("non_compliant", "&Non-compliant", lambda: self.mark(False), P.RUN_AUDIT),
                ("redraw", "Re&draw sample", self.redraw, P.RUN_AUDIT),
                ("complete", "Complete and &file memorandum", self.complete, P.RUN_AUDIT),
                ("review", "Chief's re&view", self.review, P.MANAGE_AGENCY)):
            b = QPushButton(text)
            b.setAccessibleName(text.replace("&", ""))
            b.clicked.connect(slot)
            gate(ui.actor, b, perm)  # e.g. a records clerk reads audits but does not run them
            self.audit_buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        split = QSplitter()
        split.addWidget(self.audit_table)
        split.addWidget(self.item_table)
        split.setSizes([380, 900])
        v = QVBoxLayout(aud)
        v.addWidget(self.overdue)
        v.addWidget(split, 1)
        v.addWidget(self.notes)
        v.addWidget(self.errors)
        v.addWidget(self.summary)
        v.addWidget(self.why)
        v.addLayout(row)
        self.tabs.addTab(aud, "Aud&its")
        self.message = QLabel("")
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.message)
        self._on_view = ReloadWhenShown(self, self.reload)
        self._on_view.listen(ui.signals.changed, lambda c: c.records)

    @property
    def svc(self):  # noqa: ANN201
        return self.ui.services.records

    def activate(self) -> None:
        self._on_view.activated()
        self.reload()

    @async_slot()
    async def reload(self) -> None:
        if self.svc is None:
            return
        await self._load_audits()
        await self._load_access()

    async def _load_access(self) -> None:
        if not self.ui.actor.can(P.VIEW_ACCESS_LOG):  # the tab stays empty rather than recording refusals
            self.tabs.setTabEnabled(0, False)
            return
        await self.browser.reload()

    async def _load_audits(self) -> None:
        if not self.ui.actor.can(P.VIEW_AUDITS):
            return
        try:
            audits = await self.ui.call(self.svc.audits.list, self.ui.actor)
        except DomainError:
            return
        self.audits.set_items(audits)
        try:
            missed = await self.ui.call(self.svc.audits.overdue, self.ui.actor)
        except DomainError:
            missed = []
        self.overdue.setText("\u26a0 OVERDUE: no audit of " + ", ".join(f"{a:%b %Y}" for a, _b in missed)
                             + " (002 IV.Q.2: at least once per period)." if missed else "")
        self.overdue.setVisible(bool(missed))
        if self.audit is not None:
            match = [a for a in audits if a.id == self.audit.id]
            self._show_items(match[0] if match else None)

    def _show_items(self, audit) -> None:  # noqa: ANN001
        self.audit = audit
        self.items.set_items(list(audit.items) if audit else [])

    @async_slot()
    async def show_audit(self) -> None:
        sel = selected(self.audit_table, self.audits)
        if sel:
            try:
                self._show_items(await self.ui.call(self.svc.audits.get, self.ui.actor, sel[0].id))
            except DomainError as exc:
                show_error(self, exc)

    async def _do(self, fn, *args):  # noqa: ANN001, ANN202
        try:
            return await self.ui.call(fn, self.ui.actor, *args)
        except DomainError as exc:
            show_error(self, exc)
            return None

    @async_slot()
    async def start(self) -> None:
        audit = await self._do(self.svc.audits.start)
        if audit:
            self.message.setText(f"Audit A-{audit.id}: {len(audit.items)} of {audit.population} inquiries sampled "
                                 f"(seed {audit.seed}).")
            self._show_items(audit)
            await self._load_audits()

    @async_slot()
    async def mark(self, compliant: bool) -> None:
        items = selected(self.item_table, self.items)
        if items:
            audit = await self._do(self.svc.audits.mark, items[0].id, compliant, self.notes.text())
            if audit:
                self.notes.clear()
                self._show_items(audit)
                await self._load_audits()

    @async_slot()
    async def complete(self) -> None:
        if self.audit is None:
            return
        if not await ask_first(self, "Complete the audit", f"Complete audit A-{self.audit.id} and file its "
                               "memorandum? The findings and the summary can no longer be changed.",
                               "Complete and file"):
            return
        doc = await self._do(self.svc.audits.complete, self.audit.id, self.errors.toPlainText(), self.summary.text())
        if doc:
            self.message.setText(f"Memorandum filed: {doc.path}")

    @async_slot()
    async def redraw(self) -> None:
        if self.audit is None:
            return
        audit = await self._do(self.svc.audits.redraw, self.audit.id, self.why.text())
        if audit:
            self.why.clear()
            self.message.setText(f"Audit A-{audit.id} redrawn ({len(audit.redraws)} redraw(s), listed in the memo).")
            self._show_items(audit)
            await self._load_audits()

    @async_slot()
    async def review(self) -> None:
        if self.audit is None:
            return
        doc = await self._do(self.svc.audits.chief_review, self.audit.id, self.why.text())
        if doc:
            self.why.clear()
            self.message.setText(f"Review recorded; reviewed memorandum filed: {doc.path}")

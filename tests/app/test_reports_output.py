"""Atomic writing: a failed write raises ReportWriteError and leaves nothing half-written."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from app.services.reports import ReportWriteError, render_hit_report, render_transparency_html
from app.services.reports import output as output_module
from app.services.reports.output import write_atomically
from tests.app import test_reports_samples as s


def test_write_replaces_the_file_and_reports_its_hash(tmp_path: Path) -> None:
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")
    result = write_atomically(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert result.sha256 == "fe32608c9ef5b6cf7e3f946480253ff76f24f4ec0678f3d0f07f9844cbff9601"
    assert result.size_bytes == len(b"new content")
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportWriteError, match="does not exist"):
        render_hit_report(s.profile(), s.hit(), s.generated(), tmp_path / "nope" / "hit.pdf")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_raises_and_leaves_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ReportWriteError):
            render_hit_report(s.profile(), s.hit(), s.generated(), folder / "hit.pdf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_read_only_file_system_raises_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores permission bits, so a read-only mount is simulated where the OS would refuse.
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ReportWriteError, match="Read-only file system"):
        render_transparency_html(s.profile(), s.transparency(), s.generated(), tmp_path / "t.html")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_keeps_the_previous_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "hit.pdf"
    target.write_bytes(b"previous version")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output_module.os, "fsync", disk_full)
    with pytest.raises(ReportWriteError, match="No space left on device"):
        render_hit_report(s.profile(), s.hit(), s.generated(), target)
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["hit.pdf"]


def test_target_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hit.pdf").mkdir()
    with pytest.raises(ReportWriteError):
        render_hit_report(s.profile(), s.hit(), s.generated(), tmp_path / "hit.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["hit.pdf"]

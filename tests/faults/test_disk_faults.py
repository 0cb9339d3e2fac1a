"""Disk full and read-only data folder: 0 reads lost, 0 duplicates, no temp files, the alarm raised and recorded."""

from __future__ import annotations

import pytest

from tests.faults import scenarios


def _run(scenario):
    try:
        return scenario()
    except scenarios.Unavailable as exc:
        pytest.skip(str(exc))


def test_disk_full_loses_no_read():
    out = _run(scenarios.disk_full)
    assert out["settled"], out
    assert (out["lost"], out["duplicates"], out["dropped"], out["temp_files"]) == (0, 0, 0, 0), out
    assert out["alarm"] and out["faults_recorded"] >= 1, out


def test_read_only_data_folder_loses_no_read():
    out = _run(scenarios.readonly)
    assert out["settled"], out
    assert (out["lost"], out["duplicates"], out["dropped"], out["temp_files"]) == (0, 0, 0, 0), out
    assert out["alarm"] and out["faults_recorded"] >= 1, out

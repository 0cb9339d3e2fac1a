"""A journal left by a killed writer: its half-written temp files are swept, a live writer's are kept."""

from __future__ import annotations

import os
import subprocess
import sys

from recognition.runtime.journal import ReadJournal


def test_sweep_removes_a_dead_writers_temp_file_and_keeps_a_live_ones(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],  # noqa: S603
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    left = tmp_path / f".01-000001-x.json.p{dead_pid}-0123abcd.tmp"
    live = tmp_path / f".02-000002-y.json.p{os.getpid()}-89abcdef.tmp"
    done = tmp_path / "03-000003-z.json"
    for path in (left, live, done):
        path.write_bytes(b"{}")
    assert ReadJournal(tmp_path).sweep_leftovers() == 1
    assert not left.exists()
    assert live.exists() and done.exists()

"""The plate-trained recogniser the project ships: the file is the one its manifest describes; damage is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

pytest.importorskip("openvino")

from recognition.errors import ModelLoadError, ModelNotFoundError  # noqa: E402
from recognition.read.models import MODEL_ENV_PREFIX, load_model, model_path  # noqa: E402

READER_DIR = Path(__file__).resolve().parents[2] / "recognition" / "models" / "reader"


def test_the_shipped_reader_is_the_file_its_manifest_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV_PREFIX + "V6_REC", raising=False)
    entry = json.loads((READER_DIR / "manifest.json").read_text(encoding="utf-8"))["v6_rec"]
    path = model_path("v6_rec")
    assert path == READER_DIR / "PP-OCRv6_rec_small.onnx"
    data = path.read_bytes()
    assert len(data) == entry["bytes"] and len(data) <= 12 * 1024 * 1024
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_a_damaged_reader_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    data = (READER_DIR / "PP-OCRv6_rec_small.onnx").read_bytes()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[: len(data) // 2])  # a copy cut short (full disk, interrupted update)
    with pytest.raises(ModelLoadError, match="v6_rec"):
        load_model("v6_rec", path=cut)
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00" * 4096)
    with pytest.raises(ModelLoadError, match="v6_rec"):
        load_model("v6_rec", path=junk)


def test_a_missing_reader_file_or_override_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelNotFoundError):
        load_model("v6_rec", path=tmp_path / "gone.onnx")
    monkeypatch.setenv(MODEL_ENV_PREFIX + "V6_REC", str(tmp_path / "gone.onnx"))
    with pytest.raises(ModelNotFoundError):
        model_path("v6_rec")

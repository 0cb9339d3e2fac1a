"""Plate reading: PaddleOCR models on OpenVINO, CTC decoding to 0-9A-Z, state from small text."""

from __future__ import annotations

from recognition.read.config import ReaderConfig
from recognition.read.models import ModelLoadError, ModelNotFoundError, load_model
from recognition.read.reader import OpenVinoPlateReader

__all__ = ["ModelLoadError", "ModelNotFoundError", "OpenVinoPlateReader", "ReaderConfig", "create_reader"]


def create_reader(config: ReaderConfig | None = None) -> OpenVinoPlateReader:
    """Build the plate reader, compiling its models once.

    Args:
        config: Reader settings; defaults when None.

    Raises:
        ModelNotFoundError: If a model wheel or file is missing.
        ModelLoadError: If OpenVINO cannot read or compile a model.

    """
    cfg = config or ReaderConfig()
    keys = [cfg.det_model, "v6_rec"] + (["v4_rec"] if cfg.use_v4 or cfg.read_state else [])
    models = {key: load_model(key, cfg.device, cfg.precision, cfg.threads, hint=cfg.hint) for key in keys}
    return OpenVinoPlateReader(cfg, models)

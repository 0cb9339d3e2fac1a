"""Locate the PaddleOCR ONNX files inside installed wheels and compile them with OpenVINO.

The ``rapidocr`` (PP-OCRv6) and ``rapidocr_openvino`` (PP-OCRv4) wheels are installed only as
carriers of Apache-2.0 model files; their Python code is never imported. We find the package
folder with :func:`importlib.util.find_spec` (``submodule_search_locations`` does not execute the
package's ``__init__``) and read the ONNX files with our own OpenVINO code. The PP-OCRv6 recogniser
is the project's plate fine-tune of those weights, shipped in ``recognition/models/reader`` (its
provenance in ``manifest.json`` there; notes/reader.md, session 28).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import openvino as ov

from recognition.errors import ModelLoadError, ModelNotFoundError
from recognition.read.heads import HeadNotFound, cut_dictionary, cut_head, kept_classes

logger = logging.getLogger(__name__)

ModelKey = Literal["v6_det", "v6_rec", "v4_det", "v4_rec"]
RecHead = Literal["full", "plate", "other"]

#: Head of the recognisers as compiled (:mod:`recognition.read.heads`): ``full`` (the whole dictionary), ``plate``
#: (only the classes the reader uses, softmax renormalised over them) or ``other`` (those plus one column with the
#: dropped classes' total: the same probabilities as ``full``, ~170 columns instead of 18,710 / 6,625). Per key.
#: ``other`` ships: identical readings on every set, the output and its decoding ~100x smaller (PP-OCRv6 -4 % CPU
#: per call). ``plate`` is ~12 % cheaper per PP-OCRv6 call (no MatMul over the dropped columns) but the renormalised
#: softmax turns separators and graphics into characters: EU stills -5 images exact, US crops -5 (notes/speed.md
#: session 27).
REC_HEADS: dict[str, RecHead] = {"v6_rec": "other", "v4_rec": "other"}

#: (package, relative path) of every model file we use.
MODEL_FILES: dict[str, tuple[str, str]] = {
    "v6_det": ("rapidocr", "models/PP-OCRv6_det_small.onnx"),
    "v6_rec": ("recognition", "models/reader/PP-OCRv6_rec_small.onnx"),  # plate fine-tune (session 28)
    "v4_det": ("rapidocr_openvino", "models/ch_PP-OCRv4_det_infer.onnx"),
    "v4_rec": ("rapidocr_openvino", "models/ch_PP-OCRv4_rec_infer.onnx"),
}


def package_dir(package: str) -> Path:
    """Folder of an installed package, found without importing it.

    Args:
        package: Top-level package name, e.g. ``"rapidocr"``.

    Returns:
        The package directory.

    Raises:
        ModelNotFoundError: If the package is not installed.

    """
    spec = importlib.util.find_spec(package) if "." not in package else None
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(f"package {package!r} carrying the OCR models is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


#: Environment variable naming a replacement file for a model key (``ALPR_MODEL_V6_REC`` for ``v6_rec``).
MODEL_ENV_PREFIX = "ALPR_MODEL_"


def model_override(key: str) -> Path | None:
    """File named by ``ALPR_MODEL_<KEY>`` (benchmarks of candidate weights), or None when unset."""
    value = os.environ.get(MODEL_ENV_PREFIX + key.upper(), "").strip()
    return Path(value) if value else None


def model_path(key: str) -> Path:
    """Path of a model file by key (see :data:`MODEL_FILES`), or its ``ALPR_MODEL_<KEY>`` override.

    Raises:
        ModelNotFoundError: If the key is unknown or the file is missing.

    """
    if key not in MODEL_FILES:
        raise ModelNotFoundError(f"unknown model key {key!r}")
    override = model_override(key)
    package, rel = MODEL_FILES[key]
    path = override if override is not None else package_dir(package) / rel
    if not path.is_file():
        raise ModelNotFoundError(f"model file missing: {path}")
    return path


_CORE: ov.Core | None = None


def core() -> ov.Core:
    """Process-wide OpenVINO core (creating one is not free)."""
    global _CORE
    if _CORE is None:
        _CORE = ov.Core()
    return _CORE


@dataclass(frozen=True, slots=True, eq=False)
class CompiledOcrModel:
    """A compiled OpenVINO model plus, for recognisers, its CTC dictionary.

    ``characters`` is indexed like the model's class axis: ``characters[0]`` is the CTC blank
    (``""``); in a full head the last entry is the space that PaddleOCR appends to the dictionary, in a cut
    head (:mod:`recognition.read.heads`) the kept classes follow in order, then the "other" column if any.
    """

    key: str
    path: Path
    compiled: ov.CompiledModel
    characters: tuple[str, ...] = ()

    def infer(self, batch: np.ndarray) -> np.ndarray:
        """Run one synchronous inference on an NCHW float32 batch and return the first output."""
        request = self.compiled.create_infer_request()
        result = request.infer({0: batch})
        return np.asarray(result[self.compiled.output(0)])


def _dictionary(model: ov.Model, key: str) -> tuple[str, ...]:
    """CTC dictionary embedded in the ONNX metadata (``character`` key), blank first, space last."""
    try:
        text = model.get_rt_info(["framework", "character"]).astype(str)
    except (RuntimeError, KeyError) as exc:
        raise ModelLoadError(f"{key}: no 'character' dictionary in the model metadata") from exc
    chars = text.split("\n")
    return ("", *chars, " ")


def _cut(
    model: ov.Model, characters: tuple[str, ...], key: str, other: bool
) -> tuple[ov.Model, tuple[str, ...]]:
    """The recogniser with its head cut to the reader's classes, or unchanged when its head is not the usual one."""
    keep = kept_classes(characters)
    try:
        cut = cut_head(model, keep, other=other)
    except HeadNotFound as exc:
        logger.warning("%s: head kept whole (%s)", key, exc)
        return model, characters
    return cut, cut_dictionary(characters, keep, other=other)


def load_model(
    key: str,
    device: str = "CPU",
    precision: str = "f32",
    threads: int = 0,
    path: Path | None = None,
    hint: str = "LATENCY",
    head: RecHead | None = None,
) -> CompiledOcrModel:
    """Read and compile one OCR model.

    Args:
        key: One of :data:`MODEL_FILES` (``*_rec`` keys also load the dictionary).
        device: OpenVINO device name (``CPU``, ``AUTO`` ...).
        precision: ``INFERENCE_PRECISION_HINT`` for CPU (``f32`` or ``bf16``); empty for default.
        threads: ``INFERENCE_NUM_THREADS`` (0 lets OpenVINO decide).
        path: Override of the file location (tests, agency-supplied copies).
        hint: ``PERFORMANCE_HINT`` (``LATENCY``, or ``THROUGHPUT`` for parallel callers).
        head: Recogniser head (see :data:`REC_HEADS`, the default per key); a model whose head cannot be cut
            keeps its full head (logged).

    Raises:
        ModelNotFoundError: If the file is missing.
        ModelLoadError: If OpenVINO cannot read/compile it or it does not look like a PP-OCR model.

    """
    file = path if path is not None else model_path(key)
    if not file.is_file():
        raise ModelNotFoundError(f"model file missing: {file}")
    try:
        model = core().read_model(str(file))
    except RuntimeError as exc:
        raise ModelLoadError(f"{key}: OpenVINO cannot read {file}: {exc}") from exc
    shape = model.input(0).get_partial_shape()
    if shape.rank.get_length() != 4:
        raise ModelLoadError(f"{key}: expected a 4-D NCHW input, got {shape}")
    characters: tuple[str, ...] = ()
    if key.endswith("_rec"):
        characters = _dictionary(model, key)
        classes = model.output(0).get_partial_shape()[2]
        if classes.is_static and classes.get_length() != len(characters):
            raise ModelLoadError(
                f"{key}: {classes.get_length()} output classes but {len(characters)} dictionary entries"
            )
        head = head or REC_HEADS.get(key, "full")
        if head != "full":
            model, characters = _cut(model, characters, key, other=head == "other")
    config: dict[str, object] = {"PERFORMANCE_HINT": hint}
    if precision and device.upper() == "CPU":
        config["INFERENCE_PRECISION_HINT"] = precision
    if threads > 0 and device.upper() == "CPU":
        config["INFERENCE_NUM_THREADS"] = threads
    try:
        compiled = core().compile_model(model, device, config)
    except RuntimeError as exc:
        raise ModelLoadError(f"{key}: cannot compile on {device}: {exc}") from exc
    logger.info(
        "compiled %s from %s on %s (%s, %d classes)",
        key,
        file.name,
        device,
        precision or "default",
        len(characters),
    )
    return CompiledOcrModel(key=key, path=file, compiled=compiled, characters=characters)

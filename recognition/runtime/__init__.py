"""Live recognition: the only place with threads and processes for cameras.

:class:`RecognitionRuntime` runs in the caller's process; :class:`RecognitionProcess` runs the same
runtime in a child process. Both take a :class:`~recognition.config.RuntimeConfig`, a pipeline
factory and :class:`RuntimeCallbacks`, and offer ``start()``, ``stop()`` and ``health()``.
:mod:`recognition.runtime.journal` writes each read durably before it is handed on.

Names are imported on first use, so ``recognition.runtime.journal`` (needed by the app's ingest)
does not pull in OpenCV.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ChildProcess": "process", "RecognitionProcess": "process", "partial_factory": "process",
    "CredentialsLookup": "engine", "PipelineFactory": "engine", "RecognitionRuntime": "engine", "RuntimeStats": "engine",
    "PreviewFrame": "events", "PreviewPlate": "events", "RuntimeCallbacks": "events", "RuntimeFault": "events",
    "model_pipeline": "factories", "oracle_pipeline": "factories",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'recognition.runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"recognition.runtime.{module}"), name)
    globals()[name] = value
    return value

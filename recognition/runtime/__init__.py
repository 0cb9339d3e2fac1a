"""Live recognition: the only place with threads and processes for cameras.

:class:`RecognitionRuntime` runs in the caller's process; :class:`RecognitionProcess` runs the same
runtime in a child process. Both take a :class:`~recognition.config.RuntimeConfig`, a pipeline
factory and :class:`RuntimeCallbacks`, and offer ``start()``, ``stop()`` and ``health()``.
"""

from recognition.runtime.engine import CredentialsLookup, PipelineFactory, RecognitionRuntime, RuntimeStats
from recognition.runtime.events import PreviewFrame, PreviewPlate, RuntimeCallbacks, RuntimeFault
from recognition.runtime.factories import model_pipeline, oracle_pipeline
from recognition.runtime.process import ChildProcess, RecognitionProcess, partial_factory

__all__ = [
    "ChildProcess",
    "CredentialsLookup",
    "PipelineFactory",
    "PreviewFrame",
    "PreviewPlate",
    "RecognitionProcess",
    "RecognitionRuntime",
    "RuntimeCallbacks",
    "RuntimeFault",
    "RuntimeStats",
    "model_pipeline",
    "oracle_pipeline",
    "partial_factory",
]

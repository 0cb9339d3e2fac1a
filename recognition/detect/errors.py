"""Errors raised by plate detectors (one class for the whole pipeline: recognition.errors)."""

from recognition.errors import ModelLoadError

__all__ = ["ModelLoadError"]

"""Errors of the vision pipeline shared by the detector and the reader."""

from __future__ import annotations


class ModelLoadError(RuntimeError):
    """A model is missing, unreadable, or has inputs/outputs of the wrong shape.

    The message names the file and what was wrong, so it can be shown to an administrator as is.
    """


class ModelNotFoundError(ModelLoadError, FileNotFoundError):
    """A model file (or the wheel carrying it) is not installed."""

"""Errors raised by plate detectors."""

from __future__ import annotations


class ModelLoadError(RuntimeError):
    """A detector model is missing, unreadable, or has inputs/outputs of the wrong shape.

    The message names the file and what was wrong, so it can be shown to an administrator as is.
    """

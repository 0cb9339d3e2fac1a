"""Specific errors raised by services and shown to users as they are."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: the message is written for the person at the console."""


class PermissionDenied(DomainError):
    def __init__(self, action: str, needed: str) -> None:
        super().__init__(f"You do not have permission to {action} (requires '{needed}').")
        self.action = action
        self.needed = needed


class SessionRevoked(PermissionDenied):
    """The signed-in user may no longer act (disabled, training expired ...); the console locks.

    ``reason`` is a short code recorded in the access record; the message says what to do.
    """

    def __init__(self, reason: str, message: str) -> None:
        DomainError.__init__(self, message)
        self.action = reason
        self.needed = reason
        self.reason = reason


class LoginRefused(DomainError):
    """Login refused; ``reason`` is a short code recorded in the access record."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ValidationFailed(DomainError):
    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The action conflicts with the state (self-approval, already claimed ...)."""


class DatabaseUnavailable(DomainError):
    """The configured database cannot be reached or opened; the message says why in plain words."""

"""Secrets in the OS keyring only. No plaintext fallback, ever."""

from __future__ import annotations

from typing import Protocol

SERVICE = "alpr-console"

NO_KEYRING_MESSAGE = (
    "No secure credential store was found (GNOME Keyring, KWallet or Windows Credential Manager). "
    "Passwords for the database and cameras cannot be remembered; install or unlock a keyring."
)


class SecretStoreUnavailable(Exception):
    pass


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def available(self) -> bool: ...


class KeyringSecretStore:
    """The OS keyring through `keyring`; refuses weak/plaintext backends."""

    def available(self) -> bool:
        import keyring
        from keyring.backends import fail

        kr = keyring.get_keyring()
        if isinstance(kr, fail.Keyring):
            return False
        name = type(kr).__module__
        if name.startswith("keyrings.alt") and "Plaintext" in type(kr).__name__:
            return False
        try:
            return float(getattr(kr, "priority", 0)) >= 1
        except Exception:  # noqa: BLE001 - some backends compute priority lazily and fail
            return False

    def _require(self) -> None:
        if not self.available():
            raise SecretStoreUnavailable(NO_KEYRING_MESSAGE)

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        if not self.available():
            return None
        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError:
            return None

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        self._require()
        try:
            keyring.set_password(SERVICE, name, value)
        except KeyringError as exc:
            raise SecretStoreUnavailable(f"{NO_KEYRING_MESSAGE} ({exc})") from exc

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        self._require()
        try:
            keyring.delete_password(SERVICE, name)
        except (PasswordDeleteError, KeyringError):
            pass


class MemorySecretStore:
    """For tests."""

    def __init__(self) -> None:
        self.d: dict[str, str] = {}

    def available(self) -> bool:
        return True

    def get(self, name: str) -> str | None:
        return self.d.get(name)

    def set(self, name: str, value: str) -> None:
        self.d[name] = value

    def delete(self, name: str) -> None:
        self.d.pop(name, None)

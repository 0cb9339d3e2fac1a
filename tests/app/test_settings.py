from __future__ import annotations

import pytest

from app.settings.model import AppSettings
from app.settings.secrets import KeyringSecretStore, SecretStoreUnavailable
from app.settings.store import load_settings, save_settings


def test_round_trip(tmp_path):
    s = AppSettings()
    s.security.idle_lock_minutes = 10
    save_settings(tmp_path / "settings.json", s)
    assert load_settings(tmp_path / "settings.json").settings.security.idle_lock_minutes == 10


@pytest.mark.parametrize("content", ["{not json", '{"security": {"min_password_length": 4}}', '{"unknown": 1}'])
def test_corrupt_file_is_kept_aside_and_defaults_used(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_text(content)
    loaded = load_settings(path)
    assert loaded.settings == AppSettings()
    assert loaded.warning and "defaults" in loaded.warning
    kept = list(tmp_path.glob("settings.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == content
    assert not path.exists()


def test_no_plaintext_fallback_when_no_secure_keyring():
    import keyring
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = KeyringSecretStore()
        assert not store.available()
        with pytest.raises(SecretStoreUnavailable, match="No secure credential store"):
            store.set("database", "s3cret")
        assert store.get("database") is None
    finally:
        keyring.set_keyring(old)


def test_plaintext_keyring_is_refused():
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    old = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert not KeyringSecretStore().available()
    finally:
        keyring.set_keyring(old)


@pytest.mark.parametrize("url", ["postgresql://alpr:s3cret@db.example:5432/alpr",
                                 "postgresql+psycopg://alpr:s3cret@127.0.0.1/alpr",
                                 "postgresql://alpr@db/alpr?password=s3cret"])
def test_database_url_with_an_embedded_password_is_refused(url):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="keyring"):
        AppSettings.model_validate({"database": {"kind": "postgresql", "url": url}})


def test_database_url_without_password_is_accepted():
    s = AppSettings.model_validate({"database": {"kind": "postgresql", "url": "postgresql://alpr@db.example/alpr"}})
    assert s.database.url.endswith("/alpr")


def test_settings_file_with_a_password_in_the_url_falls_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"database": {"kind": "postgresql", "url": "postgresql://a:pw@h/db"}}')
    loaded = load_settings(path)
    assert loaded.settings.database.url == "" and loaded.warning


@pytest.mark.parametrize("minutes", [31, 60, 240])
def test_idle_lock_longer_than_30_minutes_is_refused(minutes):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        AppSettings.model_validate({"security": {"idle_lock_minutes": minutes}})
    s = AppSettings()
    with pytest.raises(ValidationError):
        s.security.idle_lock_minutes = minutes

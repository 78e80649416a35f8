"""Network credentials encrypted at rest, with key rotation.

``settings.CHORUS_TOKEN_KEYS`` lists Fernet keys, newest first. Values are
encrypted with the newest key and decrypted with whichever key made them, so a
new key can be put in front at any time; ``chorus_rotate_token_keys`` then
re-encrypts every stored value with it, after which old keys can be dropped.
"""

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from chorus.networks.connectors.base import Credentials


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CHORUS_TOKEN_KEYS must hold at least one key.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Every CHORUS_TOKEN_KEYS entry must be a Fernet key "
            "(32 url-safe base64-encoded bytes; `manage.py chorus_new_token_key` makes one)."
        ) from error


def _current() -> MultiFernet:
    return _fernet(tuple(settings.CHORUS_TOKEN_KEYS))


def encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "Stored network credentials cannot be decrypted with any key in CHORUS_TOKEN_KEYS. "
            "Put back the key they were encrypted with."
        ) from error


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return _current().rotate(token.encode()).decode()


def new_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedCredentialsField(models.TextField[Credentials, Credentials]):
    """Holds ``Credentials``; the database only ever sees them encrypted."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Credentials:
        if not value:
            return Credentials()
        return Credentials.from_json(json.loads(decrypt(value)))

    def to_python(self, value: Any) -> Credentials:
        if isinstance(value, Credentials):
            return value
        if not value:
            return Credentials()
        return Credentials.from_json(json.loads(decrypt(value)))

    def get_prep_value(self, value: Any) -> str:
        if value is None or (isinstance(value, Credentials) and value.is_empty):
            return ""
        if not isinstance(value, Credentials):
            raise TypeError("EncryptedCredentialsField holds Credentials only.")
        return encrypt(json.dumps(value.to_json(), sort_keys=True))


class EncryptedTextField(models.TextField[str, str]):
    """A secret string (an app's client secret); encrypted in the database."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> str:
        return encrypt(str(value)) if value else ""

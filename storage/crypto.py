"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) with `IMPACT_SECRET_KEY`.

Fernet is authenticated encryption from `cryptography`, the well-kept library for this; a
tampered or foreign token fails loudly instead of decrypting to garbage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from bot.core.errors import ImpactError


class CredentialError(ImpactError):
    """Stored credentials cannot be read (wrong key, or tampered)."""


def generate_key() -> str:
    """A fresh key for IMPACT_SECRET_KEY."""
    return Fernet.generate_key().decode("ascii")


class Vault:
    """Encrypts and decrypts credential mappings. Its `repr` never shows the key."""

    __slots__ = ("_fernet",)

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode("ascii") if isinstance(key, str) else key)
        except (ValueError, TypeError):
            raise CredentialError(
                "IMPACT_SECRET_KEY is not a valid key (32 url-safe base64-encoded bytes). "
                "Make one with `impact keygen`."
            ) from None

    def __repr__(self) -> str:
        return "Vault(key=***)"

    def encrypt(self, values: Mapping[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(dict(values), sort_keys=True).encode("utf-8"))

    def decrypt(self, token: bytes | None) -> dict[str, Any]:
        if not token:
            return {}
        try:
            return dict(json.loads(self._fernet.decrypt(bytes(token)).decode("utf-8")))
        except InvalidToken:
            raise CredentialError(
                "Stored credentials cannot be decrypted with the current IMPACT_SECRET_KEY "
                "(was the key changed?). Reconnect the source with `impact connect`."
            ) from None

    def encrypt_text(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt_text(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken:
            raise CredentialError(
                "A stored secret cannot be decrypted with the current IMPACT_SECRET_KEY."
            ) from None

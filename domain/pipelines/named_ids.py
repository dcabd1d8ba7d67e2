"""Ids that machine reports (CDEvents custom data, Alertmanager labels) use to name Signalbox
things: a UUID, or the thing's GraphQL global id."""

from __future__ import annotations

import base64
import binascii
import uuid


def id_of(value: object, type_name: str) -> uuid.UUID | None:
    """The id a value names: a UUID, or a global id of `type_name`; None otherwise."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    try:
        found, _, raw = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
        return uuid.UUID(raw) if found == type_name else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None

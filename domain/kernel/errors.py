"""Domain errors: data with stable codes, never HTTP or GraphQL specific."""

from __future__ import annotations

from enum import StrEnum


class KernelErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    UNAVAILABLE = "UNAVAILABLE"


class DomainError(Exception):
    """A refusal the caller can act on: a stable code, a sentence, optionally the field."""

    code: str = KernelErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class NotFound(DomainError):
    code = KernelErrorCode.NOT_FOUND


class Forbidden(DomainError):
    """The principal may not do this. Raised by the authorizer, surfaced as a top-level error."""

    code = KernelErrorCode.FORBIDDEN


class Unauthenticated(DomainError):
    code = KernelErrorCode.UNAUTHENTICATED


class VersionConflict(DomainError):
    """Optimistic concurrency: the aggregate changed since the caller read it."""

    code = KernelErrorCode.VERSION_CONFLICT


class AlreadyExists(DomainError):
    code = KernelErrorCode.ALREADY_EXISTS


class Unavailable(DomainError):
    """The database (or another dependency) cannot be reached; safe to retry."""

    code = KernelErrorCode.UNAVAILABLE

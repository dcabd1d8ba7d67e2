"""What a process refuses to start with, and a failed start told in one line.

Every entry point (`signalbox serve` and its workers, `migrate`, the other commands) checks the
configuration before it touches the database; a refusal or an unreachable database is one line
on stderr (or one log record in a worker), never a traceback. Secrets never appear in it.
"""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Iterator

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.graphql.trusted_documents import load_manifest
from api.settings import Settings
from domain.kernel.db import is_outage

FERNET_KEY_BYTES = 32
FERNET_KEY_CHARS = 44
MAKE_A_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
# SQLSTATE classes that mean "this database cannot be used from here": connection exceptions,
# invalid authorization, a database that does not exist, the server not accepting connections.
_UNREACHABLE_SQLSTATES = ("08", "28", "3D", "57P")


class ConfigurationError(Exception):
    """The process must not start with this configuration; the message is one line."""


def secret_key_problem(value: str) -> str | None:
    """Why SIGNALBOX_SECRET_KEY is not usable, or None: every comma-separated key must be a
    Fernet key, 32 random bytes in url-safe base64 (44 characters)."""
    keys = [part.strip() for part in value.split(",")]
    for position, key in enumerate(keys, start=1):
        which = (
            f"key {position} of SIGNALBOX_SECRET_KEY" if len(keys) > 1 else "SIGNALBOX_SECRET_KEY"
        )
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raw = b""
        if len(key) != FERNET_KEY_CHARS or len(raw) != FERNET_KEY_BYTES:
            return (
                f"{which} is not a Fernet key (32 random bytes in url-safe base64, "
                f"44 characters); make one with: {MAKE_A_KEY}"
            )
    return None


def configuration_problems(settings: Settings) -> list[str]:
    """Everything wrong with the configuration; production asks for more than development."""
    problems = []
    if settings.secret_key:
        key_problem = secret_key_problem(settings.secret_key)
        if key_problem:
            problems.append(key_problem)
    try:
        load_manifest(settings.trusted_documents_file)
    except ValueError as exc:
        problems.append(f"SIGNALBOX_TRUSTED_DOCUMENTS_FILE: {exc}")
    if settings.production:
        if not settings.secret_key:
            problems.append(
                f"SIGNALBOX_SECRET_KEY is required in production; make one with: {MAKE_A_KEY}"
            )
        if not settings.oidc_issuer and not settings.allow_local_issuer:
            problems.append(
                "no identity provider: set SIGNALBOX_OIDC_ISSUER, or SIGNALBOX_ALLOW_LOCAL_ISSUER="
                "true to sign tokens with the built-in local issuer"
            )
    return problems


def check_configuration(settings: Settings) -> None:
    problems = configuration_problems(settings)
    if problems:
        raise ConfigurationError(f"refusing to start ({settings.env}): " + "; ".join(problems))


def load_settings() -> Settings:
    """Settings from the environment, checked; a value that does not parse is one line too."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SIGNALBOX_" + "_".join(str(part) for part in first["loc"][:1]).upper()
        # The offending value is left out: it may be a secret.
        raise ConfigurationError(f"refusing to start: {name}: {first['msg']}") from None
    check_configuration(settings)
    return settings


def safe_url(url: str) -> str:
    """The database URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unparsable SIGNALBOX_DATABASE_URL)"


def startup_problem(exc: BaseException | None, database_url: str | None) -> str | None:
    """One line for a start that failed on configuration or an unusable database; None for
    anything else (a bug keeps its traceback)."""
    chain = list(_causes(exc))
    for cause in chain:
        if isinstance(cause, ConfigurationError):
            return str(cause)
    if not any(_unreachable(cause) for cause in chain):
        return None
    root = chain[-1]
    reason = (str(root).strip().splitlines() or [type(root).__name__])[0]
    where = safe_url(database_url) if database_url else "the database"
    return f"cannot use the database {where}: {reason}"


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _unreachable(exc: BaseException) -> bool:
    if is_outage(exc):
        return True
    if isinstance(exc, DBAPIError) and "unable to open database file" in str(exc.orig):
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNREACHABLE_SQLSTATES)


class StartupFailures:
    """Pure ASGI middleware: a worker whose start-up fails on configuration or the database
    tells the server one line instead of the traceback Starlette would send (and the server
    would log as one 200-line record)."""

    def __init__(self, app: ASGIApp, database_url: str) -> None:
        self.app = app
        self.database_url = database_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_one_line(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                # Sent from inside the handler of the start-up's exception: it is at hand.
                line = startup_problem(sys.exc_info()[1], self.database_url)
                if line is not None:
                    message = {**message, "message": line}
            await send(message)

        await self.app(scope, receive, send_one_line)

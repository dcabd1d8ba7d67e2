"""The `signalbox` command: serve, migrate, demo, users, tokens, audit, schema, pipeline.

Commands import what they use inside their function: `signalbox --help` and a short command
start without loading the GraphQL schema, the demo or every context. A refusal, a setting that
does not parse or a database that cannot be reached ends a command with one line on stderr
(exit 78 for configuration, 69 for the database), never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from api.cli_audit import audit
from api.cli_documents import documents
from api.cli_runtime import load_settings, with_runtime

if TYPE_CHECKING:
    from api.runtime import Runtime
    from api.settings import Settings
    from domain.kernel.access import Scope

_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
EXIT_UNAVAILABLE = 69
"""sysexits' EX_UNAVAILABLE: the database cannot be reached."""
EXIT_CONFIG = 78
"""sysexits' EX_CONFIG: the configuration is refused."""


class Refused(click.ClickException):
    """One line on stderr and an exit code that says why."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Commands(click.Group):
    """Configuration refusals and unreachable databases become one line, whatever the command."""

    def invoke(self, ctx: click.Context) -> Any:
        from api.startup import ConfigurationError, startup_problem

        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except ConfigurationError as exc:
            raise Refused(str(exc), EXIT_CONFIG) from None
        except Exception as exc:
            line = startup_problem(exc, _database_url())
            if line is None:
                raise
            raise Refused(line, EXIT_UNAVAILABLE) from None


def _database_url() -> str | None:
    from api.settings import Settings

    try:
        return Settings().effective_database_url
    except Exception:  # the settings themselves are what failed; no URL to show
        return None


def _duration(value: str) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("use a number and a unit, e.g. 30m, 8h or 7d")
    lifetime = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if lifetime <= timedelta(0):
        raise click.BadParameter("a token must live longer than 0, e.g. 30m, 8h or 7d")
    return lifetime


@click.group(
    cls=_Commands, help="Signalbox: one system of record for how change reaches production."
)
def main() -> None:
    pass


@main.command(help="Serve the API (GraphQL at /graphql, components at /components/).")
@click.option("--host", default=None, help="Interface to bind (SIGNALBOX_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (SIGNALBOX_PORT, default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (SIGNALBOX_WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    import uvicorn

    from api.observability import configure_logging, logging_config

    settings = load_settings()
    if workers is not None:
        # Each worker reads its settings again: per-worker rate limits divide by this.
        os.environ["SIGNALBOX_WORKERS"] = str(workers)
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(_reachable(settings))
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        # Applied again in every worker process uvicorn spawns, so workers log like the parent.
        log_config=logging_config(settings.log_level, settings.log_json),
        access_log=False,
        timeout_graceful_shutdown=15,
        proxy_headers=True,
    )


async def _reachable(settings: Settings) -> None:
    """Before any worker starts: the database answers (else one line, not one per worker)."""
    from sqlalchemy import text

    from domain.kernel.db import Database

    db = Database(settings.effective_database_url, pool_size=1)
    try:
        async with db.read_session() as session:
            await session.execute(text("SELECT 1"))
    finally:
        await db.dispose()


@main.command(help="Migrate the database to the latest schema.")
def migrate() -> None:
    from domain.migrations import upgrade

    upgrade(load_settings().effective_database_url)
    click.echo("migrated to head", err=True)


@main.command(
    help="Load the demo enterprise (once; loading again changes nothing; never in production)."
)
def demo() -> None:
    from demo.calendar import load_calendar_demo
    from demo.organization import load_demo
    from demo.unauthorized import load_unauthorized_demo
    from demo.world import load_world

    if load_settings().production:
        raise Refused(
            "refusing to load demo data (demo users and tokens) with SIGNALBOX_ENV=production",
            EXIT_CONFIG,
        )

    async def run(runtime: Runtime) -> bool:
        organization = await load_demo(runtime)
        calendar = await load_calendar_demo(runtime)
        unauthorized = await load_unauthorized_demo(runtime)
        world = await load_world(runtime)
        return organization or calendar or unauthorized or world

    loaded = with_runtime(run)
    click.echo("demo data loaded" if loaded else "demo data already present", err=True)


@main.command(
    "import-history",
    help="Import deployment history from a JSON Lines file (one deployment or incident a line, "
    "see README), as a user who may (the RMO or the service's BU admin): batches of at most "
    "5,000 per service, each all or nothing; importing the same file again adds nothing.",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Who imports (see `signalbox users list`).")
def import_history(path: Path, username: str) -> None:
    from api.history_cli import HistoryFileError, ImportRefused, batches, import_batches

    try:
        with path.open(encoding="utf-8") as lines:
            found = batches(lines)
    except HistoryFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    try:
        done = with_runtime(import_batches, found, username)
    except ImportRefused as refused:
        for line in refused.done:
            click.echo(line)
        for line in refused.problems:
            click.echo(line, err=True)
        raise click.ClickException("import refused; batches above were stored") from None
    for line in done:
        click.echo(line)


@main.group(help="People known to Signalbox.")
def users() -> None:
    pass


@users.command("list", help="List users with their roles.")
def users_list() -> None:
    from domain.organization import repository as repo

    async def run(runtime: Runtime) -> None:
        async with runtime.db.read_session() as s:
            people = await repo.all_people(s)
            grants = await repo.grants_by_person(s, [p.id for p in people], _everywhere())
            bus = {
                b.id: b.key
                for b in (await repo.bus_page(s, _everywhere(), first=500, after=None)).items
            }
        for p in people:
            roles = ", ".join(_grant_label(g, bus) for g in grants.get(p.id, []))
            click.echo(f"{p.username:<20} {p.kind:<8} {roles or '-':<40} {p.display_name}")

    with_runtime(run)


@users.command(
    "create",
    help="Register a person with a role, e.g. the first org_admin of a new installation "
    "(audited as the system). An e-mail address or username already known is refused.",
)
@click.option("--email", required=True, help="Their e-mail address (must not be known yet).")
@click.option("--name", required=True, help="Their display name.")
@click.option("--role", required=True, help="A role: org_admin, bu_admin, engineer, ...")
@click.option("--business-unit", "bu_key", default=None, help="The BU key (default: org-wide).")
@click.option("--username", default=None, help="Default: the e-mail address before the @.")
@click.option(
    "--subject",
    default=None,
    help="With OIDC (required): the subject the identity provider gives this person, its `sub` "
    "claim by default. With the local issuer: the username, which is what it signs.",
)
def users_create(
    email: str,
    name: str,
    role: str,
    bu_key: str | None,
    username: str | None,
    subject: str | None,
) -> None:
    from domain.kernel.errors import DomainError
    from domain.organization import commands as cmd
    from domain.organization import identity

    if subject is None and load_settings().oidc_issuer:
        # Without it the person would never be found again: their first sign-in would create
        # another person, without the role.
        raise click.UsageError(
            "with SIGNALBOX_OIDC_ISSUER, give --subject: the subject your identity provider "
            "puts in this person's tokens (SIGNALBOX_OIDC_SUBJECT_CLAIM, `sub` by default)"
        )
    enroll = cmd.EnrollPerson(
        person=cmd.CreatePerson(
            username=username or email.strip().partition("@")[0].lower(),
            display_name=name,
            email=email,
            subject=subject,
        ),
        role=role,
        bu_key=bu_key,
    )

    async def run(runtime: Runtime) -> str:
        issuer = runtime.authenticator.issuer
        grant = await runtime.units.run(
            lambda uow: identity.enroll_person(uow, enroll, issuer=issuer)
        )
        return f"{enroll.person.username} {grant.role}@{bu_key or 'org'}"

    try:
        created = with_runtime(run)
    except DomainError as e:
        raise click.ClickException(f"{e.code}: {e.message}") from None
    click.echo(f"created {created}")


def _grant_label(grant: Any, bus: dict[Any, str]) -> str:
    discipline = f"({grant.discipline})" if grant.discipline else ""
    return f"{grant.role}{discipline}@{bus.get(grant.bu_id, 'org')}"


def _everywhere() -> Scope:
    from domain.kernel.access import Scope

    return Scope(everywhere=True)


@main.group(help="Bearer tokens.")
def token() -> None:
    pass


@token.command(
    "create", help="Mint a bearer token for a user with the local issuer; prints only the token."
)
@click.option(
    "--user", "username", required=True, help="The username (see `signalbox users list`)."
)
@click.option(
    "--ttl",
    default=None,
    help="Lifetime such as 30m, 8h or 7d (default SIGNALBOX_TOKEN_DEFAULT_TTL_SECONDS).",
)
def token_create(username: str, ttl: str | None) -> None:
    from domain.organization import repository as repo

    lifetime = (
        _duration(ttl) if ttl else timedelta(seconds=load_settings().token_default_ttl_seconds)
    )

    async def run(runtime: Runtime) -> str:
        issuer = runtime.authenticator.local_issuer
        if issuer is None:
            raise click.ClickException("An external OIDC issuer is configured; get tokens from it.")
        async with runtime.db.read_session() as s:
            person = await repo.person_by_username(s, username)
        if person is None or not person.active:
            raise click.ClickException(f"No active user {username!r}; see `signalbox users list`.")
        return issuer.mint(
            person.subject,
            username=person.username,
            name=person.display_name,
            ttl=lifetime,
            now=runtime.clock.now(),
        )

    click.echo(with_runtime(run))


@main.group(help="The GraphQL schema.")
def schema() -> None:
    pass


@schema.command("export", help="Print the schema in SDL (schema.graphql is this output).")
def schema_export() -> None:
    from api.graphql.schema import build_schema
    from api.settings import Settings

    click.echo(build_schema(Settings(env="development")).as_str())


@main.group(help="Pipeline definitions as code.")
def pipeline() -> None:
    pass


@pipeline.command("hash", help="Print the sha256 CI reports for a pipeline definition file.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def pipeline_hash(path: Path) -> None:
    from domain.kernel.errors import DomainError
    from domain.pipelines.definition_rules import parse_definition

    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    try:
        parsed = parse_definition(path.read_text(encoding="utf-8"), fmt)
    except DomainError as e:
        raise click.ClickException(f"{e.code}: {e.message}") from e
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(parsed.content_hash)


@pipeline.command(
    "schema", help="Print the JSON Schema of pipeline definitions (docs/ holds this output)."
)
def pipeline_schema() -> None:
    from domain.pipelines.definition_schema import published_schema

    click.echo(json.dumps(published_schema(), indent=2, ensure_ascii=False))


main.add_command(audit)
main.add_command(documents)

if __name__ == "__main__":  # pragma: no cover
    main()

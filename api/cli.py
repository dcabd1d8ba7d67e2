"""The `signalbox` command: serve, migrate, demo, users, tokens, audit, schema, pipeline."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn

from api.audit_cli import export
from api.composition import build_runtime
from api.graphql.schema import build_schema
from api.observability import configure_logging
from api.runtime import Runtime
from api.settings import Settings
from demo.calendar import load_calendar_demo
from demo.organization import load_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from domain.compliance import service as compliance
from domain.kernel.access import Scope
from domain.kernel.errors import DomainError
from domain.migrations import upgrade
from domain.organization import repository as repo
from domain.pipelines.definition_rules import canonical_hash

T = TypeVar("T")
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _duration(value: str) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("use a number and a unit, e.g. 30m, 8h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _with_runtime(fn: Callable[..., Awaitable[T]], *args: object, migrate: bool = True) -> T:
    async def main() -> T:
        runtime = build_runtime(Settings())
        try:
            if migrate:
                await runtime.start()
            return await fn(runtime, *args)
        finally:
            await runtime.stop()

    return asyncio.run(main())


@click.group(help="Signalbox: one system of record for how change reaches production.")
def main() -> None:
    pass


@main.command(help="Serve the API (GraphQL at /graphql, components at /components/).")
@click.option("--host", default=None, help="Interface to bind (SIGNALBOX_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (SIGNALBOX_PORT, default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (SIGNALBOX_WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
        proxy_headers=True,
    )


@main.command(help="Migrate the database to the latest schema.")
def migrate() -> None:
    upgrade(Settings().effective_database_url)
    click.echo("migrated to head", err=True)


@main.command(help="Load the demo enterprise (once; loading again changes nothing).")
def demo() -> None:
    async def run(runtime: Runtime) -> bool:
        organization = await load_demo(runtime)
        calendar = await load_calendar_demo(runtime)
        unauthorized = await load_unauthorized_demo(runtime)
        world = await load_world(runtime)
        return organization or calendar or unauthorized or world

    loaded = _with_runtime(run)
    click.echo("demo data loaded" if loaded else "demo data already present", err=True)


@main.group(help="People known to Signalbox.")
def users() -> None:
    pass


@users.command("list", help="List users with their roles.")
def users_list() -> None:
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

    _with_runtime(run)


def _grant_label(grant: Any, bus: dict[Any, str]) -> str:
    discipline = f"({grant.discipline})" if grant.discipline else ""
    return f"{grant.role}{discipline}@{bus.get(grant.bu_id, 'org')}"


def _everywhere() -> Scope:
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
    settings = Settings()
    lifetime = _duration(ttl) if ttl else timedelta(seconds=settings.token_default_ttl_seconds)

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

    click.echo(_with_runtime(run))


@main.group(help="The tamper-evident audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the whole hash chain; exit 1 at the first broken record.")
def audit_verify() -> None:
    async def run(runtime: Runtime) -> Any:
        async with runtime.system_unit_of_work() as uow:
            return await compliance.verify_audit_trail(uow)

    report = _with_runtime(run)
    if report.ok:
        click.echo(f"audit trail intact: {report.checked} records verified")
        return
    click.echo(
        f"audit trail BROKEN at record {report.first_broken_seq}: {report.reason} "
        f"({report.checked} records checked)"
    )
    sys.exit(1)


@audit.command(
    "export", help="Write the audit trail as JSON Lines, verifiable with verify_export.py."
)
@click.option("--since", type=click.DateTime(), default=None, help="From this time (UTC).")
@click.option("--until", type=click.DateTime(), default=None, help="Before this time (UTC).")
@click.option("--bu", "bu_key", default=None, help="Only records of this business unit (key).")
@click.option("--actor", default=None, help="Only records of this actor (username).")
@click.option("--entity", default=None, help="Only records of this entity: TYPE or TYPE:ID.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def audit_export(
    since: datetime | None,
    until: datetime | None,
    bu_key: str | None,
    actor: str | None,
    entity: str | None,
    output: Path | None,
) -> None:
    _with_runtime(export, since, until, bu_key, actor, entity, output)


@main.group(help="The GraphQL schema.")
def schema() -> None:
    pass


@schema.command("export", help="Print the schema in SDL (schema.graphql is this output).")
def schema_export() -> None:
    click.echo(build_schema(Settings(env="development")).as_str())


@main.group(help="Pipeline definitions as code.")
def pipeline() -> None:
    pass


@pipeline.command("hash", help="Print the sha256 CI reports for a pipeline definition file.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def pipeline_hash(path: Path) -> None:
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    try:
        click.echo(canonical_hash(path.read_text(encoding="utf-8"), fmt))
    except DomainError as e:
        raise click.ClickException(f"{e.code}: {e.message}") from e


if __name__ == "__main__":  # pragma: no cover
    main()

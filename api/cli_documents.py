"""`signalbox documents`: the trusted documents scripts register beside the components' own.

In production browser pages may run only trusted documents (api/graphql/trusted_documents.py);
a portal's own widget asks with documents registered here. Each change is audited as the
system; a document must parse and validate against the schema before it is registered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli_runtime import load_settings, with_runtime

if TYPE_CHECKING:
    from api.runtime import Runtime


@click.group(help="Trusted documents: the GraphQL documents browser pages may run.")
def documents() -> None:
    pass


@documents.command(
    "register",
    help="Register the GraphQL document in FILE (one file, its text exactly as the page sends "
    "it) and print its id, sha256:<hex>. Registering an active document again changes nothing.",
)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--name", default=None, help="What it is for (default: the file's name).")
def documents_register(file: Path, name: str | None) -> None:
    body = file.read_text(encoding="utf-8")
    problem = _invalid(body)
    if problem is not None:
        raise click.ClickException(f"BAD_USER_INPUT: {file}: {problem}")

    async def run(runtime: Runtime) -> str:
        return await register(runtime, name or file.name, body)

    click.echo(_refused_or(run))


async def register(runtime: Runtime, name: str, body: str) -> str:
    """Register `body`, idempotently even when another caller registers it at the same moment:
    the loser of that race is refused DOCUMENT_EXISTS by the unique id, and a second try finds
    the document registered and leaves it as it is."""
    from domain.kernel.errors import DomainError
    from domain.organization.documents import register_document
    from domain.organization.errors import OrganizationErrorCode

    async def once() -> str:
        registered = await runtime.units.run(lambda uow: register_document(uow, name, body))
        return registered.document_id

    try:
        return await once()
    except DomainError as e:
        if e.code != OrganizationErrorCode.DOCUMENT_EXISTS:
            raise
    return await once()


@documents.command("revoke", help="Revoke the registered document DOCUMENT_ID (sha256:<hex>).")
@click.argument("document_id")
def documents_revoke(document_id: str) -> None:
    from domain.organization.documents import revoke_document

    async def run(runtime: Runtime) -> str:
        revoked = await runtime.units.run(lambda uow: revoke_document(uow, document_id))
        return f"revoked {revoked.document_id}"

    click.echo(_refused_or(run))


@documents.command("list", help="The registered documents: id, state, name.")
def documents_list() -> None:
    from domain.organization.documents import listed_documents

    async def run(runtime: Runtime) -> list[str]:
        async with runtime.db.read_session() as session:
            found = await listed_documents(session)
        return [
            f"{d.document_id}\t{'revoked' if d.revoked_at else 'active'}\t{d.name}" for d in found
        ]

    for line in with_runtime(run):
        click.echo(line)


def _refused_or(run: Callable[[Runtime], Awaitable[str]]) -> str:
    from domain.kernel.errors import DomainError

    try:
        return with_runtime(run)
    except DomainError as e:
        raise click.ClickException(f"{e.code}: {e.message}") from None


def _invalid(body: str) -> str | None:
    """Why the document cannot be registered (syntax, schema), or None."""
    from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse, validate

    from api.graphql.schema import build_schema

    try:
        document = parse(body)
    except GraphQLSyntaxError as e:
        return f"not GraphQL: {e.message}"
    if not any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return "it holds no operation"
    errors = validate(build_schema(load_settings())._schema, document)
    return errors[0].message if errors else None

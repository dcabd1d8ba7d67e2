"""`signalbox audit`: verify the trail against the signed checkpoint log, sign a checkpoint
now, export. The work is in `api.audit_cli`, imported when a command runs."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from api.cli_runtime import with_runtime


@click.group(help="The tamper-evident audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the hash chain against the signed checkpoint log.")
@click.option(
    "--checkpoints",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A checkpoint log or witness file (default: the server's checkpoint log).",
)
@click.option("--public-key", default=None, help="The verification key (base64).")
def audit_verify(source: Path | None, public_key: str | None) -> None:
    from api.audit_cli import verify
    from domain.kernel.errors import DomainError

    try:
        report = with_runtime(verify, source, public_key)
    except DomainError as refusal:
        click.echo(f"audit trail NOT VERIFIED: {refusal.code}: {refusal.message}")
        sys.exit(1)
    if report.ok:
        click.echo(f"audit trail intact: {report.checked} records verified")
        return
    click.echo(
        f"audit trail BROKEN at record {report.first_broken_seq}: {report.reason}: "
        f"{report.detail} ({report.checked} records checked)"
    )
    sys.exit(1)


@audit.command("checkpoint", help="Sign the trail's head now and append it to the log.")
def audit_checkpoint() -> None:
    from api.audit_cli import checkpoint
    from domain.kernel.errors import DomainError

    try:
        click.echo(with_runtime(checkpoint))
    except DomainError as refusal:
        click.echo(f"no checkpoint: {refusal.code}: {refusal.message}")
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
    from api.audit_cli import export

    with_runtime(export, since, until, bu_key, actor, entity, output)

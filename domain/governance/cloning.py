"""Cloning a rejected or cancelled release into a new draft, authorized and audited."""

from __future__ import annotations

from domain.governance import commands as cmd
from domain.governance import release_rules as rules
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import Release
from domain.governance.releases import add_release, lines_and_authors, release_for_update
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

CLONEABLE = frozenset({ReleaseStatus.REJECTED, ReleaseStatus.CANCELLED})
"""A release is cloned only once it is over without having shipped."""

_SUFFIX = " (clone)"


def clone_title(title: str) -> str:
    """The original's title marked as a clone, within the title's length."""
    return title[: rules.TITLE_MAX - len(_SUFFIX)] + _SUFFIX


async def clone_release(uow: UnitOfWork, c: cmd.CloneRelease) -> Release:
    """Draft a release again from a rejected or cancelled one: its documentation, services,
    owner, authors, environments, regions and change types (so its sign-off requirements)
    carry over; votes, sign-offs, approvals, risk assessments and the planned window do not."""
    original = await release_for_update(uow, c.release_id)
    rule = uow.authorize(Action.CREATE, Resource.RELEASE, original.bu_id)
    if original.status not in CLONEABLE:
        raise DomainError(
            f"Only a rejected or cancelled release is cloned; this one is {original.status}.",
            code=Code.NOT_CLONEABLE,
            field="id",
        )
    lines, authors = await lines_and_authors(uow, original.id)
    now = uow.clock.now()
    release = Release(
        bu_id=original.bu_id,
        title=rules.check_title(clone_title(original.title) if c.title is None else c.title),
        description=original.description,
        release_type=original.release_type,
        status=ReleaseStatus.DRAFT,
        owner_id=original.owner_id,
        change_types=list(original.change_types),
        environments=list(original.environments),
        regions=list(original.regions),
        documentation={k: dict(v) for k, v in (original.documentation or {}).items()},
        checked_templates=[],
        status_reason="",
        cloned_from_id=original.id,
        created_at=now,
        updated_at=now,
    )
    return await add_release(uow, release, lines, authors, action="release.clone", rule=rule)

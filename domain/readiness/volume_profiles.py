"""Setting a service's production volume profile (audited); the decision reads it through
domain.readiness.volume_facts."""

from __future__ import annotations

from domain.kernel.access import Action, Resource
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.readiness import volume_repository as repo
from domain.readiness.volume_commands import SetVolumeProfile
from domain.readiness.volume_errors import VolumeErrorCode as Code
from domain.readiness.volume_models import VolumeProfile
from domain.readiness.volume_rules import check_volume
from domain.readiness.volume_vocabulary import Dimension, VolumeSource


async def set_profile(uow: UnitOfWork, c: SetVolumeProfile) -> VolumeProfile:
    """Set (or replace) the production volume of a service; unset dimensions are not compared."""
    scope = uow.scope(Action.READ, Resource.SERVICE)
    service = await org_facts.service(uow.session, c.service_id, readable_in=scope)
    rule = uow.authorize(Action.UPDATE, Resource.VOLUME_PROFILE, service.bu_id)
    figures = check_volume(
        {
            Dimension.ROWS: c.rows,
            Dimension.REQUESTS_PER_SECOND: c.requests_per_second,
            Dimension.PAYLOAD_BYTES: c.payload_bytes,
        },
        required=True,
    )
    source = choice(VolumeSource, c.source, Code.INVALID_SOURCE, "source")
    now = uow.clock.now()
    profile = await repo.profile_of_service(uow.session, service.id, for_update=True)
    values = {
        "rows": figures.get(Dimension.ROWS),
        "requests_per_second": figures.get(Dimension.REQUESTS_PER_SECOND),
        "payload_bytes": figures.get(Dimension.PAYLOAD_BYTES),
        "source": source.value,
        "measured_at": c.measured_at,
        "updated_by_id": uow.actor.person_id,
    }
    if profile is None:
        profile = VolumeProfile(
            service_id=service.id, bu_id=service.bu_id, created_at=now, updated_at=now, **values
        )
        await uow.created(profile, action="volume_profile.set", bu_id=service.bu_id, rule=rule)
        return profile
    if c.version is not None:
        expect_version(profile, c.version, "The volume profile")
    before = snapshot(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    await uow.updated(profile, before, action="volume_profile.set", bu_id=service.bu_id, rule=rule)
    return profile

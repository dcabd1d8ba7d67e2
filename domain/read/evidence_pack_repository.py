"""The SQL behind evidence packs: what belongs to a release, and the audit records about it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from domain.calendar.models import DeploymentWindow, FreezeException
from domain.compliance.models import AuditRecord, Bypass, BypassReview
from domain.governance.models import GoNoGoSession, SignOff, Vote
from domain.pipelines.promotion_models import Promotion, PromotionApproval
from domain.pipelines.unauthorized_models import PromotionLink, UnauthorizedChange
from domain.risk.models import PeerReview, RiskAssessment

AUDIT = AuditRecord.__table__


def _ids(entity_type: str, column: Any, *where: Any) -> Select[str, str]:
    return select(literal(entity_type).label("t"), cast(column, String).label("i")).where(*where)


def _related(release_id: uuid.UUID) -> list[Select[str, str]]:
    sessions = select(GoNoGoSession.id).where(GoNoGoSession.release_id == release_id)
    bypasses = select(Bypass.id).where(Bypass.release_id == release_id).scalar_subquery()
    promotions = select(Promotion.id).where(Promotion.release_id == release_id).scalar_subquery()
    return [
        _ids("sign_off", SignOff.id, SignOff.release_id == release_id),
        _ids("go_no_go", GoNoGoSession.id, GoNoGoSession.release_id == release_id),
        _ids("vote", Vote.id, Vote.session_id.in_(sessions.scalar_subquery())),
        _ids("freeze_exception", FreezeException.id, FreezeException.release_id == release_id),
        _ids("deployment_window", DeploymentWindow.id, DeploymentWindow.release_id == release_id),
        _ids("risk_assessment", RiskAssessment.id, RiskAssessment.release_id == release_id),
        _ids("peer_review", PeerReview.id, PeerReview.release_id == release_id),
        _ids("bypass", Bypass.id, Bypass.release_id == release_id),
        _ids("bypass_review", BypassReview.id, BypassReview.bypass_id.in_(bypasses)),
        _ids("promotion", Promotion.id, Promotion.release_id == release_id),
        _ids(
            "promotion_approval",
            PromotionApproval.id,
            PromotionApproval.promotion_id.in_(promotions),
        ),
        _ids("promotion_link", PromotionLink.id, PromotionLink.release_id == release_id),
        _ids(
            "unauthorized_change",
            UnauthorizedChange.id,
            UnauthorizedChange.release_id == release_id,
        ),
    ]


async def related_entities(session: AsyncSession, release_id: uuid.UUID) -> dict[str, list[str]]:
    """Per audit entity type, the ids of everything recorded about the release (one statement)."""
    rows = (await session.execute(union_all(*_related(release_id)))).all()
    out: dict[str, list[str]] = {"release": [str(release_id)]}
    for entity_type, entity_id in rows:
        # Ids are stored as text in the audit trail; PostgreSQL casts a uuid with dashes too.
        out.setdefault(entity_type, []).append(str(uuid.UUID(str(entity_id))))
    return out


async def records_about(
    session: AsyncSession, entities: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    """Every audit record about those entities, in chain order (uses the entity index)."""
    criteria = [
        and_(AUDIT.c.entity_type == t, AUDIT.c.entity_id.in_(list(ids)))
        for t, ids in entities.items()
        if ids
    ]
    if not criteria:
        return []
    stmt = select(AUDIT).where(or_(*criteria)).order_by(AUDIT.c.seq)
    return [dict(r) for r in (await session.execute(stmt)).mappings().all()]


async def unauthorized_counts(session: AsyncSession, release_id: uuid.UUID) -> dict[str, int]:
    """How many unauthorized changes of the release there are, per status (one statement)."""
    stmt = (
        select(UnauthorizedChange.status, func.count())
        .where(UnauthorizedChange.release_id == release_id)
        .group_by(UnauthorizedChange.status)
    )
    return {status: count for status, count in (await session.execute(stmt)).all()}

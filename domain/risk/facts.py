"""What the risk context publishes to the contexts above it: batched fact readers.

The inputs of a release's assessment (its facts, the core model, the BU's effective mapping),
the assessment itself over guardrails the caller already holds, and the peer reviews of a
release, as plain frozen values.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.vocabulary import RiskLevel
from domain.risk import factors, rules, versions
from domain.risk import repository as repo
from domain.risk.assessment_rules import Guardrails, RiskInputs, RiskResult, assess
from domain.risk.model import Overlay, RiskMapping
from domain.risk.review_rules import Review
from domain.risk.scoring import RiskFacts, Size


async def risk_inputs(
    session: AsyncSession,
    release_id: uuid.UUID,
    bu_id: uuid.UUID,
    now: datetime,
    size: Size | None = None,
) -> RiskInputs:
    """What a release is assessed on now. Without a size, the size of its latest stored
    assessment is used (if any)."""
    if size is None:
        latest = (await repo.latest_assessments(session, [release_id])).get(release_id)
        if latest is not None:
            size = RiskFacts.from_json(latest.facts).size
    facts = (await factors.gather(session, [release_id], now, {release_id: size}))[release_id]
    model = await versions.current_model(session)
    overlay, mapping_version = await versions.current_overlay(session, bu_id)
    label = f"bu:{await repo.bu_key(session, bu_id)}"
    mapping = rules.effective(model.mapping, overlay, label).mapping
    return RiskInputs(release_id, bu_id, facts, model, mapping, mapping_version)


async def assessment_of(
    session: AsyncSession,
    release_id: uuid.UUID,
    bu_id: uuid.UUID,
    now: datetime,
    guardrails: Sequence[Guardrails],
) -> RiskResult:
    """The release's assessment now, over the effective guardrails of the services it ships
    (given, not recomputed); nothing is written."""
    return assess(await risk_inputs(session, release_id, bu_id, now), guardrails)


async def peer_reviews_of(session: AsyncSession, release_id: uuid.UUID) -> tuple[Review, ...]:
    """The peer reviews of a release, oldest first (one statement)."""
    rows = (await repo.reviews_of_releases(session, [release_id])).get(release_id, [])
    return tuple(Review(r.reviewer_id, r.reviewer_username, r.verdict) for r in rows)


@dataclass(frozen=True, slots=True)
class ThresholdChange:
    """A risk level's score threshold to save: in the core model (`bu_id` None) or a BU's
    mapping, following `version`; `thresholds` and `requirements` are what the save is given
    (a BU's mapping is saved whole, so its other values are carried)."""

    bu_id: uuid.UUID | None
    version: int
    thresholds: Mapping[RiskLevel, float]
    requirements: Mapping[RiskLevel, Mapping[Any, Any]]


async def threshold_change(
    session: AsyncSession, bu_id: uuid.UUID | None, level: RiskLevel, score: float
) -> ThresholdChange:
    """Setting `level`'s threshold to `score`, refused with this context's codes as its save
    would refuse it now (thresholds ascending; a BU's never looser than the core)."""
    if bu_id is None:
        model = await versions.current_model(session)
        thresholds = {**model.mapping.thresholds, level: score}
        mapping = RiskMapping(thresholds, model.mapping.requirements)
        rules.check_model(replace(model, version=model.version + 1, mapping=mapping))
        return ThresholdChange(None, model.version, {level: score}, {})
    overlay, version = await versions.current_overlay(session, bu_id)
    overlay = overlay or Overlay()
    changed = Overlay({**overlay.thresholds, level: score}, dict(overlay.requirements))
    await versions.checked_overlay(session, changed)
    return ThresholdChange(bu_id, version, changed.thresholds, changed.requirements)

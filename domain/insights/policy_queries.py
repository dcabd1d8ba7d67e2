"""Reads of retrospectives and policy proposals for the API: batched for DataLoaders, scoped by
the BUs where the caller may read them (outside that scope reads as absent); and the figures
before and after an applied proposal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.compliance import window_facts as bypass_facts
from domain.governance import window_facts as decision_facts
from domain.insights import dora_queries
from domain.insights import policy_repository as repo
from domain.insights.policy_metrics_rules import Counts, Figures, figures, waits_in
from domain.insights.policy_metrics_rules import windows as windows_of
from domain.kernel.access import Resource
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, readable_groups, scoped_page
from domain.pipelines import window_facts as production_facts

retrospectives = scoped_page(Resource.RETROSPECTIVE, repo.retrospectives_page)
"""Retrospectives you may read, oldest recorded first (by BU, by team)."""

retrospectives_by_id = readable_by_id(Resource.RETROSPECTIVE, repo.retrospectives_by_ids)

proposals = scoped_page(Resource.POLICY_PROPOSAL, repo.proposals_page)
"""Policy proposals you may read, oldest first (by BU, by status)."""

proposals_by_id = readable_by_id(Resource.POLICY_PROPOSAL, repo.proposals_by_ids)

proposals_of_origins = readable_groups(Resource.POLICY_PROPOSAL, repo.proposals_of_origins)
"""The proposals you may read made from these retrospectives or post-mortems."""


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """The proposal's BU over the `days` before and after the change was applied."""

    days: int
    before: Figures
    after: Figures
    dora: Any = None
    """DORA's four keys of the BU over the same windows (`dora_queries.summary` of each)."""


@dataclass(frozen=True, slots=True)
class BeforeAfterAsk:
    """The figures of a BU around the moment a proposal was applied (None: not yet)."""

    bu_id: uuid.UUID
    applied_at: datetime | None
    days: int
    now: datetime


async def before_after(r: Reader, asks: list[BeforeAfterAsk]) -> list[BeforeAfter | None]:
    """The figures for many asks at once (a page of proposals): five statements through
    pipelines', compliance's and governance's published facts, and two of the change ledger
    for DORA's four keys, whatever their number."""
    windows = {
        i: windows_of(a.applied_at, a.days, a.now)
        for i, a in enumerate(asks)
        if a.applied_at is not None
    }
    spans_of = [(asks[i].bu_id, w) for i, pair in windows.items() for w in pair]
    spans = [(bu, w.start, w.end) for bu, w in spans_of]
    production = await production_facts.production_counts(r.session, spans)
    bypasses = await bypass_facts.bypass_counts(r.session, spans)
    decided = await decision_facts.decisions(r.session, spans)
    by_bu: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {}
    for d in decided:
        by_bu.setdefault(d.bu_id, []).append((d.submitted_at, d.decided_at))
    counts = [
        Counts(p.deployments, p.rolled_back, p.incidents, b, waits_in(w, by_bu.get(bu, [])))
        for p, b, (bu, w) in zip(production, bypasses, spans_of, strict=True)
    ]
    dora = await dora_queries.per_group(r.session, "bu_id", spans)
    found: dict[int, BeforeAfter] = {}
    for k, (i, (before, after)) in enumerate(windows.items()):
        was, now = counts[2 * k], counts[2 * k + 1]
        keys = {
            "before": dora_queries.summary(dora[2 * k]),
            "after": dora_queries.summary(dora[2 * k + 1]),
        }
        found[i] = BeforeAfter(asks[i].days, figures(before, was), figures(after, now), keys)
    return [found.get(i) for i in range(len(asks))]

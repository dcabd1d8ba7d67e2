"""The one step from a change type that stands out to a policy proposal: the analysis is
recomputed now from the ledger the caller may read (the client's figures are never trusted);
when the type still stands out and the control suggested for it still applies, the analysis is
recorded and a draft proposal made from it, its origin, in one unit of work, both audited.
The proposal then follows the policy flow (submit, approve, apply) like any other."""

from __future__ import annotations

from dataclasses import dataclass

from domain.insights import dora_queries, failure_queries
from domain.insights import failure_rules as rules
from domain.insights import failure_suggestions as advice
from domain.insights import policy_service as policy
from domain.insights.failure_commands import ProposeFromChangeFailures
from domain.insights.failure_errors import FailureErrorCode as Code
from domain.insights.failure_models import ChangeFailureAnalysis
from domain.insights.policy_models import PolicyProposal
from domain.insights.policy_vocabulary import OriginKind
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.rules import choice, trimmed
from domain.kernel.uow import UnitOfWork

RATIONALE_MAX = 2000


@dataclass(frozen=True, slots=True)
class Proposed:
    proposal: PolicyProposal
    analysis: ChangeFailureAnalysis


def _scope_record(c: ProposeFromChangeFailures) -> dict[str, str | None]:
    s = c.scope
    return {
        "business_unit_id": None if s.bu_id is None else str(s.bu_id),
        "team_id": None if s.team_id is None else str(s.team_id),
        "service_id": None if s.service_id is None else str(s.service_id),
        "tier": s.tier,
    }


def _still_standing(
    report: failure_queries.FailureReport, change_type: str, control: advice.Control
) -> tuple[rules.Group, advice.Suggestion]:
    """The change type's figures and the suggestion of `control` for it, in the analysis
    recomputed now; refused when either no longer stands."""
    group = next((g for g in report.analysis.standing_out if g.change_type == change_type), None)
    if group is None:
        found = next((g for g in report.analysis.by_type if g.change_type == change_type), None)
        why = found.verdict if found else f"{change_type}: no changes counted."
        raise DomainError(
            f"The change type does not stand out now. {why}",
            code=Code.NOT_STANDING_OUT,
            field="changeType",
        )
    suggestion = next(
        (s for s in report.suggestions.get(change_type, ()) if s.control is control), None
    )
    if suggestion is None:
        raise DomainError(
            "That control is already in place where the suggestion lands.",
            code=Code.SUGGESTION_NO_LONGER_STANDS,
            field="control",
        )
    return group, suggestion


async def propose_from_change_failures(uow: UnitOfWork, c: ProposeFromChangeFailures) -> Proposed:
    """Draft a proposal from a change type that stands out, with the control suggested for it;
    NOT_STANDING_OUT or SUGGESTION_NO_LONGER_STANDS when the analysis recomputed now disagrees."""
    bu_id = c.scope.bu_id or c.business_unit_id
    if bu_id is None:
        raise DomainError(
            "Name the business unit the proposal is read in.",
            code=Code.BUSINESS_UNIT_REQUIRED,
            field="businessUnitId",
        )
    rule = uow.authorize(Action.CREATE, Resource.POLICY_PROPOSAL, bu_id)
    control = choice(advice.Control, c.control, Code.SUGGESTION_NO_LONGER_STANDS, "control")
    t = rules.thresholds(c.factor, c.min_changes)
    note = trimmed(
        c.rationale,
        0,
        RATIONALE_MAX,
        f"A rationale is at most {RATIONALE_MAX} characters.",
        code=Code.INVALID_RATIONALE,
        field="rationale",
    )
    start, end = dora_queries.period(c.since, c.until, uow.clock.now())
    scope = uow.scope(Action.READ, Resource.CHANGE_LEDGER)
    report = await failure_queries.analysed(uow.session, scope, c.scope, start, end, c.failure, t)
    group, suggestion = _still_standing(report, c.change_type, control)
    analysis = ChangeFailureAnalysis(
        bu_id=bu_id,
        scope=_scope_record(c),
        since=start,
        until=end,
        failure=c.failure.value,
        factor=t.factor,
        min_changes=t.min_changes,
        change_type=c.change_type,
        control=control.value,
        figures={"type": group.figures.as_dict(), "overall": report.analysis.overall.as_dict()},
        reason=suggestion.reason,
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(analysis, action="change_failure_analysis.record", bu_id=bu_id, rule=rule)
    rationale = f"{suggestion.reason} {note}".strip()
    proposal = await policy.draft(
        uow, bu_id, OriginKind.CHANGE_FAILURES, analysis.id, suggestion.target, rationale, rule
    )
    return Proposed(proposal, analysis)

"""Pure rules of approval boards: the decision rule and how a go/no-go session decides.

The decision, in this order (the first clause that applies decides):

1. **Veto.** A no-go from a member of a veto discipline decides NO_GO, whatever the count
   and even before quorum.
2. **Quorum.** Every vote cast counts towards quorum, abstentions included; fewer than
   `quorum` votes is NO_QUORUM.
3. **Required disciplines.** Each required discipline (the board's own and the guardrails')
   must have cast at least one go or no-go vote (an abstention is not a view); one absent is
   NO_QUORUM.
4. **Guardrail disciplines.** Each discipline the `go_no_go_disciplines` guardrail of the
   release's services names must have cast a go vote; one that voted only no-go is NO_GO.
5. **Approvals.** GO when go votes reach `approvals_needed` and outnumber no-go votes;
   otherwise NO_GO.

Outcome and clause depend on the multiset of votes only, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.vocabulary import SessionOutcome, VoteChoice
from domain.kernel.errors import DomainError
from domain.organization.vocabulary import Discipline


@dataclass(frozen=True, slots=True)
class BoardRule:
    quorum: int
    approvals_needed: int
    required_disciplines: frozenset[str]
    veto_disciplines: frozenset[str]
    go_disciplines: frozenset[str] = frozenset()
    """Disciplines that must each vote go: the `go_no_go_disciplines` guardrail of the
    release's services, copied into a session's rule when it opens (a board has none)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "quorum": self.quorum,
            "approvals_needed": self.approvals_needed,
            "required_disciplines": sorted(self.required_disciplines),
            "veto_disciplines": sorted(self.veto_disciplines),
            "go_disciplines": sorted(self.go_disciplines),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BoardRule:
        return cls(
            quorum=int(raw["quorum"]),
            approvals_needed=int(raw["approvals_needed"]),
            required_disciplines=frozenset(raw.get("required_disciplines") or ()),
            veto_disciplines=frozenset(raw.get("veto_disciplines") or ()),
            go_disciplines=frozenset(raw.get("go_disciplines") or ()),
        )


@dataclass(frozen=True, slots=True)
class Ballot:
    voter: str
    discipline: str
    choice: VoteChoice


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: SessionOutcome
    clause: str


def check_disciplines(values: Iterable[str], field: str) -> frozenset[str]:
    out = set()
    for value in values:
        try:
            out.add(str(Discipline(value)))
        except ValueError:
            allowed = ", ".join(d.value for d in Discipline)
            raise DomainError(
                f"'{value}' is not one of: {allowed}.", code=Code.INVALID_DISCIPLINE, field=field
            ) from None
    return frozenset(out)


def check_rule(
    *,
    quorum: int,
    approvals_needed: int,
    required_disciplines: Iterable[str],
    veto_disciplines: Iterable[str],
) -> BoardRule:
    """A rule that can be met: at least one vote and one approval, within 1..100."""
    if not 1 <= quorum <= 100:
        raise DomainError(
            "Quorum is between 1 and 100 votes.", code=Code.INVALID_BOARD_RULE, field="quorum"
        )
    if not 1 <= approvals_needed <= 100:
        raise DomainError(
            "Approvals needed is between 1 and 100.",
            code=Code.INVALID_BOARD_RULE,
            field="approvalsNeeded",
        )
    return BoardRule(
        quorum=quorum,
        approvals_needed=approvals_needed,
        required_disciplines=check_disciplines(required_disciplines, "requiredDisciplines"),
        veto_disciplines=check_disciplines(veto_disciplines, "vetoDisciplines"),
    )


def check_rationale(choice: VoteChoice, rationale: str) -> str:
    rationale = rationale.strip()
    if choice is VoteChoice.NO_GO and not rationale:
        raise DomainError("A no-go vote says why.", code=Code.RATIONALE_REQUIRED, field="rationale")
    return rationale[:4000]


def decide(rule: BoardRule, ballots: Iterable[Ballot]) -> Decision:
    """The session's outcome under `rule`, and the clause that produced it, in words."""
    votes = list(ballots)
    vetoes = sorted(
        (b.discipline, b.voter)
        for b in votes
        if b.choice is VoteChoice.NO_GO and b.discipline in rule.veto_disciplines
    )
    if vetoes:
        who = "; ".join(f"{d} voted no-go ({v})" for d, v in vetoes)
        return Decision(SessionOutcome.NO_GO, f"veto: {who}")
    if len(votes) < rule.quorum:
        return Decision(
            SessionOutcome.NO_QUORUM,
            f"no quorum: {len(votes)} of {rule.quorum} votes cast",
        )
    present = {b.discipline for b in votes if b.choice is not VoteChoice.ABSTAIN}
    absent = sorted((rule.required_disciplines | rule.go_disciplines) - present)
    if absent:
        return Decision(
            SessionOutcome.NO_QUORUM,
            "no quorum: required disciplines without a go or no-go vote: "
            + ", ".join(_named(d, rule) for d in absent),
        )
    without_go = sorted(
        rule.go_disciplines - {b.discipline for b in votes if b.choice is VoteChoice.GO}
    )
    if without_go:
        return Decision(
            SessionOutcome.NO_GO,
            f"the guardrails need a go vote from {', '.join(sorted(rule.go_disciplines))}; "
            f"no go vote from {', '.join(without_go)}",
        )
    go = sum(1 for b in votes if b.choice is VoteChoice.GO)
    no_go = sum(1 for b in votes if b.choice is VoteChoice.NO_GO)
    if go < rule.approvals_needed:
        return Decision(SessionOutcome.NO_GO, f"approvals {go} < {rule.approvals_needed}")
    if go <= no_go:
        return Decision(
            SessionOutcome.NO_GO,
            f"approvals {go} ≥ {rule.approvals_needed} but no-go votes {no_go} ≥ go votes {go}",
        )
    return Decision(
        SessionOutcome.GO,
        f"approvals {go} ≥ {rule.approvals_needed}, go outnumbers no-go {go} to {no_go}"
        f"{_present(rule)}",
    )


def _named(discipline: str, rule: BoardRule) -> str:
    """A discipline as the clause names it: marked when only the guardrails require it."""
    return discipline if discipline in rule.required_disciplines else f"{discipline} (guardrails)"


def _present(rule: BoardRule) -> str:
    parts = []
    if rule.required_disciplines:
        parts.append(
            f"required disciplines present ({', '.join(sorted(rule.required_disciplines))})"
        )
    if rule.go_disciplines:
        parts.append(
            f"go votes from the guardrails' disciplines ({', '.join(sorted(rule.go_disciplines))})"
        )
    return "".join(f" and {p}" for p in parts)

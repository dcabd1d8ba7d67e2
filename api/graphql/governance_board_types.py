"""GraphQL types of approval boards and go/no-go sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.governance_types import (
    Release,
    SessionOutcome,
    SessionStatus,
    VoteChoice,
)
from api.graphql.organization_types import BusinessUnit, Discipline, Person
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from domain.governance import board_rules
from domain.governance import vocabulary as governance_vocabulary
from domain.organization import vocabulary as organization_vocabulary


@strawberry.type(description="How a board decides (see the decision rule in the docs).")
class BoardRule:
    quorum: int = strawberry.field(
        description="Votes cast, abstentions included, needed to decide."
    )
    approvals_needed: int = strawberry.field(
        description="Go votes needed (and they must outnumber no-go)."
    )
    required_disciplines: list[Discipline] = strawberry.field(
        description="Each must cast a go or no-go vote."
    )
    veto_disciplines: list[Discipline] = strawberry.field(
        description="A no-go from one of these decides NO_GO regardless of the count."
    )

    go_disciplines: list[Discipline] = strawberry.field(
        description="Each must vote go for a GO: the `go_no_go_disciplines` guardrail of the "
        "services the release ships, as it stood when the session opened (empty on a board, "
        "whose rule is not yet applied to a release)."
    )

    @classmethod
    def from_rule(cls, rule: board_rules.BoardRule) -> BoardRule:
        return from_columns(
            cls,
            rule,
            required_disciplines=_disciplines(rule.required_disciplines),
            veto_disciplines=_disciplines(rule.veto_disciplines),
            go_disciplines=_disciplines(rule.go_disciplines),
        )


def _disciplines(keys: frozenset[str]) -> list[organization_vocabulary.Discipline]:
    return [organization_vocabulary.Discipline(d) for d in sorted(keys)]


@strawberry.type(description="A member of a board, in one discipline.")
class BoardMember:
    person: Person
    discipline: Discipline


@strawberry.type(description="An approval board (org-wide, or of a BU) and its decision rule.")
class Board(Node):
    id: strawberry.ID
    key: str
    name: str
    rule: BoardRule
    version: int
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Board:
        return from_columns(
            cls,
            r,
            rule=BoardRule.from_rule(
                board_rules.BoardRule.from_dict(
                    {
                        "quorum": r.quorum,
                        "approvals_needed": r.approvals_needed,
                        "required_disciplines": r.required_disciplines,
                        "veto_disciplines": r.veto_disciplines,
                    }
                )
            ),
        )

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid", "Null for an org board.")

    @strawberry.field
    async def members(self, info: Info) -> list[BoardMember]:
        rows = await info.context.loaders.board_members.load(self.uid)
        return [
            BoardMember(
                person=Person.from_row(r),
                discipline=organization_vocabulary.Discipline(r._discipline),
            )
            for r in rows
        ]


@strawberry.type(description="A board member's vote in a go/no-go session.")
class Vote:
    voter_name: str
    discipline: Discipline
    choice: VoteChoice
    rationale: str
    cast_at: datetime
    changed_at: datetime | None
    person_uid: strawberry.Private[uuid.UUID]

    voter = node_field(Person, "person", "person_uid")


@strawberry.type(description="What the rule says about the votes so far (or when it closed).")
class Decision:
    outcome: SessionOutcome
    rule_clause: str = strawberry.field(description="The clause of the rule that produced it.")


@strawberry.type(description="Where you stand in a go/no-go session.")
class ViewerStanding:
    may_vote: bool
    discipline: Discipline | None = strawberry.field(  # type: ignore[valid-type]
        description="Your discipline on the board."
    )
    reason: str


@strawberry.type(description="A release's go/no-go meeting with one board.")
class GoNoGoSession(Node):
    id: strawberry.ID
    status: SessionStatus
    rule: BoardRule = strawberry.field(description="The board's rule as it stood at opening.")
    opened_at: datetime
    closed_at: datetime | None
    outcome: SessionOutcome | None
    decided_by_rule: str | None = strawberry.field(
        description="The clause that decided, and what it did to the release."
    )
    version: int
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID]
    board_uid: strawberry.Private[uuid.UUID]
    opened_by_uid: strawberry.Private[uuid.UUID | None]
    rule_raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, r: Any) -> GoNoGoSession:
        rule = board_rules.BoardRule.from_dict(r.rule)
        return from_columns(cls, r, rule=BoardRule.from_rule(rule), rule_raw=dict(r.rule))

    release = node_field(Release, "release", "release_uid")
    board = node_field(Board, "board", "board_uid")

    opened_by = node_field(Person, "person", "opened_by_uid")

    @strawberry.field(
        description="Whether you may vote in this session now, for which discipline, and why not."
    )
    async def viewer(self, info: Info) -> ViewerStanding | None:
        found = await info.context.loaders.session_standing.load(self.uid)
        if found is None:
            return None
        discipline = (
            organization_vocabulary.Discipline(found.discipline) if found.discipline else None
        )
        return ViewerStanding(may_vote=found.may_vote, discipline=discipline, reason=found.reason)

    @strawberry.field(description="Votes in the order they were first cast.")
    async def votes(self, info: Info) -> list[Vote]:
        return [_vote(r) for r in await info.context.loaders.session_votes.load(self.uid)]

    @strawberry.field(description="The rule applied to the votes cast so far.")
    async def current_decision(self, info: Info) -> Decision:
        rows = await info.context.loaders.session_votes.load(self.uid)
        ballots = [
            board_rules.Ballot(
                r.display_name, r.discipline, governance_vocabulary.VoteChoice(r.choice)
            )
            for r in rows
        ]
        d = board_rules.decide(board_rules.BoardRule.from_dict(self.rule_raw), ballots)
        return Decision(outcome=d.outcome, rule_clause=d.clause)


def _vote(r: Any) -> Vote:
    return Vote(
        voter_name=r.display_name,
        discipline=organization_vocabulary.Discipline(r.discipline),
        choice=governance_vocabulary.VoteChoice(r.choice),
        rationale=r.rationale,
        cast_at=r.cast_at,
        changed_at=r.changed_at,
        person_uid=r.person_id,
    )

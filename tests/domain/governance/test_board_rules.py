"""The go/no-go decision: a pure function over the rule and the votes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.governance import board_rules as br
from domain.governance.vocabulary import SessionOutcome as O
from domain.governance.vocabulary import VoteChoice as V
from domain.kernel.errors import DomainError
from domain.organization.vocabulary import Discipline

DISCIPLINES = st.sampled_from([d.value for d in Discipline])
ballots = st.lists(
    st.builds(
        br.Ballot,
        voter=st.sampled_from(["Ada", "Bo", "Cy", "Di", "Ed"]),
        discipline=DISCIPLINES,
        choice=st.sampled_from(list(V)),
    ),
    max_size=8,
)
rules = st.builds(
    br.BoardRule,
    quorum=st.integers(1, 6),
    approvals_needed=st.integers(1, 5),
    required_disciplines=st.frozensets(DISCIPLINES, max_size=2),
    veto_disciplines=st.frozensets(DISCIPLINES, max_size=2),
    go_disciplines=st.frozensets(DISCIPLINES, max_size=2),
)


def rule(**kw: object) -> br.BoardRule:
    base = {
        "quorum": 3,
        "approvals_needed": 2,
        "required_disciplines": frozenset(),
        "veto_disciplines": frozenset({"security"}),
    }
    return br.BoardRule(**{**base, **kw})  # type: ignore[arg-type]


def vote(voter: str, discipline: str, choice: V) -> br.Ballot:
    return br.Ballot(voter, discipline, choice)


class TestAVetoAlwaysWins:
    @given(r=rules, votes=ballots, data=st.data())
    def test_a_no_go_from_a_veto_discipline_decides_no_go(
        self, r: br.BoardRule, votes: list[br.Ballot], data: st.DataObject
    ) -> None:
        if not r.veto_disciplines:
            return
        discipline = data.draw(st.sampled_from(sorted(r.veto_disciplines)))
        decision = br.decide(r, [*votes, vote("Vera", discipline, V.NO_GO)])
        assert decision.outcome is O.NO_GO
        assert decision.clause.startswith("veto: ")
        assert f"{discipline} voted no-go (Vera)" in decision.clause

    def test_the_clause_names_the_vetoing_discipline_and_person(self) -> None:
        votes = [vote(n, "engineering", V.GO) for n in ("A", "B", "C")] + [
            vote("Ada Okafor", "security", V.NO_GO)
        ]
        assert br.decide(rule(), votes) == br.Decision(
            O.NO_GO, "veto: security voted no-go (Ada Okafor)"
        )


class TestAddingAGoVoteNeverHurts:
    @given(r=rules, votes=ballots, discipline=DISCIPLINES)
    def test_go_stays_go_when_another_member_votes_go(
        self, r: br.BoardRule, votes: list[br.Ballot], discipline: str
    ) -> None:
        if br.decide(r, votes).outcome is O.GO:
            assert br.decide(r, [*votes, vote("New", discipline, V.GO)]).outcome is O.GO


class TestTheOutcomeDoesNotDependOnVoteOrder:
    @given(r=rules, votes=ballots, data=st.data())
    def test_any_permutation_decides_the_same_with_the_same_words(
        self, r: br.BoardRule, votes: list[br.Ballot], data: st.DataObject
    ) -> None:
        shuffled = data.draw(st.permutations(votes))
        assert br.decide(r, shuffled) == br.decide(r, votes)


class TestQuorumAndRequiredDisciplines:
    def test_abstentions_count_towards_quorum(self) -> None:
        votes = [
            vote("A", "engineering", V.GO),
            vote("B", "product", V.GO),
            vote("C", "legal", V.ABSTAIN),
        ]
        assert br.decide(rule(), votes).outcome is O.GO
        assert br.decide(rule(), votes[:2]) == br.Decision(
            O.NO_QUORUM, "no quorum: 2 of 3 votes cast"
        )

    def test_a_required_discipline_must_say_go_or_no_go(self) -> None:
        votes = [
            vote("A", "engineering", V.GO),
            vote("B", "product", V.GO),
            vote("C", "legal", V.ABSTAIN),
        ]
        decision = br.decide(rule(required_disciplines=frozenset({"legal"})), votes)
        assert decision == br.Decision(
            O.NO_QUORUM, "no quorum: required disciplines without a go or no-go vote: legal"
        )

    def test_go_needs_the_approvals_and_a_majority_over_no_go(self) -> None:
        few = [
            vote("A", "engineering", V.GO),
            vote("B", "product", V.ABSTAIN),
            vote("C", "legal", V.ABSTAIN),
        ]
        assert br.decide(rule(), few) == br.Decision(O.NO_GO, "approvals 1 < 2")
        tied = [vote(n, "engineering", V.GO) for n in "AB"] + [
            vote(n, "product", V.NO_GO) for n in "CD"
        ]
        assert br.decide(rule(), tied).outcome is O.NO_GO
        won = [vote(n, "engineering", V.GO) for n in "ABC"] + [vote("D", "product", V.NO_GO)]
        decision = br.decide(rule(required_disciplines=frozenset({"engineering"})), won)
        assert decision == br.Decision(
            O.GO,
            "approvals 3 ≥ 2, go outnumbers no-go 3 to 1 and required disciplines present (engineering)",
        )


class TestTheGuardrailsDisciplinesMustVoteGo:
    """`go_disciplines`: the go_no_go_disciplines guardrail of the release's services."""

    majority = [vote(n, "engineering", V.GO) for n in "ABC"]

    def test_an_absent_guardrail_discipline_is_no_quorum_in_words(self) -> None:
        decision = br.decide(
            rule(go_disciplines=frozenset({"engineering", "product"})), self.majority
        )
        assert decision == br.Decision(
            O.NO_QUORUM,
            "no quorum: required disciplines without a go or no-go vote: product (guardrails)",
        )

    def test_a_no_go_from_a_guardrail_discipline_keeps_the_majority_from_go(self) -> None:
        votes = [*self.majority, vote("D", "product", V.NO_GO)]
        assert br.decide(rule(), votes).outcome is O.GO
        decision = br.decide(rule(go_disciplines=frozenset({"engineering", "product"})), votes)
        assert decision == br.Decision(
            O.NO_GO,
            "the guardrails need a go vote from engineering, product; no go vote from product",
        )

    def test_go_votes_from_each_guardrail_discipline_decide_go(self) -> None:
        votes = [*self.majority, vote("D", "product", V.GO)]
        decision = br.decide(rule(go_disciplines=frozenset({"engineering", "product"})), votes)
        assert decision == br.Decision(
            O.GO,
            "approvals 4 ≥ 2, go outnumbers no-go 4 to 0 and go votes from the guardrails' "
            "disciplines (engineering, product)",
        )

    @given(r=rules, votes=ballots)
    def test_go_always_has_a_go_vote_from_every_guardrail_discipline(
        self, r: br.BoardRule, votes: list[br.Ballot]
    ) -> None:
        if br.decide(r, votes).outcome is O.GO:
            assert r.go_disciplines <= {b.discipline for b in votes if b.choice is V.GO}

    def test_the_session_rule_keeps_them(self) -> None:
        kept = rule(go_disciplines=frozenset({"product"}))
        assert br.BoardRule.from_dict(kept.as_dict()) == kept
        assert br.BoardRule.from_dict({**kept.as_dict(), "go_disciplines": None}) == rule()


class TestRulesThatCanBeMet:
    def test_quorum_and_approvals_are_at_least_one_and_disciplines_known(self) -> None:
        ok = br.check_rule(
            quorum=1, approvals_needed=1, required_disciplines=["legal"], veto_disciplines=[]
        )
        assert ok.required_disciplines == {"legal"}
        for kw, code in (
            ({"quorum": 0}, "INVALID_BOARD_RULE"),
            ({"approvals_needed": 0}, "INVALID_BOARD_RULE"),
            ({"veto_disciplines": ["marketing"]}, "INVALID_DISCIPLINE"),
        ):
            args = {
                "quorum": 1,
                "approvals_needed": 1,
                "required_disciplines": [],
                "veto_disciplines": [],
                **kw,
            }
            with pytest.raises(DomainError) as refused:
                br.check_rule(**args)  # type: ignore[arg-type]
            assert refused.value.code == code

    def test_a_no_go_says_why(self) -> None:
        with pytest.raises(DomainError) as refused:
            br.check_rationale(V.NO_GO, "  ")
        assert refused.value.code == "RATIONALE_REQUIRED"
        assert br.check_rationale(V.GO, "") == ""

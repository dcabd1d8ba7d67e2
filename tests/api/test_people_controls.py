"""Controls about people, through GraphQL: the disciplines the guardrails want a go vote from
at a go/no-go, and the approving disciplines a risk level requires of a promotion's approvals."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import (
    BOARD_CREATE,
    CLOSE,
    OPEN,
    PAYMENTS_GO_DISCIPLINES,
    VOTE,
    approvers,
    payload,
    submitted,
)
from tests.api.promotion_support import approved_world
from tests.api.test_promotion_decision import APPROVE, REQUEST, ask, by_status


async def _session(api: Api, disciplines: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """A go/no-go session on a new payments release before a board of one new approver per
    discipline (quorum 2, 2 approvals, no veto, nothing required by the board itself)."""
    voters = await approvers(api, disciplines)
    board = payload(
        await api.gql(
            BOARD_CREATE,
            {
                "i": {
                    "businessUnitId": (await ids(api))["payments"],
                    "key": unique("cab"),
                    "name": "Board",
                    "quorum": 2,
                    "approvalsNeeded": 2,
                    "members": [{"personId": v["id"], "discipline": d} for v, d in voters],
                }
            },
        )
    )["board"]
    rel = await submitted(api)
    opened = payload(await api.gql(OPEN, {"i": {"releaseId": rel["id"], "boardId": board["id"]}}))
    assert opened["errors"] == [], opened
    return opened["goNoGoSession"], [v["username"] for v, _ in voters]


async def _close(api: Api, session: dict[str, Any], votes: dict[str, str]) -> dict[str, Any]:
    for username, choice in votes.items():
        cast = payload(
            await api.gql(
                VOTE,
                {"i": {"sessionId": session["id"], "choice": choice, "rationale": "Not yet."}},
                as_user=username,
            )
        )
        assert cast["errors"] == [], cast
    closed = payload(
        await api.gql(
            CLOSE,
            {"i": {"id": session["id"], "version": session["version"]}},
            as_user="release-manager",
        )
    )
    assert closed["errors"] == [], closed
    return closed["goNoGoSession"]  # type: ignore[no-any-return]


class TestABoardWithoutTheGuardrailsDisciplinesDoesNotApprove:
    """The payments guardrails want a go vote from engineering, product and security."""

    async def test_without_a_product_vote_the_session_has_no_quorum(self, api: Api) -> None:
        session, (eng, sec) = await _session(api, ("ENGINEERING", "SECURITY"))
        closed = await _close(api, session, {eng: "GO", sec: "GO"})
        assert closed["outcome"] == "NO_QUORUM"
        assert closed["decidedByRule"] == (
            "no quorum: required disciplines without a go or no-go vote: product (guardrails)"
        )
        assert closed["release"]["status"] == "SUBMITTED"

    async def test_a_product_no_go_keeps_a_majority_from_go(self, api: Api) -> None:
        session, (eng, prod, sec) = await _session(api, PAYMENTS_GO_DISCIPLINES)
        closed = await _close(api, session, {eng: "GO", sec: "GO", prod: "NO_GO"})
        assert closed["outcome"] == "NO_GO"
        assert closed["decidedByRule"] == (
            "the guardrails need a go vote from engineering, product, security; "
            "no go vote from product"
        )
        assert closed["release"]["status"] == "REJECTED"

    async def test_with_every_discipline_voting_go_the_board_approves(self, api: Api) -> None:
        session, voters = await _session(api, PAYMENTS_GO_DISCIPLINES)
        closed = await _close(api, session, dict.fromkeys(voters, "GO"))
        assert closed["outcome"] == "GO"
        assert closed["decidedByRule"].endswith(
            "and go votes from the guardrails' disciplines (engineering, product, security)"
        )
        assert closed["release"]["status"] == "APPROVED"


async def _waiting_promotion(api: Api) -> tuple[dict[str, Any], str]:
    """A production promotion where everything but its approvals passes, and its risk level."""
    w = await approved_world(api)
    requested = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"]
    assert by_status(requested["decision"], "PENDING") == {"approvals"}
    asked = await api.ok(
        "query($i: PromotionAskInput!) { promotionDecision(input: $i) { riskLevel } }",
        {"i": ask(w)},
        as_user="ci",
    )
    return requested["promotion"], asked["promotionDecision"]["riskLevel"].lower()


async def _approve(api: Api, promotion: dict[str, Any], username: str) -> dict[str, Any]:
    done = (
        await api.ok(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user=username,
        )
    )["promotionApprove"]
    assert done["errors"] == [], done
    return done  # type: ignore[no-any-return]


class TestApprovalsWithoutTheRiskLevelsDisciplineAreRefused:
    async def test_enough_approvals_wait_for_an_engineering_approver(self, api: Api) -> None:
        promotion, level = await _waiting_promotion(api)
        for username in ("approver", "payments-admin"):  # security, and a BU admin
            done = await _approve(api, promotion, username)
            promotion = done["promotion"]
        decision = done["decision"]
        assert not decision["allowed"] and promotion["status"] == "WAITING"
        approvals = next(g for g in decision["gates"] if g["gate"] == "APPROVALS")
        assert approvals["status"] == "PENDING"
        assert approvals["reason"].startswith(
            f"2 of 2 approvals given. No approval yet from engineering: risk {level} needs "
            "approvals from engineering."
        )

        done = await _approve(api, promotion, "eng-approver")
        assert done["decision"]["allowed"] is True, done["decision"]
        approvals = next(g for g in done["decision"]["gates"] if g["gate"] == "APPROVALS")
        assert approvals["reason"] == "3 of 2 approvals given, covering engineering."

"""The issue's governance scenarios, end to end through GraphQL."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import (
    BOARD_CREATE,
    CLOSE,
    OPEN,
    PAYMENTS_GO_DISCIPLINES,
    SIGN,
    TEMPLATE_CREATE,
    TEMPLATE_UPDATE,
    UPDATE,
    VOTE,
    approvers,
    codes,
    fill_missing,
    move,
    new_bu,
    payload,
    person,
    release,
    services,
    submitted,
)

READINESS_MISSING = {
    ("release-readiness", "rollback", "backout_criteria"),
    ("release-readiness", "impact", "assessment"),
    ("release-readiness", "testing", "evidence"),
    ("release-readiness", "communication", "plan"),
}


async def _bu_template(api: Api, bu: str, key: str) -> dict[str, Any]:
    body = await api.gql(
        TEMPLATE_CREATE,
        {
            "i": {
                "businessUnitId": bu,
                "key": key,
                "name": "Vendor notice",
                "sections": [
                    {
                        "key": "vendors",
                        "title": "Vendors",
                        "fields": [
                            {"key": "notice", "label": "Vendor notice sent", "required": True},
                            {"key": "contact", "label": "Vendor contact", "required": False},
                        ],
                    }
                ],
            }
        },
    )
    made = payload(body)
    assert made["errors"] == [], made
    return made["documentTemplate"]  # type: ignore[no-any-return]


class TestAnIncompleteReleaseIsRefusedAtSubmit:
    async def test_submit_lists_exactly_the_missing_org_and_bu_items(self, api: Api) -> None:
        bu = await new_bu(api)
        await _bu_template(api, bu, unique("vendor"))
        critical = await services(api, bu, tier="CRITICAL")
        rel = await release(
            api,
            bu,
            service_ids=critical,
            as_user="rmo",
            documentation=[{"section": "rollback", "field": "plan", "value": "Redeploy 1.9."}],
        )
        refused = await move(api, rel, "Submit", as_user="rmo")
        assert [e["code"] for e in refused["errors"]] == ["DOCUMENTATION_INCOMPLETE"]
        assert refused["release"] is None
        got = {
            (m["templateKey"], m["section"], m["field"]) for m in refused["missingDocumentation"]
        }
        org = {m for m in got if m[0] == "release-readiness"}
        bu_items = {(m[1], m[2]) for m in got if m[0] != "release-readiness"}
        assert org == READINESS_MISSING
        assert bu_items == {("vendors", "notice")}
        assert len(got) == len(refused["missingDocumentation"]) == 5

    async def test_once_filled_in_it_submits_and_keeps_the_template_versions(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        key = unique("vendor")
        template = await _bu_template(api, bu, key)
        critical = await services(api, bu, tier="CRITICAL")
        rel = await release(api, bu, service_ids=critical, as_user="rmo")
        rel = await fill_missing(api, rel, as_user="rmo")
        assert rel["completeness"] == {"complete": True, "missing": []}
        done = await move(api, rel, "Submit", as_user="rmo")
        assert done["errors"] == []
        checked = {(t["key"], t["version"]) for t in done["release"]["checkedTemplates"]}
        assert checked == {("release-readiness", 1), (key, 1)}
        revised = payload(
            await api.gql(
                TEMPLATE_UPDATE,
                {"i": {"id": template["id"], "version": 1, "name": "Vendor notice v2"}},
            )
        )
        assert revised["documentTemplate"]["version"] == 2
        assert revised["documentTemplate"]["id"] != template["id"]
        data = await api.ok(
            "query($b: ID!) { releases(filter: {businessUnitId: $b}) { nodes { checkedTemplates { key version } } } }",
            {"b": bu},
        )
        kept = {(t["key"], t["version"]) for t in data["releases"]["nodes"][0]["checkedTemplates"]}
        assert kept == checked


async def _board(api: Api, members: list[tuple[str, str]], **rule: Any) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    body = await api.gql(
        BOARD_CREATE,
        {
            "i": {
                "businessUnitId": bu,
                "key": unique("cab"),
                "name": "Change board",
                "quorum": rule.get("quorum", 3),
                "approvalsNeeded": rule.get("approvals", 2),
                "requiredDisciplines": rule.get("required", []),
                "vetoDisciplines": rule.get("veto", ["SECURITY"]),
                "members": [{"personId": p, "discipline": d} for p, d in members],
            }
        },
        as_user="payments-admin",
    )
    made = payload(body)
    assert made["errors"] == [], made
    return made["board"]  # type: ignore[no-any-return]


async def _approver_id(api: Api) -> str:
    data = await api.ok('{ people(search: "approver") { nodes { id username } } }')
    return next(n["id"] for n in data["people"]["nodes"] if n["username"] == "approver")


async def _open(api: Api, rel: dict[str, Any], board: dict[str, Any]) -> dict[str, Any]:
    opened = payload(
        await api.gql(
            OPEN, {"i": {"releaseId": rel["id"], "boardId": board["id"]}}, as_user="release-manager"
        )
    )
    assert opened["errors"] == [], opened
    return opened["goNoGoSession"]  # type: ignore[no-any-return]


async def _vote(
    api: Api, session: dict[str, Any], user: str, choice: str, why: str = ""
) -> dict[str, Any]:
    return payload(
        await api.gql(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": choice, "rationale": why}},
            as_user=user,
        )
    )


class TestASecurityVetoWinsOverAMajority:
    async def test_three_go_votes_lose_to_one_security_no_go(self, api: Api) -> None:
        voters = [
            await person(api, role="approver", discipline=d)
            for d in ("engineering", "product", "compliance")
        ]
        board = await _board(
            api,
            [
                (v["id"], d)
                for v, d in zip(voters, ("ENGINEERING", "PRODUCT", "COMPLIANCE"), strict=True)
            ]
            + [(await _approver_id(api), "SECURITY")],
            quorum=3,
            approvals=2,
        )
        rel = await submitted(api)
        session = await _open(api, rel, board)
        for v in voters:
            assert (await _vote(api, session, v["username"], "GO"))["errors"] == []
        cast = await _vote(api, session, "approver", "NO_GO", "Unpatched CVE in the TLS library.")
        assert cast["goNoGoSession"]["currentDecision"]["outcome"] == "NO_GO"
        closed = payload(
            await api.gql(
                CLOSE,
                {"i": {"id": session["id"], "version": session["version"]}},
                as_user="release-manager",
            )
        )
        s = closed["goNoGoSession"]
        assert s["status"] == "CLOSED"
        assert s["outcome"] == "NO_GO"
        assert s["decidedByRule"] == "veto: security voted no-go (Ada Okafor (Security approver))"
        assert s["release"]["status"] == "REJECTED"
        assert "veto" in s["release"]["statusReason"]

    async def test_without_the_veto_the_majority_approves(self, api: Api) -> None:
        voters = await approvers(api, (*PAYMENTS_GO_DISCIPLINES, "ENGINEERING"))
        board = await _board(api, [(v["id"], d) for v, d in voters], quorum=3, approvals=2)
        rel = await submitted(api)
        session = await _open(api, rel, board)
        for (v, _), choice in zip(voters, ("GO", "GO", "GO", "NO_GO"), strict=True):
            assert (await _vote(api, session, v["username"], choice, "risky"))["errors"] == []
        closed = payload(
            await api.gql(
                CLOSE,
                {"i": {"id": session["id"], "version": session["version"]}},
                as_user="release-manager",
            )
        )
        assert closed["goNoGoSession"]["outcome"] == "GO"
        assert closed["goNoGoSession"]["decidedByRule"].startswith("approvals 3 ≥ 2")
        assert closed["goNoGoSession"]["release"]["status"] == "APPROVED"


class TestTheReleaseOwnersVoteIsRefused:
    async def test_the_owner_cannot_vote_on_their_release(self, api: Api) -> None:
        owner = await person(api, role="approver", discipline="engineering")
        board = await _board(api, [(owner["id"], "ENGINEERING")], quorum=1, approvals=1)
        rel = await submitted(api, ownerId=owner["id"])
        session = await _open(api, rel, board)
        refused = await _vote(api, session, owner["username"], "GO")
        assert [e["code"] for e in refused["errors"]] == ["CONFLICT_OF_INTEREST"]
        assert refused["goNoGoSession"] is None

    async def test_an_author_cannot_vote_either(self, api: Api) -> None:
        author = await person(api, role="approver", discipline="engineering")
        board = await _board(api, [(author["id"], "ENGINEERING")], quorum=1, approvals=1)
        rel = await submitted(api, authorIds=[author["id"]])
        session = await _open(api, rel, board)
        assert codes(
            await api.gql(
                VOTE,
                {"i": {"sessionId": session["id"], "choice": "GO"}},
                as_user=author["username"],
            )
        ) == ["CONFLICT_OF_INTEREST"]

    async def test_a_non_member_cannot_vote(self, api: Api) -> None:
        member = await person(api, role="approver", discipline="engineering")
        board = await _board(api, [(member["id"], "ENGINEERING")], quorum=1, approvals=1)
        session = await _open(api, await submitted(api), board)
        refused = await _vote(api, session, "approver", "GO")
        assert [e["code"] for e in refused["errors"]] == ["NOT_A_MEMBER"]


class TestAnEuPersonalDataReleaseNeedsBothSignOffs:
    async def test_approval_waits_for_legal_and_compliance_then_succeeds(self, api: Api) -> None:
        eu_personal = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
        rel = await submitted(api, service_ids=eu_personal)
        states = {(s["requirement"], s["discipline"], s["status"]) for s in rel["signOffs"]}
        assert states == {
            ("data_sovereignty", "LEGAL", "MISSING"),
            ("privacy_impact", "COMPLIANCE", "MISSING"),
        }
        refused = await move(api, rel, "Approve")
        assert [e["code"] for e in refused["errors"]] == ["SIGN_OFF_MISSING"]
        assert {s["requirement"] for s in refused["missingSignOffs"]} == {
            "data_sovereignty",
            "privacy_impact",
        }
        legal = payload(
            await api.gql(
                SIGN,
                {"i": {"releaseId": rel["id"], "requirement": "data_sovereignty"}},
                as_user="legal",
            )
        )
        assert legal["errors"] == [] and legal["signOff"]["signer"]["username"] == "legal"
        still = await move(api, rel, "Approve")
        assert [e["code"] for e in still["errors"]] == ["SIGN_OFF_MISSING"]
        assert [s["requirement"] for s in still["missingSignOffs"]] == ["privacy_impact"]
        privacy = payload(
            await api.gql(
                SIGN,
                {"i": {"releaseId": rel["id"], "requirement": "privacy_impact"}},
                as_user="compliance",
            )
        )
        assert privacy["errors"] == []
        approved = await move(api, rel, "Approve")
        assert approved["errors"] == []
        assert approved["release"]["status"] == "APPROVED"
        assert {s["status"] for s in approved["release"]["signOffs"]} == {"VALID"}

    async def test_a_go_decision_does_not_approve_it_without_the_sign_offs(self, api: Api) -> None:
        voters = await approvers(api, PAYMENTS_GO_DISCIPLINES)
        board = await _board(api, [(v["id"], d) for v, d in voters], quorum=1, approvals=1)
        eu_personal = await services(api, "payments", data="PERSONAL", regions=["eu-central-1"])
        rel = await submitted(api, service_ids=eu_personal)
        session = await _open(api, rel, board)
        for v, _ in voters:
            await _vote(api, session, v["username"], "GO")
        closed = payload(
            await api.gql(
                CLOSE,
                {"i": {"id": session["id"], "version": session["version"]}},
                as_user="release-manager",
            )
        )
        s = closed["goNoGoSession"]
        assert s["outcome"] == "GO"
        assert s["release"]["status"] == "SUBMITTED"
        assert "release stays submitted" in s["decidedByRule"]
        assert "data_sovereignty (legal, missing)" in s["decidedByRule"]

    async def test_only_an_approver_of_the_matching_discipline_signs(self, api: Api) -> None:
        eu_personal = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
        rel = await submitted(api, service_ids=eu_personal)
        for user in ("approver", "rmo", "compliance"):
            body = await api.gql(
                SIGN,
                {"i": {"releaseId": rel["id"], "requirement": "data_sovereignty"}},
                as_user=user,
            )
            assert codes(body) == ["NOT_AN_APPROVER"], user

    async def test_a_revoked_sign_off_blocks_approval_again(self, api: Api) -> None:
        eu_personal = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
        rel = await submitted(api, service_ids=eu_personal)
        given = []
        for user, req in (("legal", "data_sovereignty"), ("compliance", "privacy_impact")):
            given.append(
                payload(
                    await api.gql(
                        SIGN, {"i": {"releaseId": rel["id"], "requirement": req}}, as_user=user
                    )
                )
            )
        revoked = payload(
            await api.gql(
                "mutation($i: SignOffRevokeInput!) { signOffRevoke(input: $i) { signOff { revokedAt } errors { code } } }",
                {"i": {"id": given[0]["signOff"]["id"]}},
                as_user="payments-admin",
            )
        )
        assert revoked["errors"] == [] and revoked["signOff"]["revokedAt"]
        refused = await move(api, rel, "Approve")
        assert [s["requirement"] for s in refused["missingSignOffs"]] == ["data_sovereignty"]


class TestDraftsAreEditable:
    async def test_update_merges_documentation_and_bumps_the_version(self, api: Api) -> None:
        rel = await release(api)
        data = await api.ok(
            UPDATE,
            {
                "i": {
                    "id": rel["id"],
                    "version": rel["version"],
                    "title": "Renamed",
                    "documentation": [
                        {"section": "ledger", "field": "reconciliation", "value": "None."}
                    ],
                }
            },
            as_user="release-manager",
        )
        updated = data["releaseUpdate"]["release"]
        assert updated["title"] == "Renamed"
        assert updated["version"] == rel["version"] + 1

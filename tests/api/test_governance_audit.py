"""Every governance mutation leaves its record in the audit trail."""

from __future__ import annotations

import uuid

import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.governance_support import (
    CLOSE,
    RULE_CREATE,
    RULE_UPDATE,
    SCHEDULE,
    TEMPLATE_CREATE,
    TEMPLATE_UPDATE,
    VOTE,
    audit_actions,
    fill_missing,
    given_sign_off,
    make_board,
    move,
    new_bu,
    open_session,
    payload,
    release,
    submitted,
)


class TestEveryMutationIsAudited:
    async def test_each_move_of_a_release_leaves_its_record(self, api: Api) -> None:
        rel = await release(
            api, plannedStart="2031-06-10T10:00:00Z", plannedEnd="2031-06-10T11:00:00Z"
        )
        rel = await fill_missing(api, rel)
        for verb, user in (("Submit", "release-manager"), ("Approve", "payments-admin")):
            rel = (await move(api, rel, verb, as_user=user))["release"]
        rel = payload(
            await api.gql(
                SCHEDULE,
                {"i": {"id": rel["id"], "version": rel["version"]}},
                as_user="release-manager",
            )
        )["release"]
        for verb in ("Start", "RollBack"):
            rel = (await move(api, rel, verb, as_user="sre"))["release"]
        assert await audit_actions(api, rel["id"]) == [
            "release.create",
            "release.update",
            "release.submit",
            "release.approve",
            "release.schedule",
            "release.start",
            "release.roll_back",
        ]
        other = await submitted(api)
        other = (await move(api, other, "Reject"))["release"]
        assert (await audit_actions(api, other["id"]))[-1] == "release.reject"
        done = await submitted(api)
        done = (await move(api, done, "Approve"))["release"]
        done = payload(
            await api.gql(
                SCHEDULE,
                {
                    "i": {
                        "id": done["id"],
                        "version": done["version"],
                        "plannedStart": "2031-06-11T10:00:00Z",
                        "plannedEnd": "2031-06-11T11:00:00Z",
                    }
                },
            )
        )["release"]
        for verb in ("Start", "Complete"):
            done = (await move(api, done, verb, as_user="ci"))["release"]
        assert (await audit_actions(api, done["id"]))[-1] == "release.complete"
        cancelled = (await move(api, await release(api), "Cancel"))["release"]
        assert (await audit_actions(api, cancelled["id"]))[-1] == "release.cancel"

    @pytest.mark.fault  # issue 15: an unchanged vote cast again writes no vote.change
    async def test_sessions_votes_boards_templates_rules_and_sign_offs_are_audited(
        self, api: Api
    ) -> None:
        session, voters = await open_session(api)
        await api.ok(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": "ABSTAIN"}},
            as_user=voters[0]["username"],
        )
        for voter in voters:
            await api.ok(
                VOTE,
                {"i": {"sessionId": session["id"], "choice": "GO"}},
                as_user=voter["username"],
            )
        # The same vote cast again changes nothing, so it leaves no record.
        await api.ok(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": "GO"}},
            as_user=voters[0]["username"],
        )
        closed = payload(
            await api.gql(CLOSE, {"i": {"id": session["id"], "version": session["version"]}})
        )
        assert closed["goNoGoSession"]["release"]["status"] == "APPROVED"
        assert await audit_actions(api, session["id"]) == ["go_no_go.open", "go_no_go.close"]
        assert (await audit_actions(api, session["release"]["id"]))[-1] == "release.approve"
        entity = str(from_global_id(session["id"]))
        data = await api.ok(
            '{ auditRecords(filter: {entityType: "vote"}, first: 500) { nodes { action after } } }',
            as_user="auditor",
        )
        cast = [
            (n["after"]["person_id"], n["action"])
            for n in data["auditRecords"]["nodes"]
            if n["after"]["session_id"] == entity
        ]
        first, *others = (str(from_global_id(v["id"])) for v in voters)
        assert [a for p, a in cast if p == first] == ["vote.cast", "vote.change"]
        assert sorted(p for p, a in cast if p != first) == sorted(others)
        board = await make_board(api, [])
        await api.ok(
            "mutation($i: BoardUpdateInput!) { boardUpdate(input: $i) { errors { code } } }",
            {"i": {"id": board["id"], "version": board["version"], "vetoDisciplines": ["LEGAL"]}},
        )
        assert await audit_actions(api, board["id"]) == ["board.create", "board.update"]
        bu = await new_bu(api)
        t = payload(
            await api.gql(
                TEMPLATE_CREATE,
                {
                    "i": {
                        "businessUnitId": bu,
                        "key": unique("t"),
                        "name": "T",
                        "sections": [
                            {"key": "s", "title": "S", "fields": [{"key": "f", "label": "F"}]}
                        ],
                    }
                },
            )
        )["documentTemplate"]
        t2 = payload(
            await api.gql(TEMPLATE_UPDATE, {"i": {"id": t["id"], "version": 1, "active": False}})
        )["documentTemplate"]
        assert await audit_actions(api, t["id"]) == ["document_template.create"]
        assert await audit_actions(api, t2["id"]) == ["document_template.revise"]
        rule = payload(
            await api.gql(
                RULE_CREATE,
                {
                    "i": {
                        "key": unique("r"),
                        "name": "R",
                        "requirement": "r",
                        "discipline": "LEGAL",
                        "validityDays": 1,
                        "condition": {"regionPrefixes": [f"zz-{uuid.uuid4().hex[:8]}"]},
                    }
                },
            )
        )["signOffRule"]
        await api.ok(
            RULE_UPDATE, {"i": {"id": rule["id"], "version": rule["version"], "name": "R2"}}
        )
        assert await audit_actions(api, rule["id"]) == [
            "sign_off_rule.create",
            "sign_off_rule.update",
        ]
        given = await given_sign_off(api)
        await api.ok(
            "mutation($i: SignOffRevokeInput!) { signOffRevoke(input: $i) { errors { code } } }",
            {"i": {"id": given["signOff"]["id"]}},
        )
        assert await audit_actions(api, given["signOff"]["id"]) == [
            "sign_off.give",
            "sign_off.revoke",
        ]

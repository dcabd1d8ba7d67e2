"""Governance through GraphQL: scoping, lifecycle refusals, concurrency, sessions and audit."""

from __future__ import annotations

import uuid

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import (
    CLOSE,
    OPEN,
    RULE_CREATE,
    RULE_UPDATE,
    SCHEDULE,
    SIGN,
    TEMPLATE_CREATE,
    TEMPLATE_UPDATE,
    UPDATE,
    VOTE,
    codes,
    fill_missing,
    given_sign_off,
    make_board,
    move,
    new_bu,
    open_session,
    payload,
    release,
    services,
    submitted,
)


class TestReleasesOutsideYourUnitReadAsNotFound:
    async def test_another_units_admin_neither_lists_nor_changes_it(self, api: Api) -> None:
        rel = await release(api)
        data = await api.ok("{ releases(first: 500) { nodes { id } } }", as_user="retail-admin")
        assert rel["id"] not in {n["id"] for n in data["releases"]["nodes"]}
        body = await api.gql(
            UPDATE, {"i": {"id": rel["id"], "version": 1, "title": "Mine"}}, as_user="retail-admin"
        )
        assert codes(body) == ["NOT_FOUND"]

    async def test_a_service_you_cannot_read_is_not_found(self, api: Api) -> None:
        retail = await services(api, "retail")
        body = await api.gql(
            "mutation($i: ReleaseCreateInput!) { releaseCreate(input: $i) { errors { code field } } }",
            {
                "i": {
                    "businessUnitId": (await ids(api))["payments"],
                    "title": "Cross-unit",
                    "services": [{"serviceId": retail[0], "artifactVersion": "1"}],
                }
            },
            as_user="release-manager",
        )
        assert payload(body)["errors"] == [{"code": "NOT_FOUND", "field": "services"}]

    async def test_the_rmo_may_name_any_service_it_can_read(self, api: Api) -> None:
        retail = await services(api, "retail")
        rel = await release(api, service_ids=retail, as_user="rmo")
        assert rel["owner"]["username"] == "rmo"


class TestIllegalMovesAreRefused:
    async def test_a_draft_cannot_be_approved(self, api: Api) -> None:
        rel = await release(api)
        refused = await move(api, rel, "Approve")
        assert refused["errors"][0]["code"] == "ILLEGAL_TRANSITION"
        assert "draft to approved" in refused["errors"][0]["message"]

    async def test_a_submitted_release_is_no_longer_edited(self, api: Api) -> None:
        rel = await submitted(api)
        body = await api.gql(
            UPDATE,
            {"i": {"id": rel["id"], "version": rel["version"], "title": "Late"}},
            as_user="release-manager",
        )
        assert codes(body) == ["ILLEGAL_TRANSITION"]

    async def test_a_cancelled_release_stays_cancelled(self, api: Api) -> None:
        rel = (await move(api, await release(api), "Cancel", reason="Superseded"))["release"]
        assert rel["status"] == "CANCELLED" and rel["statusReason"] == "Superseded"
        for verb in ("Submit", "Approve", "Cancel", "Start"):
            assert (await move(api, rel, verb, as_user="rmo"))["errors"][0][
                "code"
            ] == "ILLEGAL_TRANSITION"

    async def test_scheduling_needs_a_planned_window(self, api: Api) -> None:
        rel = await submitted(api)
        rel = (await move(api, rel, "Approve"))["release"]
        body = await api.gql(
            SCHEDULE, {"i": {"id": rel["id"], "version": rel["version"]}}, as_user="release-manager"
        )
        assert codes(body) == ["WINDOW_REQUIRED"]
        body = await api.gql(
            SCHEDULE,
            {
                "i": {
                    "id": rel["id"],
                    "version": rel["version"],
                    "plannedStart": "2031-05-14T10:00:00Z",
                    "plannedEnd": "2031-05-14T09:00:00Z",
                }
            },
            as_user="release-manager",
        )
        assert codes(body) == ["INVALID_WINDOW"]

    async def test_a_release_ships_something(self, api: Api) -> None:
        rel = await fill_missing(api, await release(api, service_ids=[]))
        assert (await move(api, rel, "Submit"))["errors"][0]["code"] == "SERVICES_REQUIRED"


class TestStaleVersionsConflict:
    async def test_a_release_move_from_a_stale_version_is_a_conflict(self, api: Api) -> None:
        rel = await release(api)
        await api.ok(
            UPDATE,
            {"i": {"id": rel["id"], "version": 1, "title": "First"}},
            as_user="release-manager",
        )
        body = await api.gql(
            UPDATE,
            {"i": {"id": rel["id"], "version": 1, "title": "Second"}},
            as_user="release-manager",
        )
        assert codes(body) == ["VERSION_CONFLICT"]
        assert (await move(api, rel, "Cancel"))["errors"][0]["code"] == "VERSION_CONFLICT"

    async def test_a_template_revision_from_an_old_version_is_a_conflict(self, api: Api) -> None:
        bu = await new_bu(api)
        made = payload(
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
        first = payload(
            await api.gql(TEMPLATE_UPDATE, {"i": {"id": made["id"], "version": 1, "name": "T2"}})
        )
        assert first["documentTemplate"]["version"] == 2
        again = await api.gql(
            TEMPLATE_UPDATE, {"i": {"id": made["id"], "version": 1, "name": "T3"}}
        )
        assert codes(again) == ["VERSION_CONFLICT"]

    async def test_closing_a_session_from_a_stale_version_is_a_conflict(self, api: Api) -> None:
        session, _ = await open_session(api)
        body = await api.gql(CLOSE, {"i": {"id": session["id"], "version": session["version"] + 1}})
        assert codes(body) == ["VERSION_CONFLICT"]


class TestGoNoGoSessions:
    async def test_a_vote_can_be_changed_until_the_session_closes(self, api: Api) -> None:
        session, voters = await open_session(api)
        v = voters[0]["username"]
        await api.ok(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": "NO_GO", "rationale": "Wait"}},
            as_user=v,
        )
        changed = payload(
            await api.gql(VOTE, {"i": {"sessionId": session["id"], "choice": "GO"}}, as_user=v)
        )
        votes = changed["goNoGoSession"]["votes"]
        assert [(x["choice"], x["changedAt"] is not None) for x in votes] == [("GO", True)]
        await api.ok(
            CLOSE,
            {"i": {"id": session["id"], "version": session["version"]}},
            as_user="release-manager",
        )
        late = await api.gql(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": "NO_GO", "rationale": "x"}},
            as_user=v,
        )
        assert codes(late) == ["SESSION_CLOSED"]

    async def test_a_no_go_vote_says_why(self, api: Api) -> None:
        session, voters = await open_session(api)
        body = await api.gql(
            VOTE,
            {"i": {"sessionId": session["id"], "choice": "NO_GO"}},
            as_user=voters[0]["username"],
        )
        assert payload(body)["errors"] == [
            {
                "code": "RATIONALE_REQUIRED",
                "message": "A no-go vote says why.",
                "field": "rationale",
            }
        ]

    async def test_too_few_votes_decide_nothing_and_leave_the_release_submitted(
        self, api: Api
    ) -> None:
        session, _ = await open_session(api)
        closed = payload(
            await api.gql(CLOSE, {"i": {"id": session["id"], "version": session["version"]}})
        )
        assert closed["goNoGoSession"]["outcome"] == "NO_QUORUM"
        assert closed["goNoGoSession"]["decidedByRule"] == "no quorum: 0 of 1 votes cast"
        assert closed["goNoGoSession"]["release"]["status"] == "SUBMITTED"

    async def test_one_session_at_a_time_and_none_for_a_draft(self, api: Api) -> None:
        session, _ = await open_session(api)
        rel_id = session["release"]["id"]
        board = await make_board(api, [])
        again = await api.gql(OPEN, {"i": {"releaseId": rel_id, "boardId": board["id"]}})
        assert codes(again) == ["SESSION_ALREADY_OPEN"]
        draft = await release(api)
        assert codes(
            await api.gql(OPEN, {"i": {"releaseId": draft["id"], "boardId": board["id"]}})
        ) == ["NOT_SUBMITTED"]
        approve = await move(api, session["release"], "Approve")
        assert approve["errors"][0]["code"] == "GO_NO_GO_OPEN"

    async def test_another_units_board_cannot_decide(self, api: Api) -> None:
        retail_board = await make_board(api, [], bu="retail")
        rel = await submitted(api)
        body = await api.gql(OPEN, {"i": {"releaseId": rel["id"], "boardId": retail_board["id"]}})
        assert codes(body) == ["BOARD_NOT_IN_SCOPE"]


class TestABuTemplateNeverRemovesAnOrgRequirement:
    async def test_an_optional_copy_of_an_org_field_leaves_it_required(self, api: Api) -> None:
        bu = await new_bu(api)
        await api.ok(
            TEMPLATE_CREATE,
            {
                "i": {
                    "businessUnitId": bu,
                    "key": "release-readiness",
                    "name": "Lenient",
                    "sections": [
                        {
                            "key": "rollback",
                            "title": "R",
                            "fields": [
                                {
                                    "key": "backout_criteria",
                                    "label": "Optional here",
                                    "required": False,
                                }
                            ],
                        }
                    ],
                }
            },
        )
        rel = await release(
            api, bu, service_ids=await services(api, bu, tier="CRITICAL"), as_user="rmo"
        )
        missing = {
            (m["templateKey"], m["organizationWide"], m["section"], m["field"])
            for m in rel["completeness"]["missing"]
        }
        assert ("release-readiness", True, "rollback", "backout_criteria") in missing


class TestSignOffRulesAreData:
    async def test_a_new_rule_adds_a_requirement_and_retiring_it_removes_it(self, api: Api) -> None:
        prefix = f"zz-{uuid.uuid4().hex[:8]}"
        rule = payload(
            await api.gql(
                RULE_CREATE,
                {
                    "i": {
                        "key": unique("r"),
                        "name": "Export control",
                        "requirement": "export_control",
                        "discipline": "LEGAL",
                        "validityDays": 7,
                        "condition": {"regionPrefixes": [prefix], "changeTypes": ["API"]},
                    }
                },
            )
        )["signOffRule"]
        assert rule["condition"] == {
            "dataClassifications": [],
            "regionPrefixes": [prefix],
            "tiers": [],
            "changeTypes": ["API"],
        }
        rel = await release(api, regions=[f"{prefix}-1"], changeTypes=["API"])
        assert [s["requirement"] for s in rel["signOffs"]] == ["export_control"]
        other = await release(api, regions=[f"{prefix}-1"], changeTypes=["UI"])
        assert other["signOffs"] == []
        await api.ok(
            RULE_UPDATE, {"i": {"id": rule["id"], "version": rule["version"], "active": False}}
        )
        data = await api.ok(
            "query($o: ID) { releases(filter: {ownerId: $o, status: DRAFT}, first: 500) { nodes { id signOffs { requirement } } } }",
            {"o": None},
        )
        again = next(n for n in data["releases"]["nodes"] if n["id"] == rel["id"])
        assert again["signOffs"] == []

    async def test_a_sign_off_records_signer_time_and_expiry(self, api: Api) -> None:
        given = await given_sign_off(api)
        s = given["signOff"]
        assert s["discipline"] == "LEGAL" and s["signer"]["username"] == "legal"
        from datetime import datetime

        days = (datetime.fromisoformat(s["expiresAt"]) - datetime.fromisoformat(s["signedAt"])).days
        assert days == 90

    async def test_a_requirement_the_release_does_not_have_is_refused(self, api: Api) -> None:
        rel = await submitted(api)
        body = await api.gql(
            SIGN,
            {"i": {"releaseId": rel["id"], "requirement": "data_sovereignty"}},
            as_user="legal",
        )
        assert codes(body) == ["SIGN_OFF_NOT_REQUIRED"]

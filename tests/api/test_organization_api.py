"""The organization through GraphQL: scoping, permissions, validation, concurrency, audit."""

from __future__ import annotations

from tests.api.conftest import Api, ids, unique

TEAM_CREATE = """
mutation($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { id key version businessUnit { key } } errors { code message field } }
}"""
TEAM_UPDATE = """
mutation($input: TeamUpdateInput!) {
  teamUpdate(input: $input) { team { id name version } errors { code message field } }
}"""
SERVICE_CREATE = """
mutation($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { service { id key tier regions team { key } } errors { code field } }
}"""


async def _team(api: Api, bu: str, as_user: str = "rmo") -> dict:
    bu_ids = await ids(api)
    data = await api.ok(
        TEAM_CREATE,
        {"input": {"businessUnitId": bu_ids[bu], "key": unique("team"), "name": "T"}},
        as_user=as_user,
    )
    return data["teamCreate"]["team"]


class TestViewerCannotChangeAnything:
    async def test_a_viewer_mutation_is_refused_with_forbidden(self, api: Api) -> None:
        bu_ids = await ids(api)
        body = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu_ids["payments"], "key": unique("t"), "name": "Nope"}},
            as_user="viewer",
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] is None

    async def test_a_viewer_still_reads_its_business_unit(self, api: Api) -> None:
        data = await api.ok("{ teams { nodes { key businessUnit { key } } } }", as_user="viewer")
        keys = {n["businessUnit"]["key"] for n in data["teams"]["nodes"]}
        assert keys == {"payments"}


class TestBusinessUnitAdminsStayInTheirUnit:
    async def test_a_bu_admin_creates_a_team_in_its_own_unit(self, api: Api) -> None:
        team = await _team(api, "payments", as_user="payments-admin")
        assert team["businessUnit"]["key"] == "payments"
        assert team["version"] == 1

    async def test_a_bu_admin_does_not_see_other_units_teams(self, api: Api) -> None:
        data = await api.ok(
            "{ teams(first: 200) { nodes { businessUnit { key } } } }", as_user="payments-admin"
        )
        assert {n["businessUnit"]["key"] for n in data["teams"]["nodes"]} == {"payments"}
        units = await api.ok("{ businessUnits { nodes { key } } }", as_user="payments-admin")
        assert [n["key"] for n in units["businessUnits"]["nodes"]] == ["payments"]

    async def test_another_units_team_reads_as_not_found(self, api: Api) -> None:
        retail_team = await _team(api, "retail")
        data = await api.ok(
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": retail_team["id"]},
            as_user="payments-admin",
        )
        assert data["node"] is None
        body = await api.gql(
            TEAM_UPDATE,
            {"input": {"id": retail_team["id"], "version": 1, "name": "Mine now"}},
            as_user="payments-admin",
        )
        assert body["data"]["teamUpdate"]["errors"][0]["code"] == "NOT_FOUND"

    async def test_a_bu_admin_cannot_create_a_team_in_another_unit(self, api: Api) -> None:
        bu_ids = await ids(api)
        body = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu_ids["retail"], "key": unique("t"), "name": "X"}},
            as_user="payments-admin",
        )
        assert body["data"]["teamCreate"]["errors"][0]["code"] == "NOT_FOUND"


class TestInputIsValidated:
    async def test_a_bad_key_is_refused_with_its_code_and_field(self, api: Api) -> None:
        bu_ids = await ids(api)
        body = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu_ids["payments"], "key": "Bad Key!", "name": "x"}},
        )
        assert body["data"]["teamCreate"]["errors"] == [
            {
                "code": "INVALID_KEY",
                "message": body["data"]["teamCreate"]["errors"][0]["message"],
                "field": "key",
            }
        ]

    async def test_a_duplicate_key_is_refused(self, api: Api) -> None:
        team = await _team(api, "payments")
        bu_ids = await ids(api)
        body = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu_ids["payments"], "key": team["key"], "name": "x"}},
        )
        assert body["data"]["teamCreate"]["errors"][0]["code"] == "KEY_TAKEN"

    async def test_an_id_of_the_wrong_type_is_bad_user_input(self, api: Api) -> None:
        team = await _team(api, "payments")
        body = await api.gql(
            TEAM_CREATE, {"input": {"businessUnitId": team["id"], "key": unique("t"), "name": "x"}}
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_garbage_ids_are_bad_user_input(self, api: Api) -> None:
        body = await api.gql('{ node(id: "not-an-id") { id } }')
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_regions_must_look_like_regions(self, api: Api) -> None:
        team = await _team(api, "payments")
        body = await api.gql(
            SERVICE_CREATE,
            {
                "input": {
                    "teamId": team["id"],
                    "key": unique("svc"),
                    "name": "S",
                    "tier": "INTERNAL",
                    "dataClassification": "INTERNAL",
                    "regions": ["Mars Base"],
                }
            },
        )
        assert body["data"]["serviceCreate"]["errors"] == [
            {"code": "INVALID_REGION", "field": "regions"}
        ]


class TestOptimisticConcurrency:
    async def test_an_update_from_a_stale_version_is_a_conflict(self, api: Api) -> None:
        team = await _team(api, "payments")
        first = await api.ok(
            TEAM_UPDATE, {"input": {"id": team["id"], "version": 1, "name": "First"}}
        )
        assert first["teamUpdate"]["team"]["version"] == 2
        body = await api.gql(
            TEAM_UPDATE, {"input": {"id": team["id"], "version": 1, "name": "Second"}}
        )
        assert body["data"]["teamUpdate"]["errors"][0]["code"] == "VERSION_CONFLICT"
        again = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Team { name version } } }", {"id": team["id"]}
        )
        assert again["node"] == {"name": "First", "version": 2}


class TestServicesAndDependencies:
    async def test_services_are_created_and_linked_both_ways(self, api: Api) -> None:
        team = await _team(api, "payments")
        made = []
        for tier in ("CRITICAL", "INTERNAL"):
            data = await api.ok(
                SERVICE_CREATE,
                {
                    "input": {
                        "teamId": team["id"],
                        "key": unique("svc"),
                        "name": "S",
                        "tier": tier,
                        "dataClassification": "PERSONAL",
                        "regions": ["eu-west-1", "EU-WEST-1", "us-east-1"],
                    }
                },
            )
            made.append(data["serviceCreate"]["service"])
        assert made[0]["regions"] == ["eu-west-1", "us-east-1"]
        consumer, provider = made
        link = await api.ok(
            "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { consumer { key } provider { key } errors { code } } }",
            {"i": {"consumerId": consumer["id"], "providerId": provider["id"]}},
        )
        assert link["serviceDependencyAdd"]["provider"]["key"] == provider["key"]
        again = await api.gql(
            "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
            {"i": {"consumerId": consumer["id"], "providerId": provider["id"]}},
        )
        assert again["data"]["serviceDependencyAdd"]["errors"] == [{"code": "DEPENDENCY_EXISTS"}]
        graph = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Service { dependents { kind service { key } } } } }",
            {"id": provider["id"]},
        )
        assert graph["node"]["dependents"] == [
            {"kind": "RUNTIME", "service": {"key": consumer["key"]}}
        ]

    async def test_a_service_cannot_depend_on_itself(self, api: Api) -> None:
        team = await _team(api, "payments")
        data = await api.ok(
            SERVICE_CREATE,
            {
                "input": {
                    "teamId": team["id"],
                    "key": unique("svc"),
                    "name": "S",
                    "tier": "INTERNAL",
                    "dataClassification": "INTERNAL",
                }
            },
        )
        sid = data["serviceCreate"]["service"]["id"]
        body = await api.gql(
            "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
            {"i": {"consumerId": sid, "providerId": sid}},
        )
        assert body["data"]["serviceDependencyAdd"]["errors"] == [{"code": "SELF_DEPENDENCY"}]


class TestEveryChangeIsAudited:
    async def test_a_mutation_writes_its_audit_record_with_the_rule(self, api: Api) -> None:
        from sqlalchemy import select

        from domain.compliance.models import AuditRecord
        from domain.compliance.repository import sealed

        team = await _team(api, "payments", as_user="payments-admin")
        async with api.runtime.db.read_session() as s:
            await sealed(s)  # the audit entry is journaled on PostgreSQL
            record = (
                await s.execute(
                    select(AuditRecord)
                    .where(AuditRecord.action == "team.create")
                    .order_by(AuditRecord.seq.desc())
                    .limit(1)
                )
            ).scalar_one()
        assert record.after["key"] == team["key"]
        assert record.actor_username == "payments-admin"
        assert "bu_admin" in record.rule
        assert record.request_id


class TestAuditTrailInGraphQL:
    async def test_an_auditor_verifies_the_chain_and_reads_records(self, api: Api) -> None:
        data = await api.ok(
            "{ auditTrailIntegrity { ok checked firstBrokenSeq headSeq } }", as_user="auditor"
        )
        integrity = data["auditTrailIntegrity"]
        assert integrity["ok"] is True and integrity["firstBrokenSeq"] is None
        assert integrity["checked"] == integrity["headSeq"] > 100
        page = await api.ok(
            "{ auditRecords(first: 3) { nodes { seq action rule prevHash hash } pageInfo { hasNextPage endCursor } } }",
            as_user="auditor",
        )
        nodes = page["auditRecords"]["nodes"]
        assert [n["seq"] for n in nodes] == [1, 2, 3]
        assert nodes[1]["prevHash"] == nodes[0]["hash"]
        following = await api.ok(
            "query($a: String) { auditRecords(first: 1, after: $a) { nodes { seq } } }",
            {"a": page["auditRecords"]["pageInfo"]["endCursor"]},
            as_user="auditor",
        )
        assert following["auditRecords"]["nodes"] == [{"seq": 4}]

    async def test_an_auditor_changes_nothing(self, api: Api) -> None:
        body = await api.gql(
            'mutation { businessUnitCreate(input: {key: "audit-bu", name: "No"}) { errors { code } } }',
            as_user="auditor",
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_a_viewer_cannot_read_the_audit_trail(self, api: Api) -> None:
        body = await api.gql("{ auditTrailIntegrity { ok } }", as_user="viewer")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        listing = await api.gql("{ auditRecords { nodes { seq } } }", as_user="viewer")
        assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"

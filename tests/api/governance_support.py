"""Helpers for the governance API tests: people, services, releases and their moves.

The API test database lives for the whole session and the demo's org template and EU sign-off
rules apply to every release, so helpers fill in whatever documentation a release is missing
and tests ship their own services (internal tier and data unless a test wants otherwise).
"""

from __future__ import annotations

from typing import Any

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, ids, unique

ERR = "errors { code message field }"
RELEASE = f"""
  release {{ id version status statusReason title
    owner {{ username }} services {{ artifactVersion service {{ key }} }}
    checkedTemplates {{ key version }}
    completeness {{ complete missing {{ templateKey templateVersion organizationWide section field label }} }}
    signOffs {{ requirement discipline status signer {{ username }} signedAt expiresAt signOffId }}
  }}
  {ERR}
  missingDocumentation {{ templateKey section field }}
  missingSignOffs {{ requirement discipline status }}
  blockingFreezes {{ title }}
"""
CREATE = f"mutation($i: ReleaseCreateInput!) {{ releaseCreate(input: $i) {{ {RELEASE} }} }}"
UPDATE = f"mutation($i: ReleaseUpdateInput!) {{ releaseUpdate(input: $i) {{ {RELEASE} }} }}"
SCHEDULE = f"mutation($i: ReleaseScheduleInput!) {{ releaseSchedule(input: $i) {{ {RELEASE} }} }}"
MOVES = ("Submit", "Approve", "Reject", "Start", "Complete", "RollBack", "Cancel")


def move_mutation(verb: str) -> str:
    return f"mutation($i: ReleaseMoveInput!) {{ release{verb}(input: $i) {{ {RELEASE} }} }}"


SESSION = f"""goNoGoSession {{ id version status outcome decidedByRule
    votes {{ voterName discipline choice rationale changedAt voter {{ username }} }}
    currentDecision {{ outcome ruleClause }}
    release {{ id status statusReason version }} }}
  {ERR}"""
OPEN = f"mutation($i: GoNoGoOpenInput!) {{ goNoGoOpen(input: $i) {{ {SESSION} }} }}"
VOTE = f"mutation($i: GoNoGoVoteInput!) {{ goNoGoVote(input: $i) {{ {SESSION} }} }}"
CLOSE = f"mutation($i: GoNoGoCloseInput!) {{ goNoGoClose(input: $i) {{ {SESSION} }} }}"
BOARD_CREATE = f"""mutation($i: BoardCreateInput!) {{ boardCreate(input: $i) {{
  board {{ id key version rule {{ quorum approvalsNeeded requiredDisciplines vetoDisciplines }}
    members {{ discipline person {{ username }} }} }} {ERR} }} }}"""
SIGN = f"""mutation($i: SignOffGiveInput!) {{ signOffGive(input: $i) {{
  signOff {{ id requirement discipline signedAt expiresAt signer {{ username }} }} {ERR} }} }}"""
REVOKE_SIGN_OFF = f"""mutation($i: SignOffRevokeInput!) {{ signOffRevoke(input: $i) {{
  signOff {{ id revokedAt }} {ERR} }} }}"""
TEMPLATE_CREATE = f"""mutation($i: DocumentTemplateCreateInput!) {{ documentTemplateCreate(input: $i) {{
  documentTemplate {{ id key version active sections {{ key fields {{ key required }} }} }} {ERR} }} }}"""
TEMPLATE_UPDATE = f"""mutation($i: DocumentTemplateUpdateInput!) {{ documentTemplateUpdate(input: $i) {{
  documentTemplate {{ id key version active sections {{ key fields {{ key required }} }} }} {ERR} }} }}"""
RULE_CREATE = f"""mutation($i: SignOffRuleCreateInput!) {{ signOffRuleCreate(input: $i) {{
  signOffRule {{ id key version requirement discipline validityDays active
    condition {{ dataClassifications regionPrefixes tiers changeTypes }} }} {ERR} }} }}"""
RULE_UPDATE = f"""mutation($i: SignOffRuleUpdateInput!) {{ signOffRuleUpdate(input: $i) {{
  signOffRule {{ id key version active }} {ERR} }} }}"""


def payload(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


def codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload(body)["errors"]]


async def person(
    api: Api,
    *,
    role: str | None = None,
    bu: str | None = "payments",
    discipline: str | None = None,
    name: str | None = None,
) -> dict[str, str]:
    """A new person (and their grant), created by the RMO; returns id and username."""
    username = unique("p")
    data = await api.ok(
        "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id username } errors { code } } }",
        {"i": {"username": username, "displayName": name or username}},
    )
    made = data["personCreate"]["person"]
    if role:
        bu_ids = await ids(api)
        await api.ok(
            "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
            {
                "i": {
                    "personId": made["id"],
                    "role": role.upper(),
                    "businessUnitId": bu_ids[bu] if bu else None,
                    "discipline": discipline.upper() if discipline else None,
                }
            },
        )
    return made  # type: ignore[no-any-return]


async def services(
    api: Api,
    bu: str,
    count: int = 1,
    *,
    tier: str = "INTERNAL",
    data: str = "INTERNAL",
    regions: list[str] | None = None,
) -> list[str]:
    """New services of a new team in `bu` (a BU key or a BU global id)."""
    bu_id = (await ids(api)).get(bu, bu)
    team = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu_id, "key": unique("gov"), "name": "Governance tests"}},
    )
    made = []
    for _ in range(count):
        created = await api.ok(
            "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
            {
                "i": {
                    "teamId": team["teamCreate"]["team"]["id"],
                    "key": unique("svc"),
                    "name": "S",
                    "tier": tier,
                    "dataClassification": data,
                    "regions": regions or ["us-east-1"],
                }
            },
        )
        made.append(created["serviceCreate"]["service"]["id"])
    return made


async def new_bu(api: Api) -> str:
    data = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) { businessUnit { id } errors { code } } }",
        {"i": {"key": unique("gbu"), "name": "Governance BU"}},
    )
    return data["businessUnitCreate"]["businessUnit"]["id"]  # type: ignore[no-any-return]


async def release(
    api: Api,
    bu: str = "payments",
    *,
    service_ids: list[str] | None = None,
    as_user: str = "release-manager",
    **fields: Any,
) -> dict[str, Any]:
    """A draft release shipping `service_ids` (new internal services by default)."""
    bu_id = (await ids(api)).get(bu, bu)
    shipped = service_ids if service_ids is not None else await services(api, bu_id)
    body = await api.gql(
        CREATE,
        {
            "i": {
                "businessUnitId": bu_id,
                "title": unique("Release"),
                "services": [{"serviceId": s, "artifactVersion": "1.0.0"} for s in shipped],
                **fields,
            }
        },
        as_user=as_user,
    )
    p = payload(body)
    assert p["errors"] == [], p
    return p["release"]  # type: ignore[no-any-return]


async def fill_missing(
    api: Api, rel: dict[str, Any], as_user: str = "release-manager"
) -> dict[str, Any]:
    """Fill in every documentation field the release still misses."""
    missing = rel["completeness"]["missing"]
    if not missing:
        return rel
    entries = [{"section": m["section"], "field": m["field"], "value": "Written."} for m in missing]
    data = await api.ok(
        UPDATE,
        {"i": {"id": rel["id"], "version": rel["version"], "documentation": entries}},
        as_user=as_user,
    )
    return data["releaseUpdate"]["release"]  # type: ignore[no-any-return]


async def move(
    api: Api, rel: dict[str, Any], verb: str, *, as_user: str | None = None, reason: str = ""
) -> dict[str, Any]:
    """Run a lifecycle mutation; returns its payload (release, errors, missing...).

    By default the release manager moves the release, except that approval comes from the BU
    admin: the release manager owns the test releases, and owners never approve their own."""
    as_user = as_user or ("payments-admin" if verb == "Approve" else "release-manager")
    body = await api.gql(
        move_mutation(verb),
        {"i": {"id": rel["id"], "version": rel["version"], "reason": reason}},
        as_user=as_user,
    )
    return payload(body)


async def submitted(
    api: Api, rel: dict[str, Any] | None = None, *, as_user: str = "release-manager", **kw: Any
) -> dict[str, Any]:
    rel = await fill_missing(api, rel or await release(api, as_user=as_user, **kw), as_user=as_user)
    p = await move(api, rel, "Submit", as_user=as_user)
    assert p["errors"] == [], p
    return p["release"]  # type: ignore[no-any-return]


async def audit_actions(api: Api, global_id: str) -> list[str]:
    entity = str(from_global_id(global_id))
    data = await api.ok(
        "query($e: String) { auditRecords(filter: {entityId: $e}, first: 100) { nodes { action } } }",
        {"e": entity},
        as_user="auditor",
    )
    return [n["action"] for n in data["auditRecords"]["nodes"]]


async def make_board(
    api: Api, members: list[tuple[str, str]], bu: str = "payments"
) -> dict[str, Any]:
    body = await api.gql(
        BOARD_CREATE,
        {
            "i": {
                "businessUnitId": (await ids(api))[bu],
                "key": unique("cab"),
                "name": "Board",
                "quorum": 1,
                "approvalsNeeded": 1,
                "members": [{"personId": p, "discipline": d} for p, d in members],
            }
        },
    )
    return payload(body)["board"]  # type: ignore[no-any-return]


PAYMENTS_GO_DISCIPLINES = ("ENGINEERING", "PRODUCT", "SECURITY")
"""The disciplines whose go vote the payments guardrails want at a go/no-go (the core names
engineering and product; the demo's payments set adds security)."""


async def approvers(api: Api, disciplines: tuple[str, ...]) -> list[tuple[dict[str, str], str]]:
    """A new approver per discipline, with the discipline they sit on a board for."""
    return [(await person(api, role="approver", discipline=d.lower()), d) for d in disciplines]


async def open_session(api: Api) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A session on a new submitted payments release, before a board (quorum 1, 1 approval)
    of one new approver per discipline the payments guardrails want a go vote from."""
    seated = await approvers(api, PAYMENTS_GO_DISCIPLINES)
    board = await make_board(api, [(v["id"], d) for v, d in seated])
    voters = [v for v, _ in seated]
    rel = await submitted(api)
    opened = payload(await api.gql(OPEN, {"i": {"releaseId": rel["id"], "boardId": board["id"]}}))
    assert opened["errors"] == [], opened
    return opened["goNoGoSession"], voters


async def given_sign_off(api: Api) -> dict[str, Any]:
    """Legal's data-sovereignty sign-off on a fresh submitted release of EU personal data."""
    eu = await services(api, "payments", data="PERSONAL", regions=["eu-west-1"])
    rel = await submitted(api, service_ids=eu)
    return payload(
        await api.gql(
            SIGN,
            {"i": {"releaseId": rel["id"], "requirement": "data_sovereignty"}},
            as_user="legal",
        )
    )

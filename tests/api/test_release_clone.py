"""Cloning a rejected or cancelled release into a new draft, through GraphQL (SQLite and
PostgreSQL): what carries over, what does not, the refusals, the audit and every role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import (
    ERR,
    audit_actions,
    move,
    new_bu,
    payload,
    release,
    submitted,
)
from tests.api.test_governance_permissions import _signed
from tests.api.test_permission_matrix import USERS, expected, outcome

CLONE = f"""mutation($i: ReleaseCloneInput!) {{ releaseClone(input: $i) {{
  release {{ id status title description releaseType changeTypes environments regions
    documentation {{ section field value }} clonedFrom {{ id status }}
    owner {{ username }} authors {{ username }}
    services {{ artifactVersion service {{ key }} }}
    signOffs {{ requirement discipline status signOffId }}
    goNoGoSessions {{ id }} riskAssessment {{ id }} submittedAt decidedAt checkedTemplates {{ key }}
  }} {ERR} }} }}"""
ORIGINAL = """query($id: ID!) { node(id: $id) { ... on Release {
  id title description releaseType changeTypes environments regions
  documentation { section field value } owner { username } authors { username }
  services { artifactVersion service { key } } signOffs { requirement discipline } } } }"""
CARRIED = (
    "description",
    "releaseType",
    "changeTypes",
    "environments",
    "regions",
    "documentation",
    "owner",
    "authors",
    "services",
)


async def clone(api: Api, rel: dict[str, Any], as_user: str = "release-manager", **kw: Any) -> Any:
    return payload(await api.gql(CLONE, {"i": {"id": rel["id"], **kw}}, as_user=as_user))


async def rejected(api: Api, rel: dict[str, Any] | None = None) -> dict[str, Any]:
    done = await move(api, rel or await submitted(api), "Reject", reason="Not this week.")
    assert done["errors"] == [], done
    return done["release"]  # type: ignore[no-any-return]


class TestCloningCarriesTheChangeOverButNotItsDecisions:
    async def test_a_rejected_release_with_a_sign_off_clones_into_a_draft_without_it(
        self, api: Api
    ) -> None:
        signed = await _signed(api)
        original = await rejected(api, signed["release"])
        before = (await api.ok(ORIGINAL, {"id": original["id"]}))["node"]
        assert [s["requirement"] for s in before["signOffs"]] == ["security_review"]
        made = await clone(api, original)
        assert made["errors"] == [], made
        copy = made["release"]
        assert copy["id"] != original["id"]
        assert copy["status"] == "DRAFT"
        assert copy["title"] == f"{original['title']} (clone)"
        assert {k: copy[k] for k in CARRIED} == {k: before[k] for k in CARRIED}
        assert copy["clonedFrom"] == {"id": original["id"], "status": "REJECTED"}
        assert [(s["requirement"], s["status"], s["signOffId"]) for s in copy["signOffs"]] == [
            ("security_review", "MISSING", None)
        ]
        assert copy["goNoGoSessions"] == []
        assert copy["riskAssessment"] is None
        assert (copy["submittedAt"], copy["decidedAt"], copy["checkedTemplates"]) == (
            None,
            None,
            [],
        )
        assert await audit_actions(api, copy["id"]) == ["release.clone"]

    async def test_a_cancelled_release_clones_under_the_title_given(self, api: Api) -> None:
        cancelled = await move(api, await release(api), "Cancel")
        assert cancelled["errors"] == [], cancelled
        made = await clone(api, cancelled["release"], title="  Payments, second try  ")
        assert made["errors"] == [], made
        assert made["release"]["title"] == "Payments, second try"
        assert made["release"]["clonedFrom"]["status"] == "CANCELLED"

    async def test_a_long_title_stays_within_the_limit_when_marked_as_a_clone(
        self, api: Api
    ) -> None:
        original = await rejected(api, await submitted(api, title="T" * 200))
        made = await clone(api, original)
        assert made["errors"] == [], made
        assert made["release"]["title"] == "T" * 192 + " (clone)"

    async def test_a_release_created_from_scratch_names_no_original(self, api: Api) -> None:
        body = await api.ok(
            ORIGINAL.replace("title", "title clonedFrom { id }", 1),
            {"id": (await release(api))["id"]},
        )
        assert body["node"]["clonedFrom"] is None


class TestOnlyAnEndedReleaseThatDidNotShipIsCloned:
    @pytest.mark.parametrize("state", ["draft", "submitted"])
    async def test_a_release_still_under_way_is_refused(self, api: Api, state: str) -> None:
        rel = await release(api) if state == "draft" else await submitted(api)
        made = await clone(api, rel)
        assert made["release"] is None
        assert [(e["code"], e["field"]) for e in made["errors"]] == [("NOT_CLONEABLE", "id")]

    async def test_a_blank_title_is_refused(self, api: Api) -> None:
        made = await clone(api, await rejected(api), title="   ")
        assert [e["code"] for e in made["errors"]] == ["INVALID_TITLE"]

    async def test_a_release_outside_your_business_units_reads_as_absent(self, api: Api) -> None:
        elsewhere = await release(api, await new_bu(api), as_user="rmo")
        cancelled = await move(api, elsewhere, "Cancel", as_user="rmo")
        assert cancelled["errors"] == [], cancelled
        made = await clone(api, cancelled["release"], as_user="release-manager")
        assert made["release"] is None
        assert [e["code"] for e in made["errors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize("role", list(USERS))
async def test_cloning_is_allowed_exactly_where_creating_a_release_is(api: Api, role: str) -> None:
    original = await rejected(api)
    body = await api.gql(CLONE, {"i": {"id": original["id"]}}, as_user=USERS[role])
    assert outcome(body) is expected(role, "release", "create", org_level=False), (role, body)


async def test_the_demo_shows_a_clone_of_its_rejected_release(api: Api) -> None:
    body = await api.ok(
        "{ releases(first: 500) { nodes { title status clonedFrom { title status } } } }",
        as_user="rmo",
    )
    clones = [n for n in body["releases"]["nodes"] if n["clonedFrom"] is not None]
    assert {
        "title": "Ledger schema split, with a backfill plan",
        "status": "DRAFT",
        "clonedFrom": {"title": "Ledger schema split", "status": "REJECTED"},
    } in clones

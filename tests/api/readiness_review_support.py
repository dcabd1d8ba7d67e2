"""GraphQL documents and helpers of the readiness-review tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import Api, unique
from tests.api.test_promotion_decision import APPROVE, REQUEST, ask

REVIEW = "readinessReview { id version status signedOffBy { username } items { key kind title } missing }"
ERRORS = "errors { code message field }"
OPEN = f"""mutation($i: ReadinessReviewOpenInput!) {{ readinessReviewOpen(input: $i) {{
  {REVIEW} {ERRORS} }} }}"""
RECORD = f"""mutation($i: ReadinessReviewRecordEvidenceInput!) {{
  readinessReviewRecordEvidence(input: $i) {{ {REVIEW} {ERRORS} }} }}"""
SIGN_OFF = f"""mutation($i: ReadinessReviewSignOffInput!) {{ readinessReviewSignOff(input: $i) {{
  {REVIEW} {ERRORS} }} }}"""
REOPEN = f"""mutation($i: ReadinessReviewReopenInput!) {{ readinessReviewReopen(input: $i) {{
  {REVIEW} {ERRORS} }} }}"""
TEMPLATE = "readinessReviewTemplate { id version key items { key kind } }"
TEMPLATE_CREATE = f"""mutation($i: ReadinessReviewTemplateCreateInput!) {{
  readinessReviewTemplateCreate(input: $i) {{ {TEMPLATE} {ERRORS} }} }}"""
TEMPLATE_REVISE = f"""mutation($i: ReadinessReviewTemplateReviseInput!) {{
  readinessReviewTemplateRevise(input: $i) {{ {TEMPLATE} {ERRORS} }} }}"""
RELEASE_REVIEW = f"query($id: ID!) {{ node(id: $id) {{ ... on Release {{ {REVIEW} }} }} }}"
ITEMS = [
    {"key": "dashboards", "kind": "MONITORING", "title": "Dashboards, SLOs and alert rules"},
    {"key": "paging", "kind": "ALERTING", "title": "Alerts routed to an on-call"},
    {"key": "runbook", "kind": "RUNBOOK", "title": "Runbook", "validDays": 365},
    {"key": "rota", "kind": "ON_CALL", "title": "On-call staffed for the window"},
    {"key": "deps", "kind": "DEPENDENCIES_INFORMED", "title": "Dependency owners informed"},
]


def result(body: dict[str, Any]) -> dict[str, Any]:
    """The payload of a one-mutation response."""
    assert not body.get("errors"), body
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


async def template(
    api: Api, tiers: list[str], bu: str | None = None, as_user: str = "rmo"
) -> dict[str, Any]:
    """A new checklist template (org-wide unless `bu`) with the five usual items."""
    values: dict[str, Any] = {"key": unique("sre"), "name": "SRE readiness", "tiers": tiers}
    made = result(
        await api.gql(
            TEMPLATE_CREATE,
            {"i": {**values, "items": ITEMS, **({"businessUnitId": bu} if bu else {})}},
            as_user=as_user,
        )
    )
    assert made["errors"] == [], made
    return made["readinessReviewTemplate"]  # type: ignore[no-any-return]


def ago(api: Api, days: float) -> str:
    return (api.runtime.clock.now() - timedelta(days=days)).isoformat()


async def evidence(
    api: Api, review: dict[str, Any], key: str, *, as_user: str = "engineer", days_ago: float = 1
) -> dict[str, Any]:
    """The review after `key` got evidence checked `days_ago`."""
    done = result(
        await api.gql(
            RECORD,
            {
                "i": {
                    "id": review["id"],
                    "version": review["version"],
                    "itemKey": key,
                    "evidenceUrl": f"https://evidence.example/{key}",
                    "checkedAt": ago(api, days_ago),
                }
            },
            as_user=as_user,
        )
    )
    assert done["errors"] == [], done
    return done["readinessReview"]  # type: ignore[no-any-return]


async def evidence_all(
    api: Api, review: dict[str, Any], but: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The review after every item but `but` got fresh evidence."""
    for item in review["items"]:
        if item["key"] not in but:
            review = await evidence(api, review, item["key"])
    return review


async def open_review(api: Api, release_id: str, as_user: str = "engineer") -> dict[str, Any]:
    opened = result(await api.gql(OPEN, {"i": {"releaseId": release_id}}, as_user=as_user))
    assert opened["errors"] == [], opened
    return opened["readinessReview"]  # type: ignore[no-any-return]


async def sign_off(api: Api, review: dict[str, Any], as_user: str) -> dict[str, Any]:
    """The payload of signing `review` off as `as_user`."""
    return result(
        await api.gql(
            SIGN_OFF, {"i": {"id": review["id"], "version": review["version"]}}, as_user=as_user
        )
    )


OPEN_FOR_SERVICE = f"""mutation($i: ReadinessReviewOpenForServiceInput!) {{
  readinessReviewOpenForService(input: $i) {{ {REVIEW} {ERRORS} }} }}"""
SERVICE_REVIEW = f"""query($id: ID!) {{ node(id: $id) {{ ... on Service {{ key
  readinessReview {{ service {{ id }} release {{ id }} openedBy {{ username }}
    {REVIEW.removeprefix("readinessReview { ")} }} }} }}"""


async def open_service_review(
    api: Api, service_id: str, as_user: str = "engineer"
) -> dict[str, Any]:
    """A service's first-launch review, opened by `as_user`."""
    opened = result(
        await api.gql(OPEN_FOR_SERVICE, {"i": {"serviceId": service_id}}, as_user=as_user)
    )
    assert opened["errors"] == [], opened
    return opened["readinessReview"]  # type: ignore[no-any-return]


async def request_and_approve(api: Api, w: dict[str, Any]) -> dict[str, Any]:
    """The world's production promotion, requested by the engineer and approved by the two
    independent approvers of the demo's payments BU."""
    promotion = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"][
        "promotion"
    ]
    for approver in ("eng-approver", "payments-admin"):
        promotion = (
            await api.ok(
                APPROVE,
                {"i": {"id": promotion["id"], "version": promotion["version"]}},
                as_user=approver,
            )
        )["promotionApprove"]["promotion"]
    return promotion  # type: ignore[no-any-return]

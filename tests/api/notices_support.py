"""Helpers for the downtime-notice API tests: consumers of a service, notices, the gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.governance_support import services

ERR = "errors { code message field }"
NOTICE = """downtimeNotice { id version kind impact contact issuedAt escalatedAt escalationNote
  release { id } downstreamServices { key }
  recipients { acknowledgedAt acknowledgedVia acknowledgedBy { username }
    team { id key } services { key } } }"""
ISSUE = f"""mutation($i: DowntimeNoticeIssueInput!) {{ downtimeNoticeIssue(input: $i) {{
  {NOTICE} {ERR} }} }}"""
ACK = f"""mutation($i: DowntimeNoticeAcknowledgeInput!) {{ downtimeNoticeAcknowledge(input: $i) {{
  recipient {{ acknowledgedAt acknowledgedVia team {{ key }} }} {ERR} }} }}"""
ESCALATE = f"""mutation($i: DowntimeNoticeEscalateInput!) {{ downtimeNoticeEscalate(input: $i) {{
  {NOTICE} {ERR} }} }}"""
SUBSCRIBE = f"""mutation($i: DowntimeSubscriptionCreateInput!) {{ downtimeSubscriptionCreate(input: $i) {{
  downtimeSubscription {{ id subject subjectId email }} {ERR} }} }}"""
UNSUBSCRIBE = f"""mutation($i: DowntimeSubscriptionDeleteInput!) {{ downtimeSubscriptionDelete(input: $i) {{
  downtimeSubscription {{ id }} {ERR} }} }}"""
OF_RELEASE = (
    "query($r: ID!) { "
    + NOTICE.replace("downtimeNotice {", "downtimeNotice(releaseId: $r) {", 1)
    + " }"
)
DECIDE = """query($i: PromotionAskInput!) { promotionDecision(input: $i, fresh: true) {
  allowed gates { gate status reason evidence } } }"""
DEPEND = """mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) {
  errors { code } } }"""


def window(api: Api, start_hours: float = 24, length_hours: float = 2) -> dict[str, str]:
    now = api.runtime.clock.now()
    return {
        "windowStartsAt": (now + timedelta(hours=start_hours)).isoformat(),
        "windowEndsAt": (now + timedelta(hours=start_hours + length_hours)).isoformat(),
    }


def notice_input(api: Api, release_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "releaseId": release_id,
        "kind": "BREAKING",
        "impact": "The v1 payments API goes away; call v2.",
        "contact": "payments-oncall@bank.example",
        **window(api),
        **kw,
    }


async def issue(api: Api, release_id: str, as_user: str = "release-manager", **kw: Any) -> Any:
    data = await api.ok(ISSUE, {"i": notice_input(api, release_id, **kw)}, as_user=as_user)
    return data["downtimeNoticeIssue"]["downtimeNotice"]


async def consumer(api: Api, provider_id: str, bu: str = "payments", tier: str = "INTERNAL") -> str:
    """A new service of a new team in `bu` that consumes `provider_id`."""
    [made] = await services(api, bu, tier=tier)
    await api.ok(DEPEND, {"i": {"consumerId": made, "providerId": provider_id}})
    return made


async def team_of(api: Api, service_id: str) -> dict[str, str]:
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { key team { id key } } } }",
        {"id": service_id},
    )
    return data["node"]["team"]  # type: ignore[no-any-return]


def gate(decision: dict[str, Any]) -> dict[str, Any]:
    return next(g for g in decision["gates"] if g["gate"] == "DOWNTIME_NOTICES")

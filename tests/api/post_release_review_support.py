"""GraphQL documents and helpers of the post-release review tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import Settings
from domain.kernel.clock import Clock, FixedClock
from domain.postrelease import review_service
from tests.api.conftest import Api, settings_for
from tests.api.deployments_support import ADVANCE, report, service, started

ERRORS = "errors { code message field }"
REVIEW = """postReleaseReview { id version status verdict summary overdue dueAt deployedAt
  artifactVersion metricsState metricsNote tolerancePct gatheredAt comparedFrom comparedUntil
  metrics { name query before after risePct }
  emergentIssues { kind key detail }
  logSignals { fingerprint before after }
  feedback { kind title tags } feedbackThemesBefore
  incidents { ref status }
  synthetic { available }
  team { id key } service { key } closedBy { username } }"""
OF_DEPLOYMENT = (
    "query($d: ID!) { postReleaseReviewOfDeployment(deploymentId: $d) { "
    + REVIEW.removeprefix("postReleaseReview {").removesuffix("}")
    + "} }"
)
GATHER = f"""mutation($i: PostReleaseReviewGatherInput!) {{ postReleaseReviewGather(input: $i) {{
  {REVIEW} {ERRORS} }} }}"""
CLOSE = f"""mutation($i: PostReleaseReviewCloseInput!) {{ postReleaseReviewClose(input: $i) {{
  {REVIEW} {ERRORS} }} }}"""
TEMPLATE_SET = f"""mutation($i: PostReleaseMetricTemplateSetInput!) {{
  postReleaseMetricTemplateSet(input: $i) {{ postReleaseMetricTemplate {{ id version
  queries {{ name promql }} }} {ERRORS} }} }}"""
FEEDBACK = f"""mutation($i: PostReleaseFeedbackReportInput!) {{ postReleaseFeedbackReport(input: $i) {{
  postReleaseFeedback {{ id source tags }} {ERRORS} }} }}"""
SIGNAL = f"""mutation($i: PostReleaseLogSignalReportInput!) {{ postReleaseLogSignalReport(input: $i) {{
  postReleaseLogSignal {{ id fingerprint count }} {ERRORS} }} }}"""
REVIEWS = """query($f: PostReleaseReviewFilter) { postReleaseReviews(filter: $f, first: 100) {
  nodes { id status overdue } } }"""
OVERDUE = """query { postReleaseOverdueByTeam { overdue oldestDueAt team { id key } } }"""


def result(body: dict[str, Any]) -> dict[str, Any]:
    """The payload of a one-mutation response."""
    assert not body.get("errors"), body
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


@asynccontextmanager
async def serving_at(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Api]:
    """An app of its own with `settings` and `clock`, started."""
    app = create_app(settings, clock=clock)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http,
    ):
        yield Api(app=app, http=http, runtime=app.state.runtime)


@pytest.fixture
async def clocked(api: Api, migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app over the shared (demo-loaded) database whose clock stands still until moved."""
    settings = settings_for(migrated_url, tmp_path, outbox_delivery_enabled=False)
    async with serving_at(settings, FixedClock(datetime.now(UTC))) as served:
        yield served


async def deployed(api: Api) -> dict[str, Any]:
    """A canary of card-gateway to a fresh production environment, run to success."""
    dep = await started(api)
    for _ in range(len(dep["steps"])):
        await report(api, dep)
        data = await api.ok(
            ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci"
        )
        dep = {**data["deploymentAdvance"]["deployment"], "environment": dep["environment"]}
    assert dep["status"] == "SUCCEEDED", dep
    return {**dep, "service": await service(api)}


async def sweep(api: Api) -> list[Any]:
    """The housekeeping sweep's opening of reviews (the system acts)."""
    return await api.runtime.units.run(review_service.open_due_reviews)


async def review_of(
    api: Api, deployment_id: str, as_user: str = "engineer"
) -> dict[str, Any] | None:
    data = await api.ok(OF_DEPLOYMENT, {"d": deployment_id}, as_user=as_user)
    return data["postReleaseReviewOfDeployment"]  # type: ignore[no-any-return]


async def reviewed(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """A production deployment a minute old (the clock moved) and the review the sweep opened."""
    dep = await deployed(api)
    clock = api.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=1))
    await sweep(api)
    review = await review_of(api, dep["id"])
    assert review is not None
    return dep, review

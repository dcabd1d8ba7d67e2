"""The demo after release (issue 17): production deployments with their 24-hour reviews in each
state (overdue, open and not yet due, closed with a verdict), an incident attributed to the
change that caused it, and its post-mortem with one action verified and one open."""

from __future__ import annotations

from tests.demo.conftest import DemoServer
from tests.demo.test_demo_world import ask, nodes

REVIEWS = """{ postReleaseReviews(first: 100) { nodes { status verdict overdue closedBy { username }
  service { key } deployment { artifactVersion } deploymentReport { id } } } }"""
POST_MORTEMS = """{ postMortems(filter: { businessUnitId: "%s" }, first: 20) { nodes {
  severity status incident { incidentRef } attribution { changeKind }
  actionItems { status verifiedBy } } } }"""


def test_reviews_show_each_state(demo_server: DemoServer) -> None:
    reviews = nodes(ask(demo_server, REVIEWS, "sre"), "postReleaseReviews")
    states = {(r["service"]["key"], r["status"], r["overdue"], r["verdict"]) for r in reviews}
    assert ("card-gateway", "OPEN", True, None) in states  # the hotfix, overdue
    assert ("ledger-core", "OPEN", False, None) in states  # due tomorrow
    closed = [r for r in reviews if r["status"] == "CLOSED"]
    assert [(r["verdict"], r["closedBy"]["username"]) for r in closed] == [("DEGRADED", "sre")]
    hotfix = [r for r in reviews if r["deployment"]]
    assert [r["deployment"]["artifactVersion"] for r in hotfix] == ["4.2.0-hotfix.1"]


def test_the_incident_has_a_post_mortem_with_one_action_verified(demo_server: DemoServer) -> None:
    bus = nodes(ask(demo_server, "{ businessUnits { nodes { id key } } }"), "businessUnits")
    payments = next(b["id"] for b in bus if b["key"] == "payments")
    answer = ask(demo_server, POST_MORTEMS % payments, "sre")
    [pm] = nodes(answer, "postMortems")
    assert (pm["severity"], pm["status"], pm["incident"]["incidentRef"]) == (
        "SEV1",
        "OPEN",
        "INC-2063",
    )
    assert pm["attribution"]["changeKind"] == "DEPLOYMENT"
    assert sorted((a["status"], a["verifiedBy"]) for a in pm["actionItems"]) == [
        ("DONE", "system"),
        ("OPEN", None),
    ]

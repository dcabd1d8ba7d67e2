"""The demo's synthetic journeys (issue 17): a Checkly-run journey per critical service with
runs reported as an external runner would, and the card checkout's regression after the
unauthorized hotfix, linked to it and rolled back by the guardrail."""

from __future__ import annotations

import httpx

from tests.demo.conftest import DemoServer
from tests.demo.test_demo_world import ask, nodes

JOURNEYS = """query($s: ID!) { serviceJourneys(serviceId: $s) { key tier runner enabled
  runs(first: 10) { edges { node { outcome runner } } } } }"""
DEPLOYMENTS = """{ deployments(first: 100) { nodes { artifactVersion status rollback { trigger }
  journeyRegressions { journey { key } run { outcome } baselineRun { outcome } rolledBack } } } }"""


def test_critical_services_have_a_journey_and_the_hotfix_regressed_checkout(
    demo_server: DemoServer,
) -> None:
    services = nodes(
        ask(demo_server, "{ services(first: 100) { nodes { id key tier } } }"), "services"
    )
    gateway = next(s for s in services if s["key"] == "card-gateway")
    answer = httpx.post(
        f"{demo_server.base}/graphql",
        json={"query": JOURNEYS, "variables": {"s": gateway["id"]}},
        headers={"Authorization": f"Bearer {demo_server.token('viewer')}"},
        timeout=60,
    ).json()
    [checkout] = answer["data"]["serviceJourneys"]
    assert (checkout["key"], checkout["tier"], checkout["runner"]) == (
        "checkout",
        "CRITICAL",
        "CHECKLY",
    )
    outcomes = [e["node"]["outcome"] for e in checkout["runs"]["edges"]]
    assert outcomes == ["PASSED", "PASSED", "FAILED"]
    deployments = nodes(ask(demo_server, DEPLOYMENTS), "deployments")
    [hotfix] = [d for d in deployments if d["journeyRegressions"]]
    assert hotfix["artifactVersion"] == "4.2.0-hotfix.1"
    assert (hotfix["status"], hotfix["rollback"]) == ("ROLLED_BACK", {"trigger": "JOURNEY"})
    [regression] = hotfix["journeyRegressions"]
    assert regression == {
        "journey": {"key": "checkout"},
        "run": {"outcome": "FAILED"},
        "baselineRun": {"outcome": "PASSED"},
        "rolledBack": True,
    }

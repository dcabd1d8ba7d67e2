"""The demo world shows a service awaiting its first launch: Instant Payouts, its service
readiness review in progress, the runbook and the on-call rota still missing."""

from __future__ import annotations

from tests.demo.conftest import DemoServer
from tests.demo.test_demo_world import ask, nodes

SERVICES = """{ services(first: 100) { nodes { key tier
  readinessReview { status missing openedBy { username } release { id } } } } }"""


class TestTheDemoHasAFirstLaunchUnderReview:
    def test_instant_payouts_review_is_in_progress_missing_its_runbook_and_rota(
        self, demo_server: DemoServer
    ) -> None:
        reviewed = {
            s["key"]: (s["tier"], s["readinessReview"])
            for s in nodes(ask(demo_server, SERVICES), "services")
            if s["readinessReview"]
        }
        assert list(reviewed) == ["instant-payouts"]
        tier, review = reviewed["instant-payouts"]
        assert tier == "CRITICAL"
        assert (review["status"], review["openedBy"], review["release"]) == (
            "OPEN",
            {"username": "engineer"},
            None,
        )
        assert review["missing"] == [
            "Runbook reviewed (sre-readiness.runbook): no evidence",
            "On-call staffed for the window (sre-readiness.rota): no evidence",
        ]

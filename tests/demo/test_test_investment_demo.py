"""What `signalbox demo` shows of test investment (demo/testing_history.py): the payouts team's
tests that exist but miss, and the layers where tests are missing, ranked."""

from __future__ import annotations

from tests.demo.conftest import DemoServer
from tests.demo.test_demo_world import ask

QUERY = """{ testInvestment { suggestions { rank row { component escapedLayer classification
  unmappedSuites layerEvidence { latestCoveragePercent } service { key } } } } }"""


def test_the_demo_shows_both_kinds_of_suggestion(demo_server: DemoServer) -> None:
    found = ask(demo_server, QUERY)["testInvestment"]["suggestions"]
    rows = {(s["row"]["service"]["key"], s["row"]["component"]): s["row"] for s in found}
    cutoffs = rows[("payout-scheduler", "cutoffs")]
    assert (cutoffs["escapedLayer"], cutoffs["classification"]) == (
        "UNIT",
        "ESCAPES_DESPITE_COVERAGE",
    )
    assert cutoffs["layerEvidence"]["latestCoveragePercent"] == 87.5
    bank_files = rows[("settlement", "bank-files")]
    assert (bank_files["escapedLayer"], bank_files["classification"]) == (
        "CONTRACT",
        "COVERAGE_MISSING",
    )
    statements = rows[("merchant-statements", "statement-lines")]
    assert statements["classification"] == "COVERAGE_MISSING"
    assert statements["layerEvidence"]["latestCoveragePercent"] == 42.0
    assert statements["unmappedSuites"] == ["smoke"]
    assert [s["rank"] for s in found] == list(range(1, len(found) + 1))

"""The README's Argo Rollouts AnalysisTemplate, judged the way Argo judges a web metric, over
the answers of `GET /deployments/{id}/verdict`.

Argo's rules, as argo-rollouts' `analysis/analysis.go` (`assessMetricStatus`) and
`utils/evaluate` apply them to one metric:

- each measurement reads `jsonPath` from the answer as `result`; with both conditions set, the
  failure condition wins, then the success condition, and a result that meets neither is
  INCONCLUSIVE;
- after each measurement: more failures than `failureLimit` fail the metric, more
  inconclusive measurements than `inconclusiveLimit` make it INCONCLUSIVE (the rollout
  pauses), and reaching `count` succeeds it; without `count` a metric with an `interval` runs
  on, and one with neither is measured once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml

from api.endpoints import argo
from tests.api.conftest import Api
from tests.api.deployments_support import report, started

README = Path(__file__).resolve().parents[2] / "README.md"
_CONDITION = re.compile(r'^result == "([a-z]+)"$')
_JSON_PATH = re.compile(r"^\{\$\.([A-Za-z]+)\}$")
UNHEALTHY = {"errorRate": 0.5, "latencyP99Ms": 180, "saturation": 0.3}
# The template the README showed before: no interval, no count, no inconclusiveLimit.
ONE_SHOT: dict[str, Any] = {
    "name": "signalbox",
    "successCondition": 'result == "successful"',
    "failureCondition": 'result == "failed"',
    "provider": {"web": {"jsonPath": "{$.status}"}},
}


def readme_template() -> dict[str, Any]:
    """The README's AnalysisTemplate (the YAML block naming `kind: AnalysisTemplate`)."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.S)
    (template,) = [
        yaml.safe_load(b) for b in blocks if re.search(r"^\s*kind: AnalysisTemplate$", b, re.M)
    ]
    return template  # type: ignore[no-any-return]


def _holds(condition: str, result: object) -> bool:
    found = _CONDITION.match(condition)
    assert found is not None, f'this model reads only `result == "…"`, not {condition!r}'
    return result == found.group(1)


def measure(metric: dict[str, Any], answer: dict[str, Any]) -> str:
    """One measurement's phase: Successful, Failed or Inconclusive."""
    path = _JSON_PATH.match(metric["provider"]["web"]["jsonPath"])
    assert path is not None
    result = answer[path.group(1)]
    if _holds(metric["failureCondition"], result):
        return "Failed"
    return "Successful" if _holds(metric["successCondition"], result) else "Inconclusive"


def assess(metric: dict[str, Any], phases: list[str]) -> str:
    """The metric's phase after these measurements (Running while it goes on)."""
    if phases.count("Failed") > metric.get("failureLimit", 0):
        return "Failed"
    if phases.count("Inconclusive") > metric.get("inconclusiveLimit", 0):
        return "Inconclusive"
    count = metric.get("count", None if "interval" in metric else 1)
    if count is not None and len(phases) >= count:
        return "Successful"
    return "Running"


async def analyse(
    metric: dict[str, Any],
    answer: Callable[[int], Awaitable[dict[str, Any]]],
    limit: int = 50,
) -> tuple[str, int]:
    """Measure (asking the endpoint each time) until the metric completes: phase, measurements."""
    phases: list[str] = []
    while len(phases) < limit:
        phases.append(measure(metric, await answer(len(phases))))
        phase = assess(metric, phases)
        if phase != "Running":
            return phase, len(phases)
    raise AssertionError(f"the metric did not complete within {limit} measurements")


async def verdict(api: Api, dep: dict[str, Any]) -> dict[str, Any]:
    response = await api.http.get(
        f"/deployments/{dep['id']}/verdict", headers={"authorization": f"Bearer {api.token('ci')}"}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


class TestTheReadmeTemplate:
    def test_parses_and_measures_again_and_tolerates_running(self) -> None:
        template = readme_template()
        assert (template["apiVersion"], template["kind"]) == (
            "argoproj.io/v1alpha1",
            "AnalysisTemplate",
        )
        (metric,) = template["spec"]["metrics"]
        assert metric["interval"] and metric["count"] > 1
        assert 0 < metric["inconclusiveLimit"] < metric["count"]
        assert metric["failureLimit"] == 0
        assert metric["provider"]["web"]["url"].endswith(
            "/deployments/{{args.deployment-id}}/verdict"
        )

    def test_the_endpoint_docstring_shows_the_same_metric(self) -> None:
        assert argo.__doc__ is not None
        shown = argo.__doc__.split("    metrics:\n", 1)[1].split('"""')[0]
        (metric,) = yaml.safe_load("metrics:\n" + shown)["metrics"]
        (readme_metric,) = readme_template()["spec"]["metrics"]
        assert metric == readme_metric


class TestArgoOverTheVerdicts:
    async def test_running_at_first_then_advance_succeeds_where_one_shot_paused(
        self, api: Api
    ) -> None:
        (metric,) = readme_template()["spec"]["metrics"]
        dep = await started(api)
        first = await verdict(api, dep)
        assert first["status"] == "running"
        assert await analyse(ONE_SHOT, lambda _n: verdict(api, dep)) == ("Inconclusive", 1)

        async def healthy_from_the_third(n: int) -> dict[str, Any]:
            if n == 2:
                await report(api, dep)
            return await verdict(api, dep)

        assert await analyse(metric, healthy_from_the_third) == ("Successful", metric["count"])

    async def test_a_roll_back_fails_the_analysis_at_once_and_ends_the_dwell(
        self, api: Api
    ) -> None:
        (metric,) = readme_template()["spec"]["metrics"]
        steps = [{"weight": 10, "dwellMinutes": 30}, {"weight": 100, "dwellMinutes": 30}]
        dep = await started(api, canarySteps=steps)
        before = await verdict(api, dep)
        assert before["dwellRemainingSeconds"] > 0

        async def rolled_back_at_the_fourth(n: int) -> dict[str, Any]:
            if n == 3:
                await report(api, dep, UNHEALTHY)
            return await verdict(api, dep)

        assert await analyse(metric, rolled_back_at_the_fourth) == ("Failed", 4)
        after = await verdict(api, dep)
        assert (after["deploymentStatus"], after["status"]) == ("ROLLED_BACK", "failed")
        assert after["dwellRemainingSeconds"] == 0

    async def test_a_verdict_that_stays_running_pauses_only_after_every_measurement(
        self, api: Api
    ) -> None:
        (metric,) = readme_template()["spec"]["metrics"]
        dep = await started(api)
        phase, taken = await analyse(metric, lambda _n: verdict(api, dep))
        assert (phase, taken) == ("Inconclusive", metric["inconclusiveLimit"] + 1)

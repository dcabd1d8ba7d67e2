"""The four keys per BU on /metrics, for Grafana: a BU's deployments and failure rate."""

from __future__ import annotations

import re

from tests.api.conftest import Api
from tests.api.test_change_ledger_support import projected
from tests.api.test_defect_support import ago, deploy, incident, world


def _gauge(text: str, name: str, bu: str) -> float | None:
    found = re.search(rf'^{name}{{business_unit="{re.escape(bu)}"}} (\S+)$', text, re.M)
    return None if found is None else float(found.group(1))


class TestTheFourKeysArePrometheusGauges:
    async def test_a_business_units_figures_are_labelled_by_its_key(self, api: Api) -> None:
        w = await world(api, 1)
        start = ago(api, hours=10)
        await deploy(api, w, 0, ago(api, hours=3))
        await deploy(api, w, 0, ago(api, hours=2))
        await incident(api, w, 0, f"down {w.bu_key}", ago(api, hours=1))
        await projected(api, start)
        api.runtime.metrics.dora.outdate()

        response = await api.http.get(
            "/metrics", headers={"authorization": f"Bearer {api.token('sre')}"}
        )

        assert response.status_code == 200
        text = response.text
        assert _gauge(text, "signalbox_dora_deployments", w.bu_key) == 2
        # the incident counts against the later deployment: one of two failed
        assert _gauge(text, "signalbox_dora_change_failure_rate", w.bu_key) == 0.5
        assert _gauge(text, "signalbox_dora_lead_time_seconds", w.bu_key) is not None

"""The calendar slice reads each window's services and resources once: the rows it read to find
the clashes also answer the windows' `services` and `resources` (issue 19, the range curve)."""

from __future__ import annotations

from tests.api.conftest import Api, unique
from tests.api.test_calendar_api import hours, iso, plan, services
from tests.api.test_query_cost import counting

SLICE = """query($i: CalendarInput!) { calendar(input: $i) {
  windows { id services { id } resources }
  conflicts { kind first { id } second { id } resources services { id } } } }"""

BY_LOADERS = """query($f: DeploymentWindowFilter) { deploymentWindows(filter: $f, first: 10) {
  nodes { id services { id } resources } } }"""


async def test_the_slice_reads_window_services_and_resources_once_and_answers_alike(
    api: Api,
) -> None:
    provider, consumer = await services(api, 2)
    env = unique("env")
    slot = hours()
    shared = unique("db")
    first = await plan(
        api, serviceIds=[provider], resources=[shared, unique("db")], environment=env, at=slot
    )
    second = await plan(api, serviceIds=[consumer], resources=[shared], environment=env, at=slot)
    planned = {first["deploymentWindow"]["id"], second["deploymentWindow"]["id"]}

    with counting(api) as statements:
        data = await api.ok(
            SLICE, {"i": {"from": iso(slot[0]), "to": iso(slot[1]), "environment": env}}
        )

    windows = {w["id"]: w for w in data["calendar"]["windows"]}
    assert set(windows) == planned
    assert sum("FROM window_services" in s for s in statements) == 1
    assert sum("FROM window_resources" in s for s in statements) == 1
    listed = await api.ok(BY_LOADERS, {"f": {"environment": env}})
    by_loaders = {w["id"]: w for w in listed["deploymentWindows"]["nodes"]}
    assert windows == by_loaders  # the same services and resources as the loaders read
    assert windows[second["deploymentWindow"]["id"]] == {
        "id": second["deploymentWindow"]["id"],
        "services": [{"id": consumer}],
        "resources": [shared],
    }
    kinds = {c["kind"] for c in data["calendar"]["conflicts"]}
    assert {"SHARED_RESOURCE", "DEPENDENCY", "ENVIRONMENT"} <= kinds

"""The guardrail catalog says which fields restrict nothing, and why (`advisory`); every other
field is a control some gate or use case enforces (test_control_coverage_catalog)."""

from __future__ import annotations

from domain.guardrails.fields import FIELDS
from tests.api.conftest import Api


async def test_the_catalog_names_the_advisory_fields_with_their_reason(api: Api) -> None:
    body = await api.ok("{ guardrailCatalog { key advisory } }", as_user="viewer")
    advisory = {f["key"]: f["advisory"] for f in body["guardrailCatalog"]}
    assert set(advisory) == set(FIELDS)
    # who may approve for whom; who watches a release (support rotations): neither refuses
    assert {k for k, why in advisory.items() if why} == {
        "approval_delegates",
        "release_secondary_hours",
    }
    for key in ("approval_delegates", "release_secondary_hours"):
        assert advisory[key] == FIELDS[key].advisory

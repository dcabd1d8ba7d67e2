"""Words of test investment from defect history (ORM-free): how a service x component x escaped
layer is judged against the service's test evidence (`testing_rules`)."""

from __future__ import annotations

from enum import StrEnum

UNMAPPED = "unmapped"
"""The layer of a suite whose name says no layer, or more than one (`testing_rules.layer_of`):
shown as such, never guessed."""


class InvestmentClass(StrEnum):
    """What the defects escaping one layer of one component say about the tests at that layer.

    ESCAPES_DESPITE_COVERAGE: suites of the layer ran and cover at least the threshold (or ran
    and report no coverage), yet defects escaped it: the tests exist but miss (better
    assertions, contract tests). COVERAGE_MISSING: no suite of the layer ran in the period, or
    its latest coverage is below the threshold: add automation at that layer. HEALTHY: too few
    escapes (severity-weighted, below the minimum) to act on. NOT_AUTOMATABLE: the defects
    escaped a manual check or no layer at all, which no suite would cover.
    """

    ESCAPES_DESPITE_COVERAGE = "escapes_despite_coverage"
    COVERAGE_MISSING = "coverage_missing"
    HEALTHY = "healthy"
    NOT_AUTOMATABLE = "not_automatable"

"""The words of post-release defects and their patterns: closed enums, no ORM."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.vocabulary import ChangeType

__all__ = [
    "AUTOMATABLE_LAYERS",
    "BacklogItemType",
    "ChangeType",
    "DefectSeverity",
    "DefectSourceKind",
    "EscapedTestLayer",
    "PatternKind",
    "RootCauseCategory",
]


class DefectSourceKind(StrEnum):
    """Where a defect was found: an incident, a post-mortem, a feedback item, or by hand."""

    INCIDENT = "incident"
    POST_MORTEM = "post_mortem"
    FEEDBACK = "feedback"
    MANUAL = "manual"


class RootCauseCategory(StrEnum):
    """Why the defect exists (what a team would fix), never who."""

    REQUIREMENTS = "requirements"
    DESIGN = "design"
    CODE = "code"
    CONFIGURATION = "configuration"
    DATA = "data"
    DEPENDENCY = "dependency"
    INFRASTRUCTURE = "infrastructure"
    TEST_GAP = "test_gap"
    PROCESS = "process"
    UNKNOWN = "unknown"


class EscapedTestLayer(StrEnum):
    """The test layer that should have caught the defect and did not."""

    UNIT = "unit"
    INTEGRATION = "integration"
    CONTRACT = "contract"
    END_TO_END = "end_to_end"
    PERFORMANCE = "performance"
    SECURITY = "security"
    MANUAL = "manual"
    NONE = "none"


AUTOMATABLE_LAYERS = frozenset(
    {
        EscapedTestLayer.UNIT,
        EscapedTestLayer.INTEGRATION,
        EscapedTestLayer.CONTRACT,
        EscapedTestLayer.END_TO_END,
        EscapedTestLayer.PERFORMANCE,
        EscapedTestLayer.SECURITY,
    }
)
"""Layers an automated test would cover: a pattern of escapes through them is test automation."""


class DefectSeverity(StrEnum):
    """How badly the defect hurt users or the business."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class PatternKind(StrEnum):
    """What a defect pattern says."""

    RECURRING_ROOT_CAUSE = "recurring_root_cause"
    """At least N defects of one root-cause category in the period."""
    RECURRING_ESCAPED_LAYER = "recurring_escaped_layer"
    """At least N defects escaped through one automatable test layer in the period."""
    RISING_ESCAPE_RATE = "rising_escape_rate"
    """A service's defects per production deployment rose against the previous period."""
    FAILING_CHANGE_TYPE = "failing_change_type"
    """A change type among those with the most defects per release in the period."""


class BacklogItemType(StrEnum):
    """What a pattern becomes in sprint planning."""

    TECHNICAL_DEBT = "technical_debt"
    TEST_AUTOMATION = "test_automation"

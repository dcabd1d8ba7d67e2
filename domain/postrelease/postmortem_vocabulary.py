"""Words of blameless post-mortems (ORM-free): statuses, factor categories, action targets."""

from __future__ import annotations

from enum import StrEnum


class PostMortemStatus(StrEnum):
    """OPEN until someone completes it, every action item verified done."""

    OPEN = "open"
    COMPLETED = "completed"


class FactorCategory(StrEnum):
    """What contributed, as a system or a process: never who."""

    CODE_DEFECT = "code_defect"
    CONFIGURATION = "configuration"
    DEPENDENCY = "dependency"
    CAPACITY = "capacity"
    MONITORING_GAP = "monitoring_gap"
    TESTING_GAP = "testing_gap"
    REVIEW_PROCESS = "review_process"
    RELEASE_PROCESS = "release_process"
    DOCUMENTATION = "documentation"
    COMMUNICATION = "communication"
    VENDOR = "vendor"


class ActionTargetKind(StrEnum):
    """The control an action item changes; it is done when that change exists."""

    DOCUMENTATION_TEMPLATE = "documentation_template"
    READINESS_CHECKLIST_ITEM = "readiness_checklist_item"
    TEST_CASE = "test_case"
    PIPELINE_GATE = "pipeline_gate"
    GUARDRAIL_VALUE = "guardrail_value"


class ActionStatus(StrEnum):
    """OPEN until the change it names is found; then DONE, linked to that change."""

    OPEN = "open"
    DONE = "done"

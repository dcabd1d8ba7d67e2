"""Error codes owned by source changes (`SourceChangeErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class SourceChangeErrorCode(StrEnum):
    INVALID_VERSION = "INVALID_VERSION"
    INVALID_SHA = "INVALID_SHA"
    DUPLICATE_SHA = "DUPLICATE_SHA"
    NO_COMMITS = "NO_COMMITS"
    TOO_MANY_COMMITS = "TOO_MANY_COMMITS"
    INVALID_PULL_REQUEST = "INVALID_PULL_REQUEST"
    TIME_WITHOUT_OFFSET = "TIME_WITHOUT_OFFSET"
    TIME_IN_FUTURE = "TIME_IN_FUTURE"
    PULL_REQUEST_TIMES_OUT_OF_ORDER = "PULL_REQUEST_TIMES_OUT_OF_ORDER"


refuse_duplicates(
    {
        # Two CI jobs reporting the same commit of the same version at once: the second is told
        # it is there already (and may report again: the report is idempotent).
        "uq_source_commits_service_id_artifact_version_sha": Duplicate(
            KernelErrorCode.ALREADY_EXISTS,
            "This commit of this version was being recorded at the same time; report again.",
            "commits",
        ),
    }
)

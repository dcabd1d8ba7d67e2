"""Error codes owned by source changes (`SourceChangeErrorCode`)."""

from __future__ import annotations

from enum import StrEnum


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

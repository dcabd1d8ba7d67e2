"""Words of DORA's four keys (ORM-free): the switches a query may turn, each documented where
it changes a figure (`dora_rules`), and the levels of the benchmark tables (`dora_benchmarks`)."""

from __future__ import annotations

from enum import StrEnum


class FailureDefinition(StrEnum):
    """What makes a production change a failure for the change failure rate.

    INCIDENT (the default, DevLake's): at least one incident is attributed to it. ROLLBACK: it
    was rolled back. HOTFIX: a hotfix release of the same service followed it. ANY: any of
    them. Rolled-back deployments are in the denominator only when rollbacks count (ROLLBACK,
    ANY): DevLake counts only successful deployments, and a rolled-back one did not succeed.
    """

    INCIDENT = "incident"
    ROLLBACK = "rollback"
    HOTFIX = "hotfix"
    ANY = "any"


class Statistic(StrEnum):
    """How lead time and time to restore are summed up: MEDIAN (DevLake's: the lower median,
    the largest value whose percent rank is at most 0.5) or P75 (the same at 0.75)."""

    MEDIAN = "median"
    P75 = "p75"


class Attribution(StrEnum):
    """Which change an incident counts against.

    LAST_CHANGE (the default, DevLake's): the last successful production change of the same
    service (of the kinds counted; deployments unless asked otherwise) that finished before the
    incident was created. RECORDED: the change the incident's attribution names (postrelease's
    rule, or a person's confirmation or re-attribution), when it is among the changes counted.
    """

    LAST_CHANGE = "last_change"
    RECORDED = "recorded"


class Benchmarks(StrEnum):
    """Which benchmark table grades the figures: the 2023 or the 2021 Accelerate State of DevOps
    report, as Apache DevLake's DORA dashboard encodes them (`dora_benchmarks`)."""

    DORA_2023 = "dora_2023"
    DORA_2021 = "dora_2021"


class Level(StrEnum):
    """A benchmark table's performance cluster."""

    ELITE = "elite"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Bucket(StrEnum):
    """The trend's buckets: calendar weeks (from Monday, UTC) or calendar months."""

    WEEK = "week"
    MONTH = "month"

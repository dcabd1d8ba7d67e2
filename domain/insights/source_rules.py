"""Pure rules of source changes: what a reported commit must look like before it is kept."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from domain.insights import source_commands as cmd
from domain.insights.source_errors import SourceChangeErrorCode as Code
from domain.kernel.errors import DomainError
from domain.kernel.rules import trimmed

MAX_COMMITS = 500
"""At most this many commits in one report (a version built from more reports them in parts)."""
SHA = re.compile(r"^[0-9a-f]{7,64}$")


def version(value: str) -> str:
    """The artifact version, 1 to 128 characters."""
    return trimmed(
        value,
        1,
        128,
        "An artifact version is 1 to 128 characters.",
        code=Code.INVALID_VERSION,
        field="artifactVersion",
    )


def sha(value: str) -> str:
    """A commit id: 7 to 64 hexadecimal digits (SHA-1 or SHA-256, abbreviated or not),
    kept in lower case so the same commit reported twice is the same row."""
    norm = value.strip().lower()
    if not SHA.match(norm):
        raise DomainError(
            "A commit sha is 7 to 64 hexadecimal digits.", code=Code.INVALID_SHA, field="sha"
        )
    return norm


def _moment(value: datetime | None, now: datetime, field: str) -> None:
    if value is None:
        return
    if value.tzinfo is None:
        raise DomainError(
            f"{field} carries its UTC offset (…Z or …+02:00).",
            code=Code.TIME_WITHOUT_OFFSET,
            field=field,
        )
    if value > now:
        raise DomainError(
            f"{field} cannot be in the future.", code=Code.TIME_IN_FUTURE, field=field
        )


def _ordered(pr: cmd.PullRequestTimes) -> None:
    """Opened ≤ first review ≤ merged, opened ≤ approved ≤ merged (an approval may come before
    or after the first review comment: an approval often is the first review)."""
    chains = [
        (pr.opened_at, pr.first_review_at),
        (pr.first_review_at, pr.merged_at),
        (pr.opened_at, pr.approved_at),
        (pr.approved_at, pr.merged_at),
        (pr.opened_at, pr.merged_at),
    ]
    if any(a is not None and b is not None and b < a for a, b in chains):
        raise DomainError(
            "A pull request is opened, then reviewed and approved, then merged.",
            code=Code.PULL_REQUEST_TIMES_OUT_OF_ORDER,
            field="pullRequest",
        )


def commits(found: Sequence[cmd.Commit], now: datetime) -> list[cmd.Commit]:
    """The reported commits, checked and with their shas normalised; a refusal names the first
    problem."""
    if not found:
        raise DomainError("Report at least one commit.", code=Code.NO_COMMITS, field="commits")
    if len(found) > MAX_COMMITS:
        raise DomainError(
            f"At most {MAX_COMMITS} commits in one report.",
            code=Code.TOO_MANY_COMMITS,
            field="commits",
        )
    out: list[cmd.Commit] = []
    seen: set[str] = set()
    for c in found:
        s = sha(c.sha)
        if s in seen:
            raise DomainError(
                f"Commit {s} is reported twice.", code=Code.DUPLICATE_SHA, field="commits"
            )
        seen.add(s)
        _moment(c.authored_at, now, "authoredAt")
        _moment(c.committed_at, now, "committedAt")
        pr = c.pull_request
        if pr is not None:
            trimmed(
                pr.ref,
                1,
                200,
                "A pull request reference is 1 to 200 characters.",
                code=Code.INVALID_PULL_REQUEST,
                field="pullRequest",
            )
            for name in ("opened_at", "first_review_at", "approved_at", "merged_at"):
                _moment(getattr(pr, name), now, "pullRequest")
            _ordered(pr)
        out.append(cmd.Commit(s, c.authored_at, c.committed_at, pr))
    return out

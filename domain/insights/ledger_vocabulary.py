"""Words of the change ledger (ORM-free). The kinds of change are attribution's
(`postrelease.attribution_vocabulary.ChangeKind`): the ledger counts what attribution blames."""

from __future__ import annotations

from enum import StrEnum

from domain.postrelease.attribution_vocabulary import ChangeKind

__all__ = ["ChangeKind", "LedgerOutcome"]


class LedgerOutcome(StrEnum):
    """How a production change ended, the worst first: ROLLED_BACK (it was undone),
    CAUSED_INCIDENT (an incident is attributed to it), HOTFIXED (a hotfix release of the same
    service followed it), else SUCCEEDED."""

    ROLLED_BACK = "rolled_back"
    CAUSED_INCIDENT = "caused_incident"
    HOTFIXED = "hotfixed"
    SUCCEEDED = "succeeded"

"""The words of non-functional requirements (NFRs) validated in staging: closed enums, no ORM.

The standard NFRs are guardrail words (guardrails name the ones a tier requires), so their
enum lives in domain.guardrails.vocabulary; a service adds custom ones, keyed by name."""

from __future__ import annotations

from enum import StrEnum

from domain.guardrails.vocabulary import StandardNfr as NfrKind

__all__ = ["Comparison", "NfrKind", "NfrRunSource", "NfrStatus"]


class Comparison(StrEnum):
    """How a measured figure is held against the target."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class NfrStatus(StrEnum):
    """What the staging runs say of one requirement for one version."""

    MET = "met"
    MISSED = "missed"
    NOT_MEASURED = "not_measured"


class NfrRunSource(StrEnum):
    """How a staging run's results reached Signalbox."""

    GRAPHQL = "graphql"
    CDEVENTS = "cdevents"

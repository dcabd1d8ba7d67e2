"""Pure rules of environment parity: every way two config snapshots diverge.

`divergences` compares two snapshots' facts (domain.environments.facts reads them); an
environment with no snapshot is never in parity (the comparison fails closed).
`promotion_divergences` is what a promotion from final staging is judged on: the image of the
service being promoted is the change itself, so it may differ in (or be new to) the target;
every other divergence still counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class DivergenceKind(StrEnum):
    SNAPSHOT_MISSING_LEFT = "snapshot_missing_left"
    SNAPSHOT_MISSING_RIGHT = "snapshot_missing_right"
    HELM_CHART = "helm_chart"
    HELM_CHART_VERSION = "helm_chart_version"
    HELM_VALUES_DIGEST = "helm_values_digest"
    TERRAFORM_SERIAL = "terraform_serial"
    TERRAFORM_DIGEST = "terraform_digest"
    IMAGE_DIGEST = "image_digest"
    SERVICE_MISSING_LEFT = "service_missing_left"
    SERVICE_MISSING_RIGHT = "service_missing_right"


MIRROR = {
    DivergenceKind.SNAPSHOT_MISSING_LEFT: DivergenceKind.SNAPSHOT_MISSING_RIGHT,
    DivergenceKind.SNAPSHOT_MISSING_RIGHT: DivergenceKind.SNAPSHOT_MISSING_LEFT,
    DivergenceKind.SERVICE_MISSING_LEFT: DivergenceKind.SERVICE_MISSING_RIGHT,
    DivergenceKind.SERVICE_MISSING_RIGHT: DivergenceKind.SERVICE_MISSING_LEFT,
}


@dataclass(frozen=True, slots=True)
class SnapshotFacts:
    """What parity compares of a snapshot."""

    id: uuid.UUID | None = None
    helm_chart: str | None = None
    helm_chart_version: str | None = None
    helm_values_digest: str | None = None
    terraform_serial: int | None = None
    terraform_digest: str | None = None
    images: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Divergence:
    kind: DivergenceKind
    left: str | None
    right: str | None
    service: str | None = None

    def mirrored(self) -> Divergence:
        return Divergence(MIRROR.get(self.kind, self.kind), self.right, self.left, self.service)


@dataclass(frozen=True, slots=True)
class ParityResult:
    left_environment_id: uuid.UUID
    right_environment_id: uuid.UUID
    left_snapshot_id: uuid.UUID | None
    right_snapshot_id: uuid.UUID | None
    divergences: list[Divergence]

    @property
    def in_parity(self) -> bool:
        return not self.divergences


def _text(value: object) -> str | None:
    return None if value is None else str(value)


SCALARS = (
    (DivergenceKind.HELM_CHART, "helm_chart"),
    (DivergenceKind.HELM_CHART_VERSION, "helm_chart_version"),
    (DivergenceKind.HELM_VALUES_DIGEST, "helm_values_digest"),
    (DivergenceKind.TERRAFORM_SERIAL, "terraform_serial"),
    (DivergenceKind.TERRAFORM_DIGEST, "terraform_digest"),
)


def divergences(left: SnapshotFacts | None, right: SnapshotFacts | None) -> list[Divergence]:
    """Every divergence of right from left, in a stable order (scalars, then services by key)."""
    if left is None or right is None:
        out = []
        left_id, right_id = _text(left and left.id), _text(right and right.id)
        if left is None:
            out.append(Divergence(DivergenceKind.SNAPSHOT_MISSING_LEFT, None, right_id))
        if right is None:
            out.append(Divergence(DivergenceKind.SNAPSHOT_MISSING_RIGHT, left_id, None))
        return out
    out = [
        Divergence(kind, _text(getattr(left, attr)), _text(getattr(right, attr)))
        for kind, attr in SCALARS
        if getattr(left, attr) != getattr(right, attr)
    ]
    for service in sorted(set(left.images) | set(right.images)):
        a, b = left.images.get(service), right.images.get(service)
        if a is None:
            out.append(Divergence(DivergenceKind.SERVICE_MISSING_LEFT, None, b, service))
        elif b is None:
            out.append(Divergence(DivergenceKind.SERVICE_MISSING_RIGHT, a, None, service))
        elif a != b:
            out.append(Divergence(DivergenceKind.IMAGE_DIGEST, a, b, service))
    return out


PROMOTED_MAY_DIFFER = frozenset({DivergenceKind.IMAGE_DIGEST, DivergenceKind.SERVICE_MISSING_RIGHT})
"""How the promoted service's image may diverge: another build, or its first in the target."""


def promotion_divergences(
    staging: SnapshotFacts | None, target: SnapshotFacts | None, promoted_service: str
) -> list[Divergence]:
    """Every divergence of the target from final staging but the promoted service's image."""
    return [
        d
        for d in divergences(staging, target)
        if not (d.service == promoted_service and d.kind in PROMOTED_MAY_DIFFER)
    ]

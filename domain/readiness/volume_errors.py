"""Error codes of production volume profiles (readiness)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class VolumeErrorCode(StrEnum):
    INVALID_VOLUME = "INVALID_VOLUME"
    VOLUME_REQUIRED = "VOLUME_REQUIRED"
    INVALID_SOURCE = "INVALID_SOURCE"


refuse_duplicates(
    {
        "uq_readiness_volume_profiles_service_id": Duplicate(
            KernelErrorCode.VERSION_CONFLICT,
            "The service's volume profile was just set by someone else; read it and try again.",
            "serviceId",
        ),
    }
)

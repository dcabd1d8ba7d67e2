"""Domain events of the flags context, announced once their unit of work has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FlagFlipped:
    """A flag's state changed in a production environment: a production change, which the
    calendar and the delivery metrics count like a deployment."""

    flag_id: uuid.UUID
    flag_key: str
    service_id: uuid.UUID
    bu_id: uuid.UUID
    environment: str
    enabled: bool
    change_id: uuid.UUID
    actor: str
    occurred_at: datetime
    production: bool = True


@dataclass(frozen=True, slots=True)
class FlagsChanged:
    """Some flag, state or segment changed: evaluation snapshots of this process are stale."""

    flag_keys: tuple[str, ...] = ()

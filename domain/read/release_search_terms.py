"""The words of the release search (domain/read/release_search.py): what may be asked, in which
orders, within which limits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_TEXT = 200
"""The longest text searched for (a release title is at most 200 characters)."""
MAX_VALUES = 100
"""At most this many values in one list filter (services, statuses, change types...)."""


class ReleaseSort(StrEnum):
    """The orders releases are listed in; ties are broken by id."""

    CREATED_AT = "CREATED_AT"
    PLANNED_START = "PLANNED_START"
    TITLE = "TITLE"


@dataclass(frozen=True, slots=True)
class ReleaseSearch:
    """What to look for; an empty field does not filter. `planned_from`/`planned_to` keep the
    releases whose planned window overlaps [from, to) (either bound may be open); a release with
    no planned window never matches a range. `risk_levels`: the level of the release's latest
    assessment (a release never assessed never matches)."""

    text: str = ""
    bu_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    service_ids: tuple[uuid.UUID, ...] = ()
    owner_id: uuid.UUID | None = None
    change_types: tuple[str, ...] = ()
    risk_levels: tuple[str, ...] = ()
    planned_from: datetime | None = None
    planned_to: datetime | None = None
    sort: str = ReleaseSort.CREATED_AT
    descending: bool = False

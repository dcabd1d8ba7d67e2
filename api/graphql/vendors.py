"""Vendors: attestations and vendor releases on the calendar."""

from __future__ import annotations

import strawberry


@strawberry.type
class VendorsQuery:
    pass


@strawberry.type
class VendorsMutation:
    pass

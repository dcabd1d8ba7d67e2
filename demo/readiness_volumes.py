"""Production volumes in the living world (issue 16): the SRE keeps the production volume of
the services CI builds, and CI's performance runs go at close to that volume (so the card
gateway's builds count for its tier-1 floor); the settlement build's benchmark, run on a tenth
of production, does not count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.readiness import volume_profiles
from domain.readiness.volume_commands import SetVolumeProfile

if TYPE_CHECKING:
    from api.runtime import Runtime

# service -> (rows, requests per second) in production
PRODUCTION_VOLUMES: dict[str, tuple[int, float]] = {
    "card-gateway": (48_000_000, 1_800.0),
    "ledger-core": (2_400_000_000, 950.0),
    "settlement": (310_000_000, 120.0),
    "payout-scheduler": (26_000_000, 40.0),
    "fx-rates": (1_200_000, 300.0),
}
SMALL_RUNS = frozenset({"settlement"})
"""Services whose benchmark ran on a tenth of production (it does not count for tier 1)."""


def run_volume(service: str) -> dict[str, Any]:
    """The volume CI's performance run of a demo build used: 95 % of production, or 10 %."""
    rows, rps = PRODUCTION_VOLUMES.get(service, (0, 0.0))
    share = 0.1 if service in SMALL_RUNS else 0.95
    return {"rows": round(rows * share), "requests_per_second": round(rps * share, 1)}


async def load_volumes(runtime: Runtime, cast: Cast) -> None:
    """The SRE sets each built service's production volume (before CI's runs are judged)."""

    async def set_all(uow: UnitOfWork) -> None:
        for service, (rows, rps) in PRODUCTION_VOLUMES.items():
            await volume_profiles.set_profile(
                uow,
                SetVolumeProfile(
                    cast.services[service], rows=rows, requests_per_second=rps, source="declared"
                ),
            )

    await runtime.units.run(set_all, actor=cast.actor("sre"))

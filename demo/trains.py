"""The demo's release trains: a payments train and a retail train, each with Program
Increments around today (one under way, the next two planned), their departures, features of
several teams with a cross-team dependency, an integration window on the payments train's next
departure with results, and the environments of each train.

Dates follow the clock: the first PI starts on the Monday four weeks before the demo was
loaded and three PIs of ten weeks follow each other, so a demo opened months later still has
upcoming departures.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.cast import Cast
from domain.environments import catalog
from domain.environments.commands import CreateEnvironment
from domain.kernel.uow import UnitOfWork
from domain.trains import commands as tc
from domain.trains import features, integration, trains
from domain.trains.cadence import Cadence
from domain.trains.models import Departure

# key -> (bu, name, product domain, cadence, weekday (0 = Monday), PIs)
TRAINS = {
    "payments-express": ("payments", "Payments Express", "payments", "bi_weekly", 3, 3),
    "retail-app": ("retail", "Retail app train", "retail", "weekly", 1, 3),
}

# train -> [(team, title, effort, departure index from the next one or None)]
FEATURES = {
    "payments-express": [
        ("acquiring", "Network tokens for card-on-file", 5, 0),
        ("ledger", "Ledger postings for network tokens", 3, 0),
        ("payouts", "Instant payouts to debit cards", 8, 1),
        ("acquiring", "3-D Secure 2.3 frictionless flow", 5, 2),
    ],
    "retail-app": [
        ("mobile", "Card freeze from the lock screen", 3, 0),
        ("accounts", "Card freeze in the accounts API", 2, 0),
    ],
}


@dataclass(frozen=True, slots=True)
class TrainWorld:
    """What later steps of the world board onto or deploy through."""

    train_ids: dict[str, uuid.UUID]
    next_departures: dict[str, list[Departure]]


def first_pi_start(now: datetime) -> date:
    """The Monday four weeks before now: the first PI is under way, its planning done."""
    today = now.date()
    return today - timedelta(days=today.weekday(), weeks=4)


async def load_trains(uow: UnitOfWork, cast: Cast) -> TrainWorld:
    """Trains, PIs, departures, features and integration windows (as the RMO)."""
    now = uow.clock.now()
    ids: dict[str, uuid.UUID] = {}
    upcoming: dict[str, list[Departure]] = {}
    for key, (bu, name, domain, kind, weekday, pis) in TRAINS.items():
        train = await trains.create_train(
            uow,
            tc.CreateTrain(
                bu_id=cast.bus[bu],
                key=key,
                name=name,
                product_domain=domain,
                cadence=Cadence(kind, "17:00", "Europe/Amsterdam", weekday),
            ),
        )
        made = await trains.create_pis(
            uow, tc.CreatePi(train.id, 5, 2, starts_on=first_pi_start(now), count=pis)
        )
        departures = await trains.generate_departures(
            uow, tc.GenerateDepartures(train.id, made[0].id, made[-1].id)
        )
        ids[key] = train.id
        upcoming[key] = sorted((d for d in departures if d.departs_at > now), key=_departs)
        await _features(uow, cast, key, made[0].id, upcoming[key])
    await _integration(uow, cast, upcoming["payments-express"][0])
    await _environments(uow, cast, ids)
    return TrainWorld(ids, upcoming)


def _departs(departure: Departure) -> datetime:
    return departure.departs_at


async def _features(
    uow: UnitOfWork, cast: Cast, train: str, pi_id: uuid.UUID, upcoming: list[Departure]
) -> None:
    made = []
    for team, title, effort, index in FEATURES[train]:
        departure = upcoming[index] if index is not None and index < len(upcoming) else None
        feature = await features.create_feature(
            uow,
            tc.CreateFeature(
                team_id=cast.teams[team],
                pi_id=departure.pi_id if departure else pi_id,
                title=title,
                departure_id=departure.id if departure else None,
                effort=effort,
            ),
        )
        made.append(feature)
    # The first feature needs the second (another team's): a cross-team dependency.
    await features.add_dependency(uow, made[0].id, made[1].id, "Postings must exist first.")


async def _integration(uow: UnitOfWork, cast: Cast, departure: Departure) -> None:
    """The next payments departure's integration-test window, held this morning and passed
    (a result is recorded once a window has opened; an open window still blocks promotion)."""
    now = uow.clock.now()
    window = await integration.schedule_window(
        uow,
        tc.ScheduleIntegration(
            departure_id=departure.id,
            starts_at=now - timedelta(hours=8),
            ends_at=now - timedelta(hours=2),
            team_ids=[cast.teams["acquiring"], cast.teams["ledger"]],
            service_ids=[cast.services["card-gateway"], cast.services["ledger-core"]],
        ),
    )
    await integration.record_result(
        uow, tc.RecordResult(window.id, "payments-e2e", True, "212 scenarios, all green.")
    )


async def _environments(uow: UnitOfWork, cast: Cast, train_ids: dict[str, uuid.UUID]) -> None:
    """Each train's integration and final staging environments."""
    for key, (bu, name, domain, *_rest) in TRAINS.items():
        for suffix, kind, final in (("int", "test", False), ("staging", "staging", True)):
            await catalog.create_environment(
                uow,
                CreateEnvironment(
                    key=f"{key}-{suffix}",
                    name=f"{name} {'integration' if suffix == 'int' else 'staging'}",
                    kind=kind,
                    capacity=2,
                    bu_id=cast.bus[bu],
                    product_domain=domain,
                    train_id=train_ids[key],
                    final_staging=final,
                ),
            )

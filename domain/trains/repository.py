"""SQL of the trains context. Lists are keyset pages; batch reads are one statement each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import facts as governance
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, rows_with_bu_by_ids, scoped
from domain.trains.models import (
    CadenceChange,
    Departure,
    DepartureBoarding,
    Feature,
    FeatureDependency,
    IntegrationResult,
    IntegrationWindow,
    ProgramIncrement,
    Train,
)

TRAIN = Train.__table__
PI = ProgramIncrement.__table__
CADENCE = CadenceChange.__table__
DEP = Departure.__table__
BOARD = DepartureBoarding.__table__
FEATURE = Feature.__table__
LINK = FeatureDependency.__table__
WINDOW = IntegrationWindow.__table__
RESULT = IntegrationResult.__table__

Rows = dict[Any, Row[Any]]


def _departures() -> Select[Any]:
    """Departures with what scoping and display need of their train."""
    return select(DEP, TRAIN.c.bu_id, TRAIN.c.key.label("train_key")).join(
        TRAIN, TRAIN.c.id == DEP.c.train_id
    )


async def _rows(session: AsyncSession, stmt: Select[Any]) -> list[Row[Any]]:
    return list((await session.execute(stmt)).all())


# -- trains, PIs, cadence ------------------------------------------------------------------


async def train_key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.scalar(select(TRAIN.c.id).where(TRAIN.c.key == key))) is not None


async def pis_of_train(session: AsyncSession, train_id: uuid.UUID) -> list[ProgramIncrement]:
    stmt = select(ProgramIncrement).where(ProgramIncrement.train_id == train_id)
    return list((await session.scalars(stmt.order_by(ProgramIncrement.seq))).all())


async def cadence_changes(session: AsyncSession, train_id: uuid.UUID) -> list[CadenceChange]:
    stmt = select(CadenceChange).where(CadenceChange.train_id == train_id)
    return list((await session.scalars(stmt.order_by(CadenceChange.seq))).all())


async def departures_of_pis(session: AsyncSession, pi_ids: Sequence[uuid.UUID]) -> list[Departure]:
    if not pi_ids:
        return []
    stmt = select(Departure).where(Departure.pi_id.in_(pi_ids)).order_by(Departure.departs_at)
    return list((await session.scalars(stmt)).all())


async def boarded_departures(session: AsyncSession, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    stmt = select(BOARD.c.departure_id).where(BOARD.c.departure_id.in_(ids)).distinct()
    return set((await session.scalars(stmt)).all())


async def boarding_of_release(
    session: AsyncSession, release_id: uuid.UUID
) -> DepartureBoarding | None:
    stmt = select(DepartureBoarding).where(DepartureBoarding.release_id == release_id)
    return (await session.scalars(stmt)).first()


async def release_info(
    session: AsyncSession, release_id: uuid.UUID
) -> governance.ReleaseSummary | None:
    return (await governance.releases(session, [release_id])).get(release_id)


# -- read side: pages and batches ----------------------------------------------------------


async def trains_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    product_domain: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(TRAIN), TRAIN.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(TRAIN.c.bu_id == bu_id)
    if product_domain is not None:
        stmt = stmt.where(TRAIN.c.product_domain == product_domain)
    return await page_by(session, stmt, TRAIN, "key", first=first, after=after)


async def trains_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    return await rows_by_ids(session, TRAIN, ids)


async def pis_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    return await rows_with_bu_by_ids(session, PI, ids, parent=TRAIN, via="train_id")


async def pis_by_train(session: AsyncSession, train_ids: Sequence[uuid.UUID]) -> Grouped:
    if not train_ids:
        return {}
    stmt = select(PI, TRAIN.c.bu_id).join(TRAIN, TRAIN.c.id == PI.c.train_id)
    stmt = stmt.where(PI.c.train_id.in_(train_ids)).order_by(PI.c.train_id, PI.c.seq)
    return group_by(await _rows(session, stmt), "train_id")


async def cadence_by_train(session: AsyncSession, train_ids: Sequence[uuid.UUID]) -> Grouped:
    if not train_ids:
        return {}
    stmt = select(CADENCE).where(CADENCE.c.train_id.in_(train_ids))
    return group_by(
        await _rows(session, stmt.order_by(CADENCE.c.train_id, CADENCE.c.seq)), "train_id"
    )


async def departures_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    return await rows_by_ids(session, DEP, ids, stmt=_departures())


async def departure_pages(
    session: AsyncSession,
    parent: str,
    parent_ids: Sequence[uuid.UUID],
    *,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of departures per train or per PI (`parent`: train_id | pi_id), by code: a
    train's codes sort by date."""
    stmt = _departures()
    if not include_cancelled:
        stmt = stmt.where(DEP.c.status != "cancelled")
    return await fetch_pages_by_parent(
        session,
        stmt,
        parent_col=DEP.c[parent],
        parent_ids=parent_ids,
        sort_col=DEP.c.code,
        id_col=DEP.c.id,
        sort_key="code",
        parent_key=parent,
        first=first,
        after=after,
    )


async def releases_by_departure(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = select(BOARD.c.departure_id, BOARD.c.release_id).where(BOARD.c.departure_id.in_(ids))
    return group_by(await _rows(session, stmt.order_by(BOARD.c.created_at)), "departure_id")


async def windows_by_departure(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    if not ids:
        return {}
    stmt = select(WINDOW).where(WINDOW.c.departure_id.in_(ids))
    return {r.departure_id: r for r in await _rows(session, stmt)}


async def windows_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    return await rows_by_ids(session, WINDOW, ids)


async def results_by_window(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = select(RESULT).where(RESULT.c.window_id.in_(ids))
    return group_by(
        await _rows(session, stmt.order_by(RESULT.c.recorded_at, RESULT.c.id)), "window_id"
    )


async def features_page(
    session: AsyncSession,
    scope: Scope,
    *,
    train_id: uuid.UUID | None,
    pi_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    departure_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(FEATURE), FEATURE.c.bu_id, scope)
    for col, value in (
        (FEATURE.c.train_id, train_id),
        (FEATURE.c.pi_id, pi_id),
        (FEATURE.c.team_id, team_id),
        (FEATURE.c.departure_id, departure_id),
    ):
        if value is not None:
            stmt = stmt.where(col == value)
    return await page_by(session, stmt, FEATURE, "title", first=first, after=after)


async def features_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Rows:
    return await rows_by_ids(session, FEATURE, ids)


async def links(session: AsyncSession, ids: Sequence[uuid.UUID], *, of: str) -> Grouped:
    """Dependency rows grouped by consumer (`of="consumer_id"`) or provider."""
    if not ids:
        return {}
    stmt = select(LINK).where(LINK.c[of].in_(ids)).order_by(LINK.c.created_at, LINK.c.id)
    return group_by(await _rows(session, stmt), of)


async def feature_ids_where(session: AsyncSession, col: str, value: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(FEATURE.c.id).where(FEATURE.c[col] == value)
    return list((await session.scalars(stmt)).all())


async def edges_touching(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    if not ids:
        return []
    stmt = select(LINK.c.consumer_id, LINK.c.provider_id).where(
        or_(LINK.c.consumer_id.in_(ids), LINK.c.provider_id.in_(ids))
    )
    return await _rows(session, stmt)


async def pis_of_trains(session: AsyncSession, train_ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    if not train_ids:
        return []
    return await _rows(session, select(PI).where(PI.c.train_id.in_(train_ids)))


async def departures_of_pi_ids(
    session: AsyncSession, pi_ids: Sequence[uuid.UUID]
) -> list[Row[Any]]:
    if not pi_ids:
        return []
    return await _rows(session, _departures().where(DEP.c.pi_id.in_(pi_ids)))


async def remove_links_of(session: AsyncSession, feature_id: uuid.UUID) -> list[Row[Any]]:
    stmt = select(LINK).where(
        or_(LINK.c.consumer_id == feature_id, LINK.c.provider_id == feature_id)
    )
    rows = await _rows(session, stmt)
    await session.execute(
        delete(FeatureDependency).where(
            or_(
                FeatureDependency.consumer_id == feature_id,
                FeatureDependency.provider_id == feature_id,
            )
        )
    )
    return rows

"""Read use cases of the trains context: lists scoped to the BUs the actor may read, batch
reads for DataLoaders, the feature graph with its findings, and re-planning previews."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource, Scope
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, scoped_page
from domain.trains import graph as g
from domain.trains import repository as repo
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.integration import gate_of
from domain.trains.rules import GateResult
from domain.trains.vocabulary import DepartureStatus

Rows = dict[Any, Row[Any]]
DeparturePageKey = tuple[uuid.UUID, str, bool, int | None, str | None]
"""(parent id, "train_id" | "pi_id", include cancelled, first, after)"""


def _visible(rows: Rows, scope: Scope) -> Rows:
    return rows if scope.everywhere else {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


trains = scoped_page(Resource.TRAIN, repo.trains_page)


trains_by_id = readable_by_id(Resource.TRAIN, repo.trains_by_ids)


pis_by_id = readable_by_id(Resource.TRAIN, repo.pis_by_ids)


departures_by_id = readable_by_id(Resource.TRAIN, repo.departures_by_ids)


async def pis_of_trains(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.pis_by_train(r.session, ids)


async def cadence_history(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.cadence_by_train(r.session, ids)


async def departure_pages(r: Reader, keys: Sequence[DeparturePageKey]) -> list[Page[Row[Any]]]:
    """A page of departures per (train or PI, filters): one statement per distinct filter."""
    groups: dict[tuple[str, bool, int | None, str | None], list[uuid.UUID]] = {}
    for parent, kind, cancelled, first, after in keys:
        groups.setdefault((kind, cancelled, first, after), []).append(parent)
    out: dict[DeparturePageKey, Page[Row[Any]]] = {}
    for (kind, cancelled, first, after), parents in groups.items():
        pages = await repo.departure_pages(
            r.session, kind, parents, include_cancelled=cancelled, first=first, after=after
        )
        out.update({(p, kind, cancelled, first, after): pages[p] for p in parents})
    return [out[k] for k in keys]


async def releases_of_departures(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Any]]:
    grouped = await repo.releases_by_departure(r.session, ids)
    return {k: [row.release_id for row in v] for k, v in grouped.items()}


async def windows_of_departures(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        await repo.windows_by_departure(r.session, ids), r.scope(Resource.INTEGRATION_WINDOW)
    )


windows_by_id = readable_by_id(Resource.INTEGRATION_WINDOW, repo.windows_by_ids)


async def results_of_windows(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.results_by_window(r.session, ids)


async def integration_status(
    r: Reader, ids: Sequence[uuid.UUID], now: datetime
) -> dict[Any, GateResult]:
    """The integration gate of each departure (two statements for any number)."""
    windows = await repo.windows_by_departure(r.session, ids)
    results = await repo.results_by_window(r.session, [w.id for w in windows.values()])
    return {
        d: gate_of(
            windows.get(d), list(results.get(windows[d].id, [])) if d in windows else [], now
        )
        for d in ids
    }


features = scoped_page(Resource.FEATURE, repo.features_page)


features_by_id = readable_by_id(Resource.FEATURE, repo.features_by_ids)


async def providers_of(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Any]]:
    grouped = await repo.links(r.session, ids, of="consumer_id")
    return {k: [row.provider_id for row in v] for k, v in grouped.items()}


async def consumers_of(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Any]]:
    grouped = await repo.links(r.session, ids, of="provider_id")
    return {k: [row.consumer_id for row in v] for k, v in grouped.items()}


# -- the graph -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphView:
    graph: g.Graph
    in_scope: frozenset[uuid.UUID]
    findings: list[g.Finding]
    critical_paths: list[g.CriticalPath]


async def _component(r: Reader, seed: list[uuid.UUID]) -> g.Graph:
    """The features linked to the seed (both directions, transitively) that the actor may
    read, with every PI of their trains and those PIs' departures."""
    known, frontier = set(seed), list(seed)
    edges: set[g.Edge] = set()
    while frontier:
        rows = await repo.edges_touching(r.session, frontier)
        edges |= {(x.consumer_id, x.provider_id) for x in rows}
        frontier = [n for x in rows for n in (x.consumer_id, x.provider_id) if n not in known]
        known |= set(frontier)
        if len(known) > g.MAX_GRAPH_FEATURES:
            raise DomainError(
                f"More than {g.MAX_GRAPH_FEATURES} linked features; narrow the graph down.",
                code=Code.GRAPH_TOO_LARGE,
            )
    found = await features_by_id(r, sorted(known, key=str))
    pis = await repo.pis_of_trains(r.session, sorted({x.train_id for x in found.values()}, key=str))
    departures = await repo.departures_of_pi_ids(r.session, [p.id for p in pis])
    return g.Graph(
        features={
            x.id: g.FeatureFacts(
                x.id, x.title, x.team_id, x.train_id, x.pi_id, x.departure_id, x.effort
            )
            for x in found.values()
        },
        edges=sorted((c, p) for c, p in edges if c in found and p in found),
        departures={
            d.id: g.DepartureFacts(
                d.id,
                d.train_id,
                d.pi_id,
                d.code,
                d.departs_at,
                d.status == DepartureStatus.SCHEDULED,
            )
            for d in departures
        },
        pis={p.id: g.PiFacts(p.id, p.train_id, p.seq, p.name, p.starts_at, p.ends_at) for p in pis},
    )


async def feature_graph(
    r: Reader, *, pi_id: uuid.UUID | None, train_id: uuid.UUID | None
) -> GraphView:
    """The dependency graph of a PI's or a train's features, with everything linked to them,
    the findings that touch them, and the critical path of each PI in scope."""
    if (pi_id is None) == (train_id is None):
        raise DomainError("Give a piId or a trainId.", field="piId")
    if pi_id is not None:
        pi = (await pis_by_id(r, [pi_id])).get(pi_id)
        if pi is None:
            raise NotFound("Program increment was not found.", field="piId")
        seed = await repo.feature_ids_where(r.session, "pi_id", pi_id)
        pi_ids = [pi_id]
    else:
        assert train_id is not None
        if train_id not in await trains_by_id(r, [train_id]):
            raise NotFound("Train was not found.", field="trainId")
        seed = await repo.feature_ids_where(r.session, "train_id", train_id)
        pi_ids = []
    graph = await _component(r, seed)
    in_scope = frozenset(s for s in seed if s in graph.features)
    if train_id is not None:
        pi_ids = sorted(
            {p.id for p in graph.pis.values() if p.train_id == train_id},
            key=lambda p: graph.pis[p].seq,
        )
    findings = [f for f in g.check(graph) if in_scope & set(f.feature_ids)]
    paths = [g.critical_path(graph, p) for p in pi_ids if p in graph.pis or pi_id is not None]
    return GraphView(graph, in_scope, findings, [p for p in paths if p.feature_ids])


async def replan_preview(
    r: Reader, feature_id: uuid.UUID, pi_id: uuid.UUID | None, departure_id: uuid.UUID | None
) -> tuple[g.Graph, g.ReplanImpact]:
    """What else would move if this feature were planned for another PI or departure."""
    if (await features_by_id(r, [feature_id])).get(feature_id) is None:
        raise NotFound("Feature was not found.", field="featureId")
    if departure_id is not None:
        departure = (await departures_by_id(r, [departure_id])).get(departure_id)
        if departure is None:
            raise NotFound("Departure was not found.", field="newDepartureId")
        if pi_id is not None and departure.pi_id != pi_id:
            raise DomainError(
                f"Departure {departure.code} is not in that PI.",
                code=Code.DEPARTURE_NOT_OF_PI,
                field="newDepartureId",
            )
        pi_id = departure.pi_id
    if pi_id is None or (await pis_by_id(r, [pi_id])).get(pi_id) is None:
        raise NotFound("Program increment was not found.", field="newPiId")
    graph = await _component(r, [feature_id])
    if pi_id not in graph.pis:
        extra = (await repo.pis_by_ids(r.session, [pi_id]))[pi_id]
        more = await repo.departures_of_pi_ids(r.session, [pi_id])
        graph = g.Graph(
            graph.features,
            graph.edges,
            {
                **graph.departures,
                **{
                    d.id: g.DepartureFacts(
                        d.id, d.train_id, d.pi_id, d.code, d.departs_at, d.status == "scheduled"
                    )
                    for d in more
                },
            },
            {
                **graph.pis,
                pi_id: g.PiFacts(
                    extra.id, extra.train_id, extra.seq, extra.name, extra.starts_at, extra.ends_at
                ),
            },
        )
    return graph, g.replan_impact(graph, feature_id, pi_id, departure_id)

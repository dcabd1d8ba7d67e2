"""Helpers of the environments API tests: GraphQL documents and small factories."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from api.graphql.relay import to_global_id
from tests.api.conftest import Api, ids, unique

CREATE = """
mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) {
  environment { id key kind capacity version } errors { code field } } }"""
REQUEST = """
mutation($i: ReservationRequestInput!) { reservationRequest(input: $i) {
  reservation { id status version queuePosition holder { kind id label } }
  queuePosition
  contention { reason message holder { kind id label } startsAt endsAt reservation { id } }
  errors { code field } } }"""
RELEASE = """
mutation($i: ReservationReleaseInput!) { reservationRelease(input: $i) {
  reservation { id status } promoted { id status queuePosition } errors { code } } }"""
REPORT = """
mutation($i: ConfigSnapshotReportInput!) { configSnapshotReport(input: $i) {
  configSnapshot { id helmValuesDigest images { service digest } reporter } errors { code field } } }"""
PARITY = """
query($l: ID!, $r: ID!) { environmentParity(left: $l, right: $r) {
  inParity divergences { kind service left right } left { key } right { key }
  leftSnapshot { id } rightSnapshot { id } } }"""


def iso(t: datetime) -> str:
    return t.isoformat()


def digest(n: int | str) -> str:
    return "sha256:" + f"{n}".encode().hex().rjust(64, "0")[-64:]


def train() -> str:
    return to_global_id("Train", uuid.uuid4())


def hours(api: Api, start: int, end: int) -> tuple[str, str]:
    # Far in the future and unique per call, so tests sharing the database never meet.
    base = api.runtime.clock.now() + timedelta(days=30)
    return iso(base + timedelta(hours=start)), iso(base + timedelta(hours=end))


async def environment(api: Api, **kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": unique("env"),
        "name": "Staging",
        "kind": "STAGING",
        "businessUnitId": (await ids(api))["payments"],
    }
    values.update(kw)
    data = await api.ok(CREATE, {"i": values})
    return data["environmentCreate"]["environment"]  # type: ignore[no-any-return]


async def reserve(api: Api, env: dict[str, Any], start: int, end: int, **kw: Any) -> Any:
    starts, ends = hours(api, start, end)
    values: dict[str, Any] = {
        "environmentId": env["id"],
        "holderKind": "TRAIN",
        "holderId": train(),
        "startsAt": starts,
        "endsAt": ends,
    }
    values.update(kw)
    as_user = values.pop("as_user", "release-manager")
    data = await api.ok(REQUEST, {"i": values}, as_user=as_user)
    return data["reservationRequest"]

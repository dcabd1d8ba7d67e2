"""A reservation's holder label is another BU's business: on an org-wide environment, a caller
meeting another BU's reservation in its way, or promoted by its release, never reads that
BU's label (a release's title, a team's name) — only a neutral one."""

from __future__ import annotations

from domain.environments.reservations import OTHER_BU
from tests.api.conftest import Api, ids
from tests.api.environments_support import RELEASE, environment, reserve

SECRET = "Retail's unannounced launch"


async def shared_environment(api: Api) -> dict[str, object]:
    return await environment(api, businessUnitId=None)


async def retail_reserves(api: Api, env: dict[str, object], start: int, end: int) -> object:
    return await reserve(
        api,
        env,
        start,
        end,
        holderLabel=SECRET,
        businessUnitId=(await ids(api))["retail"],
        as_user="retail-admin",
    )


async def payments_reserves(api: Api, env: dict[str, object], start: int, end: int) -> object:
    return await reserve(api, env, start, end, businessUnitId=(await ids(api))["payments"])


class TestAnotherBusinessUnitsHolder:
    async def test_in_the_way_it_is_named_neutrally_and_its_label_never_shown(
        self, api: Api
    ) -> None:
        env = await shared_environment(api)
        await retail_reserves(api, env, 0, 48)
        mine = await payments_reserves(api, env, 10, 20)
        (blocker,) = mine["contention"]  # type: ignore[index]
        assert blocker["holder"]["label"] == OTHER_BU
        assert blocker["message"].startswith(OTHER_BU)
        assert SECRET not in str(mine)
        assert blocker["reservation"] is None  # not the caller's to read either

    async def test_the_owner_and_the_rmo_still_read_it(self, api: Api) -> None:
        env = await shared_environment(api)
        await payments_reserves(api, env, 0, 48)
        retail = await retail_reserves(api, env, 10, 20)
        assert SECRET not in str(retail["contention"])  # type: ignore[index]
        own = await payments_reserves(api, env, 12, 14)
        labels = {b["holder"]["label"] for b in own["contention"]}  # type: ignore[index]
        assert OTHER_BU in labels and SECRET not in str(own)
        seen_by_rmo = await reserve(
            api, env, 13, 15, businessUnitId=(await ids(api))["platform"], as_user="rmo"
        )
        assert SECRET in {b["holder"]["label"] for b in seen_by_rmo["contention"]}

    async def test_promoted_by_the_callers_release_it_is_not_listed(self, api: Api) -> None:
        env = await shared_environment(api)
        first = await payments_reserves(api, env, 0, 48)
        queued = await retail_reserves(api, env, 10, 20)
        assert queued["reservation"]["status"] == "QUEUED"  # type: ignore[index]
        data = await api.ok(
            RELEASE,
            {"i": {"id": first["reservation"]["id"], "version": 1}},  # type: ignore[index]
            as_user="release-manager",
        )
        assert data["reservationRelease"]["promoted"] == []
        promoted = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Reservation { status } } }",
            {"id": queued["reservation"]["id"]},  # type: ignore[index]
            as_user="retail-admin",
        )
        assert promoted["node"]["status"] == "GRANTED"

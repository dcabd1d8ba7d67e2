"""Environments through GraphQL: the issue's scenarios, queue promotion, snapshots, node ids."""

from __future__ import annotations

from tests.api.conftest import Api, unique
from tests.api.environments_support import (
    PARITY,
    RELEASE,
    REPORT,
    digest,
    environment,
    reserve,
)


class TestParallelTrainsDoNotCollideOnStaging:
    async def test_two_trains_asking_for_one_staging_environment_get_contention_and_a_queue_position(
        self, api: Api
    ) -> None:
        staging = await environment(api, kind="STAGING", productDomain="payments-core")
        first = await reserve(api, staging, 0, 48, holderLabel="Payments train")
        second = await reserve(api, staging, 24, 72, holderLabel="Checkout train")
        assert first["reservation"]["status"] == "GRANTED"
        assert first["contention"] == []
        assert second["reservation"]["status"] == "QUEUED"
        assert second["queuePosition"] == 1
        assert second["reservation"]["queuePosition"] == 1
        (blocker,) = second["contention"]
        assert blocker["reason"] == "EXCLUSIVE"
        assert blocker["holder"] == first["reservation"]["holder"]
        assert blocker["holder"]["label"] == "Payments train"
        assert blocker["reservation"]["id"] == first["reservation"]["id"]
        assert "Payments train" in blocker["message"]

    async def test_releasing_the_first_train_promotes_the_second(self, api: Api) -> None:
        domain = unique("pd")
        staging = await environment(api, productDomain=domain)
        first = await reserve(api, staging, 0, 48)
        second = await reserve(api, staging, 24, 72)
        third = await reserve(api, staging, 30, 40)
        data = await api.ok(
            RELEASE,
            {"i": {"id": first["reservation"]["id"], "version": 1}},
            as_user="release-manager",
        )
        released = data["reservationRelease"]
        assert released["reservation"]["status"] == "RELEASED"
        assert released["promoted"] == [
            {"id": second["reservation"]["id"], "status": "GRANTED", "queuePosition": None}
        ]
        listed = await api.ok(
            """query($d: String!) { environments(filter: {productDomain: $d}) { nodes {
                 reservations { nodes { id status queuePosition } } } } }""",
            {"d": domain},
        )
        (env,) = listed["environments"]["nodes"]
        assert [
            (r["id"], r["status"], r["queuePosition"]) for r in env["reservations"]["nodes"]
        ] == [
            (first["reservation"]["id"], "RELEASED", None),
            (second["reservation"]["id"], "GRANTED", None),
            (third["reservation"]["id"], "QUEUED", 1),
        ]

    async def test_shared_reservations_share_the_capacity(self, api: Api) -> None:
        env = await environment(api, kind="TEST", capacity=2)
        got = [await reserve(api, env, 0, 10, mode="SHARED") for _ in range(3)]
        assert [g["reservation"]["status"] for g in got] == ["GRANTED", "GRANTED", "QUEUED"]
        assert {c["reason"] for c in got[2]["contention"]} == {"CAPACITY"}


class TestParity:
    async def test_a_parity_report_between_staging_and_production_lists_a_differing_helm_digest(
        self, api: Api
    ) -> None:
        staging = await environment(api, kind="STAGING")
        production = await environment(api, kind="PRODUCTION", region="eu-west-1")
        common = {
            "helmChart": "payments",
            "helmChartVersion": "3.2.1",
            "terraformSerial": 42,
            "terraformDigest": digest("tf"),
            "images": [{"service": "api", "digest": digest("api")}],
        }
        for env, values in ((staging, digest("v-staging")), (production, digest("v-prod"))):
            await api.ok(
                REPORT,
                {"i": {"environmentId": env["id"], "helmValuesDigest": values, **common}},
                as_user="ci",
            )
        data = await api.ok(PARITY, {"l": staging["id"], "r": production["id"]})
        report = data["environmentParity"]
        assert report["inParity"] is False
        assert report["divergences"] == [
            {
                "kind": "HELM_VALUES_DIGEST",
                "service": None,
                "left": digest("v-staging"),
                "right": digest("v-prod"),
            }
        ]
        assert (report["left"]["key"], report["right"]["key"]) == (
            staging["key"],
            production["key"],
        )

    async def test_a_bad_digest_is_a_payload_error_naming_the_field(self, api: Api) -> None:
        env = await environment(api)
        body = await api.gql(
            REPORT,
            {"i": {"environmentId": env["id"], "images": [{"service": "api", "digest": "x"}]}},
            as_user="ci",
        )
        assert body["data"]["configSnapshotReport"]["errors"] == [
            {"code": "INVALID_DIGEST", "field": "images"}
        ]


class TestSnapshotsOfAnEnvironment:
    async def test_current_snapshot_is_the_newest_and_history_pages(self, api: Api) -> None:
        domain = unique("pd")
        env = await environment(api, productDomain=domain)
        for n in range(3):
            await api.ok(
                REPORT,
                {
                    "i": {
                        "environmentId": env["id"],
                        "images": [{"service": "api", "digest": digest(n)}],
                    }
                },
                as_user="ci",
            )
        data = await api.ok(
            """query($d: String!) { environments(filter: {productDomain: $d}) { nodes {
                 currentSnapshot { images { service digest } reporter }
                 snapshots(first: 2) { nodes { images { digest } } pageInfo { hasNextPage } } } } }""",
            {"d": domain},
        )
        (node,) = data["environments"]["nodes"]
        assert node["currentSnapshot"] == {
            "images": [{"service": "api", "digest": digest(2)}],
            "reporter": "ci",
        }
        assert [s["images"][0]["digest"] for s in node["snapshots"]["nodes"]] == [
            digest(0),
            digest(1),
        ]
        assert node["snapshots"]["pageInfo"]["hasNextPage"] is True

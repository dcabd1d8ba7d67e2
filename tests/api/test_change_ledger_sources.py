"""CI reports the commits a version was built from; the source facts read them back."""

from __future__ import annotations

from datetime import timedelta

from api.graphql.relay import from_global_id
from domain.insights import source_facts
from tests.api.conftest import Api, unique
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import commit, iso, report_source


class TestCiReportsTheCommitsOfAVersion:
    async def test_commits_and_pull_requests_are_recorded_and_summed_up_per_version(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        now = api.runtime.clock.now()
        t = now - timedelta(days=3)
        pr = {
            "ref": "payments/api#12",
            "openedAt": iso(t + timedelta(hours=2)),
            "firstReviewAt": iso(t + timedelta(hours=5)),
            "approvedAt": iso(t + timedelta(hours=6)),
            "mergedAt": iso(t + timedelta(hours=7)),
        }
        version = unique("v")
        found = await report_source(
            api,
            service,
            version,
            commit("aaaaaaa", t),
            commit("BBBBBBB", t + timedelta(hours=1), pr),
        )
        assert found["errors"] == []
        assert [c["sha"] for c in found["commits"]] == ["aaaaaaa", "bbbbbbb"]
        sid = from_global_id(service, "Service")
        async with api.runtime.db.read_session() as session:
            facts = await source_facts.source_changes(session, [(sid, version), (sid, "absent")])
        assert set(facts) == {(sid, version)}
        f = facts[(sid, version)]
        assert (f.first_commit_at, f.commit_count) == (t, 2)
        assert (f.pr_opened_at, f.first_review_at) == (
            t + timedelta(hours=2),
            t + timedelta(hours=5),
        )
        assert (f.approved_at, f.merged_at) == (t + timedelta(hours=6), t + timedelta(hours=7))

    async def test_reporting_the_same_commits_again_changes_nothing_and_fills_what_was_missing(
        self, api: Api
    ) -> None:
        [service] = await services(api, "payments")
        t = api.runtime.clock.now() - timedelta(days=1)
        version = unique("v")
        await report_source(api, service, version, commit("ccccccc", t))
        await report_source(api, service, version, commit("ccccccc", t))
        pr = {"ref": "payments/api#13", "openedAt": iso(t), "mergedAt": iso(t + timedelta(hours=1))}
        again = await report_source(api, service, version, commit("ccccccc", t, pr))
        assert again["commits"][0]["mergedAt"] is not None
        sid = from_global_id(service, "Service")
        async with api.runtime.db.read_session() as session:
            facts = await source_facts.source_changes(session, [(sid, version)])
        assert facts[(sid, version)].commit_count == 1
        assert facts[(sid, version)].merged_at == t + timedelta(hours=1)

    async def test_a_bad_sha_stores_nothing(self, api: Api) -> None:
        [service] = await services(api, "payments")
        t = api.runtime.clock.now() - timedelta(days=1)
        version = unique("v")
        refused = await report_source(
            api, service, version, commit("ddddddd", t), commit("not-a-sha", t)
        )
        assert refused["commits"] is None
        assert [e["errorCode"] for e in refused["errors"]] == ["INVALID_SHA"]
        sid = from_global_id(service, "Service")
        async with api.runtime.db.read_session() as session:
            assert await source_facts.source_changes(session, [(sid, version)]) == {}

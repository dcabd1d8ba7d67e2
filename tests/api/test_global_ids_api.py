"""Each surface answers in global ids, takes a global id or (deprecated) the raw UUID, and
refuses garbage with a stable code: the evidence pack endpoint, audit records, `/decisions`."""

from __future__ import annotations

import uuid
from typing import Any

from api.global_ids import PACK_FORMAT, to_global_id, type_of_global_id
from domain.compliance.evidence_rules import seal
from tests.api.conftest import Api
from tests.api.evidence_support import Ingress, binary, cdevent, ingress
from tests.api.test_evidence_pack import _approved
from tests.api.test_global_ids import raw_uuids
from tests.api.test_promotion_decision import world

__all__ = ["ingress"]
RECORDS = """query($f: AuditRecordFilter) {
  auditRecords(filter: $f, first: 100) { nodes { seq action entityId entityRawId } } }"""


def raw(global_id: str) -> str:
    return str(type_of_global_id(global_id)[1])


class TestTheEvidencePackEndpoint:
    async def test_a_global_id_or_the_raw_uuid_gives_the_pack_in_global_ids(self, api: Api) -> None:
        rel = await _approved(api)
        headers = {"authorization": f"Bearer {api.token('auditor')}"}
        for named in (rel["id"], raw(rel["id"])):
            answer = await api.http.get(f"/evidence/releases/{named}", headers=headers)
            assert answer.status_code == 200, answer.text
            pack = answer.json()
            assert pack["format"] == PACK_FORMAT
            assert pack["release"]["id"] == rel["id"]
            assert pack["digest"] == seal(pack) == answer.headers["x-evidence-digest"]
            assert list(raw_uuids(pack, quoted="after")) == []
            assert rel["id"] in {i["entity"]["id"] for i in pack["items"]}

    async def test_garbage_and_an_id_of_another_type_are_bad_input(self, api: Api) -> None:
        headers = {"authorization": f"Bearer {api.token('auditor')}"}
        for garbage in ("not-an-id", to_global_id("Train", uuid.uuid4())):
            answer = await api.http.get(f"/evidence/releases/{garbage}", headers=headers)
            assert answer.status_code == 400
            assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestAuditRecords:
    async def test_the_entity_is_named_by_global_id_and_found_by_either_form(
        self, api: Api
    ) -> None:
        rel = await _approved(api)
        by_global = await api.ok(RECORDS, {"f": {"entityId": rel["id"]}}, as_user="auditor")
        nodes = by_global["auditRecords"]["nodes"]
        assert {n["action"] for n in nodes} >= {"release.create", "release.approve"}
        assert {(n["entityId"], n["entityRawId"]) for n in nodes} == {(rel["id"], raw(rel["id"]))}
        filters: list[dict[str, Any]] = [
            {"entityId": raw(rel["id"])},
            {"entityId": rel["id"], "entityType": "release"},
        ]
        for f in filters:
            again = await api.ok(RECORDS, {"f": f}, as_user="auditor")
            assert again["auditRecords"]["nodes"] == nodes

    async def test_garbage_or_an_id_of_another_type_is_bad_input(self, api: Api) -> None:
        train = to_global_id("Train", uuid.uuid4())
        filters: list[dict[str, Any]] = [
            {"entityId": "garbage"},
            {"entityId": train, "entityType": "release"},
            {"businessUnitId": "garbage"},
        ]
        for f in filters:
            body = await api.gql(RECORDS, {"f": f}, as_user="auditor")
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", f


class TestDecisionsForCi:
    async def test_the_answer_names_everything_by_global_id(self, api: Api) -> None:
        w = await world(api)
        headers = {"authorization": f"Bearer {api.token('ci')}"}
        params = {"service": w["serviceKey"], "environment": w["env"]["key"]}
        for release in (w["release"]["id"], raw(w["release"]["id"])):
            body = {**params, "version": w["version"], "release": release}
            posted = await api.http.post("/decisions", json=body, headers=headers)
            assert posted.status_code == 201, posted.text
            assert type_of_global_id(posted.json()["promotionId"])[0] == "Promotion"
            assert list(raw_uuids(posted.json())) == []

    async def test_a_release_that_is_no_id_is_bad_input(self, api: Api) -> None:
        w = await world(api)
        headers = {"authorization": f"Bearer {api.token('ci')}"}
        params = {"service": w["serviceKey"], "environment": w["env"]["key"], "version": "1"}
        asked = await api.http.get("/decisions", params={**params, "release": "x"}, headers=headers)
        assert asked.status_code == 400
        assert asked.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestCdEventsIngest:
    async def test_the_stored_event_is_named_by_global_id(self, ingress: Ingress) -> None:
        answer = await ingress.post(
            binary(cdevent("build.started")), **{"x-signalbox-business-unit": "payments"}
        )
        assert answer.status_code == 202, answer.text
        assert type_of_global_id(answer.json()["id"])[0] == "CdEvent"

"""The go/no-go disciplines the guardrails require show on a session's rule, through GraphQL
(SQLite and PostgreSQL); a board's own rule names none."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.governance_support import PAYMENTS_GO_DISCIPLINES, open_session

RULE = """query($id: ID!) { node(id: $id) { ... on GoNoGoSession {
  rule { requiredDisciplines goDisciplines } board { rule { goDisciplines } } } } }"""


class TestTheRuleShowsTheGuardrailDisciplines:
    async def test_a_session_shows_the_disciplines_its_release_needs_a_go_from(
        self, api: Api
    ) -> None:
        session, _ = await open_session(api)
        data = await api.ok(RULE, {"id": session["id"]})
        assert data["node"]["rule"] == {
            "requiredDisciplines": [],
            "goDisciplines": sorted(PAYMENTS_GO_DISCIPLINES),
        }
        assert data["node"]["board"]["rule"]["goDisciplines"] == []

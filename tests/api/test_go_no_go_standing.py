"""Where the viewer stands in a go/no-go session: what a portal needs to offer a vote or not."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.governance_support import VOTE, open_session, payload

STANDING = """query($id: ID!) { node(id: $id) { ... on GoNoGoSession {
  viewer { mayVote discipline reason } } } }"""


class TestTheViewerKnowsWhetherTheyMayVote:
    async def test_a_member_may_vote_for_their_discipline(self, api: Api) -> None:
        session, voters = await open_session(api)
        data = await api.ok(STANDING, {"id": session["id"]}, as_user=voters[0]["username"])
        assert data["node"]["viewer"] == {
            "mayVote": True,
            "discipline": "ENGINEERING",
            "reason": "You vote for engineering.",
        }

    async def test_a_viewer_and_an_approver_outside_the_board_may_not(self, api: Api) -> None:
        session, _ = await open_session(api)
        viewer = await api.ok(STANDING, {"id": session["id"]}, as_user="viewer")
        assert viewer["node"]["viewer"]["mayVote"] is False
        assert "may not vote" in viewer["node"]["viewer"]["reason"]
        outsider = await api.ok(STANDING, {"id": session["id"]}, as_user="approver")
        assert outsider["node"]["viewer"] == {
            "mayVote": False,
            "discipline": None,
            "reason": "Only the board's members vote.",
        }

    async def test_nobody_may_vote_once_the_session_closed(self, api: Api) -> None:
        from tests.api.governance_support import CLOSE

        session, voters = await open_session(api)
        vote = {"sessionId": session["id"], "choice": "GO", "rationale": "Fine."}
        assert payload(await api.gql(VOTE, {"i": vote}, as_user=voters[0]["username"]))
        closed = payload(
            await api.gql(CLOSE, {"i": {"id": session["id"], "version": session["version"]}})
        )
        assert closed["errors"] == [], closed
        data = await api.ok(STANDING, {"id": session["id"]}, as_user=voters[1]["username"])
        assert data["node"]["viewer"]["mayVote"] is False
        assert data["node"]["viewer"]["reason"] == "The session is closed."

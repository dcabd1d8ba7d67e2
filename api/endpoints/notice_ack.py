"""/notices/ack: a team's contact acknowledges a downtime notice by the signed link it was mailed.

Mail clients and link scanners fetch links on their own, so GET only shows a page with a button;
the POST it sends (the token in the body) acknowledges, in one unit of work, audited as the
link's acknowledgement. The path is public (see `api.middleware`): the signature is the
credential. A forged or altered token answers 403 BAD_SIGNATURE, an expired one 410
LINK_EXPIRED, and neither reads nor changes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from api.endpoints.writes import write
from api.html import render
from api.http import BodyTooLarge, read_body
from api.notice_links import ACK_PATH, LinkProblem, LinkRefused, verify
from domain.kernel.access import Actor
from domain.readiness import notice_acks
from domain.readiness.notice_models import DowntimeRecipient

if TYPE_CHECKING:
    from api.runtime import Runtime

LINK_ACTOR = Actor(
    person_id=None,
    username="ack-link",
    display_name="Signed acknowledgement link",
    subjects=("ack-link",),
    via="link",
)
MAX_FORM_BYTES = 4096
STATUS = {LinkProblem.BAD_SIGNATURE: 403, LinkProblem.LINK_EXPIRED: 410}
EXPLAINED = {
    LinkProblem.BAD_SIGNATURE: "This link is not one Signalbox sent, or it was altered.",
    LinkProblem.LINK_EXPIRED: "This link has expired; acknowledge in Signalbox instead.",
}


def _page(title: str, message: str, status: int = 200, token: str | None = None) -> Response:
    body = render("notice_ack.html.j2", title=title, message=message, token=token, action=ACK_PATH)
    return HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})


def _refused(refusal: LinkRefused) -> Response:
    response = _page("Not acknowledged", EXPLAINED[refusal.problem], STATUS[refusal.problem])
    response.headers["x-signalbox-error"] = str(refusal.problem)
    return response


def notice_ack_routes(runtime: Runtime) -> list[Route]:
    settings = runtime.settings

    async def show(request: Request) -> Response:
        token = request.query_params.get("t", "")
        try:
            verify(settings, token, runtime.clock.now())
        except LinkRefused as refusal:
            return _refused(refusal)
        return _page(
            "Downtime notice",
            "Acknowledge that your team has read the downtime notice and is prepared.",
            token=token,
        )

    async def acknowledge(request: Request) -> Response:
        try:
            body = await read_body(request, MAX_FORM_BYTES)
        except BodyTooLarge:
            return _refused(LinkRefused(LinkProblem.BAD_SIGNATURE))
        token = parse_qs(body.decode("latin-1")).get("t", [""])[0]
        try:
            recipient_id = verify(settings, token, runtime.clock.now())
        except LinkRefused as refusal:
            return _refused(refusal)

        def done(recipient: DowntimeRecipient) -> Response:
            return _page("Acknowledged", "Thank you: your team's acknowledgement is recorded.")

        return await write(
            runtime,
            request,
            lambda uow: notice_acks.acknowledge_by_link(uow, recipient_id),
            done,
            actor=LINK_ACTOR,
        )

    return [
        Route(ACK_PATH, show, methods=["GET"]),
        Route(ACK_PATH, acknowledge, methods=["POST"]),
    ]

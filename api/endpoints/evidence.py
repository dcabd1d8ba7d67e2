"""Evidence packs over HTTP: `GET /evidence/releases/{id}` as JSON, or `?format=html` to read.

`{id}` is the release's global id (its raw UUID is still accepted, deprecated; anything else is
a 400 BAD_USER_INPUT); the pack (format signalbox.evidence-pack/2) names what it lists by
global id.

The same use case as the GraphQL mutation `releaseEvidencePackExport`: it needs
`evidence_pack/export` in the release's BU, and every export is recorded in the audit trail
(with the pack's digest), so the trail shows who took which evidence and when.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from api.endpoints.writes import write
from api.global_ids import from_id_or_uuid, pack_with_global_ids, to_global_id
from api.http import ORJSONResponse, error_response
from domain.compliance.evidence_rules import CONTROLS
from domain.kernel.errors import DomainError
from domain.read.evidence_pack import export_evidence_pack

if TYPE_CHECKING:
    from api.runtime import Runtime

PATH = "/evidence/releases/{release_id}"
_templates = Environment(
    loader=PackageLoader("api", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)


def evidence_url(release_id: uuid.UUID, fmt: str = "json") -> str:
    """Where the pack of a release is read, by the release's global id (what the API hands out)."""
    path = PATH.format(release_id=quote(to_global_id("Release", release_id), safe="="))
    return path if fmt == "json" else f"{path}?format={fmt}"


def render_html(pack: dict[str, Any]) -> str:
    """The pack as a self-contained, printable HTML page (no scripts, no external assets)."""
    return _templates.get_template("evidence_pack.html.j2").render(pack=pack, controls=CONTROLS)


def evidence_routes(runtime: Runtime) -> list[Route]:
    async def export(request: Request) -> Response:
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "html"):
            return error_response(400, "BAD_USER_INPUT", "format is json or html.")
        try:
            release_id = from_id_or_uuid(request.path_params["release_id"], "Release", "id")
        except DomainError as e:
            return error_response(400, "BAD_USER_INPUT", e.message)

        def respond(pack: dict[str, Any]) -> Response:
            headers = {"cache-control": "no-store", "x-evidence-digest": pack["digest"]}
            if fmt == "html":
                return HTMLResponse(render_html(pack), headers=headers)
            name = f"evidence-{to_global_id('Release', release_id)}.json"
            headers["content-disposition"] = f'attachment; filename="{name}"'
            return ORJSONResponse(pack, headers=headers)

        return await write(
            runtime,
            request,
            lambda uow: export_evidence_pack(uow, release_id, pack_with_global_ids),
            respond,
        )

    return [Route(PATH, export, methods=["GET"])]

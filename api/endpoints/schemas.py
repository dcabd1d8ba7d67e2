"""`GET /schemas/pipeline-definition.json`: the JSON Schema of a pipeline definition.

The document the validator itself checks against (domain.pipelines.definition_schema), with
its `$id` set to where it was fetched, so editors can point a definition file at it (e.g.
`# yaml-language-server: $schema=https://signalbox.example.com/schemas/pipeline-definition.json`).
It is public like the components bundle: editors and CI linters send no token, and it holds no
data, only the format this open-source code already defines.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.http import ORJSONResponse
from domain.pipelines.definition_schema import published_schema

SCHEMAS_PREFIX = "/schemas/"
PIPELINE_DEFINITION_PATH = SCHEMAS_PREFIX + "pipeline-definition.json"


class _SchemaResponse(ORJSONResponse):
    media_type = "application/schema+json"


async def _pipeline_definition(request: Request) -> Response:
    return _SchemaResponse(
        published_schema(str(request.url.replace(query=None, fragment=None))),
        headers={"cache-control": "public, max-age=300"},
    )


def schema_routes() -> list[Route]:
    return [Route(PIPELINE_DEFINITION_PATH, _pipeline_definition, methods=["GET"])]

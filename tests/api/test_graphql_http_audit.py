"""The `graphql-http` audit (the GraphQL over HTTP spec) against a live loopback Signalbox.

The audit is the npm package's own `auditServer`, run under node by
web-components/scripts/graphql-http-audit.mjs against uvicorn on 127.0.0.1; it needs node and
`npm ci` in web-components (skipped with the reason otherwise, a failure under CI=true).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from tests.api.conftest import Api
from tests.api.test_ofrep_sdk import serving
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "web-components"
SCRIPT = COMPONENTS / "scripts" / "graphql-http-audit.mjs"
AUDIT_TIMEOUT = 180


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed: the graphql-http audit runs under node")
    if not (COMPONENTS / "node_modules" / "graphql-http").is_dir():
        skip_or_fail("web-components/node_modules lacks graphql-http: run `make components`")
    assert node is not None
    return node


class TestGraphQLOverHttpAudit:
    async def test_no_must_fails_and_the_shoulds_we_chose_pass(
        self, api: Api, migrated_url: str
    ) -> None:
        node = _node()
        # The same data directory as `api`: the same local issuer key, so its token is valid.
        with serving(migrated_url, api.runtime.settings.data_dir) as base:
            process = await asyncio.create_subprocess_exec(
                node,
                str(SCRIPT),
                f"{base}/graphql",
                cwd=COMPONENTS,
                env={"PATH": str(Path(node).parent), "SB_AUDIT_TOKEN": api.token("rmo")},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                out, err = await asyncio.wait_for(process.communicate(), AUDIT_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
                raise
        stdout, stderr = out.decode(), err.decode()
        results = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        assert results, stderr
        failed = {r["name"]: r.get("reason") for r in results if r["status"] != "ok"}
        must = {name: why for name, why in failed.items() if name.startswith("MUST")}
        assert must == {}, must
        assert process.returncode == 0, stderr
        # The SHOULDs this server takes on: the new media type, its 4xx, the 415 on no body type.
        should = {name: why for name, why in failed.items() if name.startswith("SHOULD")}
        assert should == {}, should
        assert len(results) > 40

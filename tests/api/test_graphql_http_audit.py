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

import pytest

from api.app import create_app
from tests.api.conftest import Api, settings_for
from tests.conftest import skip_or_fail
from tests.support.live_server import live_server

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
    @pytest.mark.parametrize("env", ["development", "production"])
    async def test_no_must_fails_and_the_shoulds_we_chose_pass(
        self, api: Api, migrated_url: str, env: str
    ) -> None:
        """In both modes (issue 14): production adds trusted documents for pages, narrower
        errors and its own start-up checks, none of which may break the protocol."""
        node = _node()
        # The same data directory as `api`: the same local issuer key, so its token is valid.
        settings = settings_for(migrated_url, api.runtime.settings.data_dir, env=env)
        with live_server(create_app(settings)) as port:
            base = f"http://127.0.0.1:{port}"
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
        if env == "production":
            # Production refuses introspection (OWASP). The probes of the `{variables}`
            # parameter (POST and GET, both media types) ask `__type`, so they meet that
            # refusal, not a fault of the protocol: their bodies say so, and nothing else may
            # fail for it.
            bodies = {r["name"]: r.get("body", "") for r in results}
            by_policy = {n for n in failed if "introspection has been disabled" in bodies[n]}
            assert all("{variables}" in n for n in by_policy), by_policy
            failed = {n: why for n, why in failed.items() if n not in by_policy}
        must = {name: why for name, why in failed.items() if name.startswith("MUST")}
        assert must == {}, must
        # The script counts every MUST failure, the production policy's ones too.
        assert process.returncode == 0 or env == "production", stderr
        # The SHOULDs this server takes on: the new media type, its 4xx, the 415 on no body type.
        should = {name: why for name, why in failed.items() if name.startswith("SHOULD")}
        assert should == {}, should
        assert len(results) > 40

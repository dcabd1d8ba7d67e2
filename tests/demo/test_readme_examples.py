"""The README's examples, run as a reader would run them against `make run` (a live server
loaded with the demo): the `sh example` blocks in bash (their `127.0.0.1:8000` pointed at the
test server), the `graphql example` blocks as the RMO, and every `127.0.0.1:8000` URL fetched.

`make run` and `make test` themselves are not run here: the fixture does what `make run` does
(migrate, demo, serve), and `make test` is this suite.
"""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.demo.conftest import ROOT, SIGNALBOX, DemoServer
from tests.demo.readme import LOCAL, examples, local_paths

SHELL_TIMEOUT_S = 120


def run_shell(server: DemoServer, block: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = block.replace(LOCAL, server.base).replace(".venv/bin/signalbox", str(SIGNALBOX))
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**server.env, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT_S,
    )


class TestTheReadmeMarksItsExamples:
    def test_there_are_shell_and_graphql_examples(self) -> None:
        assert len(examples("sh")) >= 2
        assert len(examples("graphql")) >= 2

    def test_the_extraction_reads_indented_and_marked_blocks_only(self) -> None:
        text = "a\n```sh\nskip\n```\n  ```sh example\n  echo hi\n  ```\n```graphql\n{ x }\n```\n"
        assert [b.text for b in examples("sh", text)] == ["echo hi"]
        assert examples("graphql", text) == []
        assert local_paths(f"see {LOCAL}/graphql. and {LOCAL}/components/demo") == [
            "/graphql",
            "/components/demo",
        ]


class TestTheShellExamplesRunOnTheDemo:
    def test_the_quick_start_lists_users_and_answers_the_query(
        self, demo_server: DemoServer
    ) -> None:
        (quick, *_rest) = examples("sh")
        done = run_shell(demo_server, quick.text)
        assert done.returncode == 0, f"{quick}: {done.stderr}"
        assert "release-manager" in done.stdout
        assert '"card-gateway"' in done.stdout and '"errors"' not in done.stdout

    def test_the_ci_decision_exits_with_the_decisions_code(self, demo_server: DemoServer) -> None:
        (decision,) = [b for b in examples("sh") if "/decisions?" in b.text]
        token = demo_server.token("ci")
        for version, expected in (("4.3.0", "waiting"), ("4.2.9", "refused")):
            asked = httpx.get(
                f"{demo_server.base}/decisions",
                params={
                    "service": "card-gateway",
                    "environment": "production-eu",
                    "version": version,
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            ).json()
            done = run_shell(
                demo_server,
                decision.text,
                SIGNALBOX=demo_server.base,
                SIGNALBOX_TOKEN=token,
                VERSION=version,
            )
            assert done.returncode == asked["exitCode"], f"{decision}: {done.stderr}"
            failed = {g["gate"] for g in asked["gates"] if g["status"] == "failed"}
            pending = {g["gate"] for g in asked["gates"] if g["status"] == "pending"}
            if expected == "waiting" and "freeze" not in failed:
                # Only what an ask cannot carry waits (the quarter-end close refuses it).
                assert asked["status"] == "waiting", asked["summary"]
                assert pending == {"approvals", "sign_offs", "release_status"}, asked["summary"]
            if expected == "refused":
                assert asked["status"] == "refused" and "security_scan" in failed


class TestTheGraphqlExamplesAnswerOnTheDemo:
    @pytest.mark.parametrize("index", range(len(examples("graphql"))))
    def test_the_example_answers_with_data_and_no_error(
        self, demo_server: DemoServer, index: int
    ) -> None:
        block = examples("graphql")[index]
        answer = httpx.post(
            f"{demo_server.base}/graphql",
            json={"query": block.text},
            headers={"Authorization": f"Bearer {demo_server.token('rmo')}"},
            timeout=60,
        ).json()
        assert "errors" not in answer, f"{block}: {answer['errors']}"
        for field, value in answer["data"].items():
            assert value["nodes"], f"{block}: {field} is empty on the demo"


class TestTheReadmeUrlsAnswer:
    def test_every_local_url_answers(self, demo_server: DemoServer) -> None:
        token = demo_server.token("rmo")
        paths = local_paths()
        assert "/components/demo" in paths and "/graphql" in paths
        for path in paths:
            response = httpx.get(
                f"{demo_server.base}{path}",
                headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
                timeout=60,
            )
            assert response.status_code == 200, f"{path}: {response.status_code}"

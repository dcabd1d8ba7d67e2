"""Unleash's client-specification cases, run through Signalbox's pure evaluator by an adapter.

The cases come from ../shared/standards/unleash-client-spec (never copied into the repo). One
test per case. Cases of features Signalbox does not support are DESELECTED (not skipped) by
the explicit list below, each with its reason; `TestTheUnsupportedList` keeps the list exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail
from tests.domain.flags.unleash_adapter import Unsupported, compile_feature, is_enabled, variant_of

SPEC = Path(__file__).resolve().parents[3] / ".." / "shared" / "standards" / "unleash-client-spec"
SPECIFICATIONS = SPEC.resolve() / "specifications"

UNSUPPORTED: dict[str, str] = {
    "06-remote-address-strategy": "the remoteAddress strategy: Signalbox targets on attributes "
    "the caller sends; client IP allow-lists belong to the network, not to a flag",
    "17-dependent-features": "dependent (parent/child) features: Signalbox flags do not depend "
    "on other flags",
    "19-delta-api-hydration": "Unleash's client delta-sync protocol, not flag evaluation",
    "20-delta-api-events": "Unleash's client delta-sync protocol, not flag evaluation",
    "21-regex-constraint-operators": "the REGEX operator: user-supplied regular expressions on "
    "the evaluation hot path are a ReDoS risk; use STR_* operators",
    "22-cidr-constraint-operators": "the IN_CIDR operator: no IP-range targeting",
}
"""Spec files Signalbox does not support, with the reason (the README lists the same)."""


@dataclass(frozen=True)
class Case:
    file: str
    kind: str
    description: str
    state: dict[str, Any]
    toggle: str
    context: dict[str, Any]
    expected: Any


def load_cases() -> list[Case]:
    if not SPECIFICATIONS.is_dir():
        return []
    cases = []
    for name in json.loads((SPECIFICATIONS / "index.json").read_text()):
        data = json.loads((SPECIFICATIONS / name).read_text())
        stem = name.removesuffix(".json")
        for kind in ("tests", "variantTests"):
            for t in data.get(kind, []):
                cases.append(
                    Case(
                        stem,
                        kind,
                        t["description"],
                        data["state"],
                        t["toggleName"],
                        t["context"],
                        t["expectedResult"],
                    )
                )
    return cases


CASES = load_cases()


def _params() -> list[Any]:
    if not CASES:
        return [pytest.param(None, id="specification-missing")]
    return [
        pytest.param(c, id=f"{c.file}:{c.kind}:{i}:{c.description}") for i, c in enumerate(CASES)
    ]


def is_unsupported(case: Case | None) -> bool:
    return case is not None and case.file in UNSUPPORTED


class TestUnleashClientSpecification:
    @pytest.mark.parametrize("case", _params())
    def test_signalbox_answers_as_an_unleash_client_would(self, case: Case | None) -> None:
        if case is None:
            skip_or_fail(f"The Unleash client specification is missing at {SPECIFICATIONS}")
            return
        flag = compile_feature(case.state, case.toggle)
        if case.kind == "tests":
            assert is_enabled(flag, case.context) is case.expected, case.description
        else:
            assert variant_of(flag, case.context) == case.expected, case.description


class TestTheUnsupportedList:
    def test_every_listed_file_exists_and_is_truly_unsupported(self) -> None:
        if not CASES:
            skip_or_fail(f"The Unleash client specification is missing at {SPECIFICATIONS}")
        files = {c.file for c in CASES}
        assert set(UNSUPPORTED) <= files
        for case in (c for c in CASES if c.file in UNSUPPORTED):
            if "features" not in case.state:
                continue  # the delta-sync files hold events, not a features state
            with pytest.raises(Unsupported):
                compile_feature(case.state, case.toggle)

    def test_most_cases_run(self) -> None:
        if not CASES:
            skip_or_fail(f"The Unleash client specification is missing at {SPECIFICATIONS}")
        supported = [c for c in CASES if not is_unsupported(c)]
        assert len(supported) >= 180

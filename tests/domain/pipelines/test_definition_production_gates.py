"""A stage deploying elsewhere than production may not list a gate the decision judges on
production promotions only: the listing would be silently ignored, so it is refused."""

from __future__ import annotations

import pytest

from domain.kernel.errors import DomainError
from domain.pipelines import definition_rules as rules
from domain.pipelines.definition_errors import DefinitionErrorCode as Code
from tests.domain.pipelines.test_definition_world import definition


def refusal(source: str) -> DomainError:
    with pytest.raises(DomainError) as e:
        rules.parse_definition(source)
    return e.value


class TestProductionOnlyGatesOnOtherStages:
    @pytest.mark.parametrize("gate", sorted(rules.PRODUCTION_ONLY))
    @pytest.mark.parametrize("kind", [k for k in rules.KINDS if k != "production"])
    def test_each_is_refused_on_a_stage_of_another_kind(self, gate: str, kind: str) -> None:
        error = refusal(definition(("build", "test", []), ("early", kind, ["approvals", gate])))
        assert error.code == Code.GATE_PRODUCTION_ONLY
        assert error.field == "source"
        assert "$.stages[1].gates" in error.message and gate in error.message

    @pytest.mark.parametrize("gate", sorted(rules.PRODUCTION_ONLY))
    def test_each_is_accepted_on_a_production_stage(self, gate: str) -> None:
        parsed = rules.parse_definition(definition(("prod", "production", [gate])))
        assert rules.stages_of(parsed.document)[0].gates == (gate,)

    def test_a_stage_by_key_is_judged_by_its_environment_kind(self) -> None:
        stages = [rules.Stage("qa", None, "payments-qa", ("dr_test",))]
        with pytest.raises(DomainError) as e:
            rules.check_production_only(stages, {"payments-qa": "staging"})
        assert e.value.code == Code.GATE_PRODUCTION_ONLY
        rules.check_production_only(stages, {"payments-qa": "production"})
        rules.check_production_only(stages, {})

    def test_the_gates_judged_everywhere_stay_listable_on_any_stage(self) -> None:
        everywhere = [g for g in rules.GATES if g not in rules.PRODUCTION_ONLY]
        assert "approvals" in everywhere and "security_scan" in everywhere
        rules.parse_definition(definition(("early", "staging", everywhere)))

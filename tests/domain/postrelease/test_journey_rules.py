"""The pure rules of synthetic journeys: checking a definition, templating, judging a step's
response, where a journey may go, and when a failure is a regression that rolls back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.postrelease import journey_rules as rules
from domain.postrelease import journey_targets as targets
from domain.postrelease import journey_templates as templates
from domain.postrelease.journey_assertions import Assertion, Capture, Observed, judge_step
from domain.postrelease.journey_commands import AssertionSpec, CaptureSpec, HeaderSpec, StepSpec
from domain.postrelease.journey_vocabulary import AssertionKind, Operator, RunOutcome

HOSTS = ["shop.example.com"]


def seal(value: str) -> str:
    return "sealed:" + value[::-1]


def step(**kw: Any) -> StepSpec:
    values: dict[str, Any] = {
        "name": "cart",
        "method": "POST",
        "url": "https://shop.example.com/cart",
    }
    return StepSpec(**{**values, **kw})


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(DomainError) as caught:
        call()
    return str(caught.value.code), caught.value.field


class TestWhereAJourneyMayGo:
    @pytest.mark.parametrize(
        "host", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "localhost", "::1"]
    )
    def test_an_internal_address_is_refused_outside_development(self, host: str) -> None:
        url = f"https://[{host}]/" if ":" in host else f"https://{host}/"
        assert code_of(
            lambda: rules.check_steps([step(url=url)], [host], development=False, seal=seal)
        ) == ("INTERNAL_ADDRESS", "steps[0].url")

    def test_the_loopback_is_allowed_in_development_over_plain_http(self) -> None:
        [s] = rules.check_steps(
            [step(url="http://127.0.0.1:8080/cart")], ["127.0.0.1"], development=True, seal=seal
        )
        assert s["url"] == "http://127.0.0.1:8080/cart"

    def test_plain_http_elsewhere_is_refused_even_in_development(self) -> None:
        assert code_of(
            lambda: rules.check_steps(
                [step(url="http://shop.example.com/")], HOSTS, development=True, seal=seal
            )
        ) == ("INVALID_URL", "steps[0].url")

    def test_a_host_not_allowed_for_the_service_is_refused(self) -> None:
        assert code_of(
            lambda: rules.check_steps(
                [step(url="https://evil.example.net/")], HOSTS, development=False, seal=seal
            )
        ) == ("HOST_NOT_ALLOWED", "steps[0].url")

    def test_a_carried_value_may_not_choose_the_host(self) -> None:
        assert code_of(
            lambda: rules.check_steps(
                [step(url="https://{{host}}/cart")], HOSTS, development=False, seal=seal
            )
        ) == ("INVALID_URL", "steps[0].url")

    def test_allowed_hosts_are_names_and_never_internal_outside_development(self) -> None:
        assert targets.check_hosts(
            ["Shop.Example.com.", "shop.example.com"], development=False
        ) == ["shop.example.com"]
        assert code_of(lambda: targets.check_hosts(["10.1.2.3"], development=False)) == (
            "INTERNAL_ADDRESS",
            "hosts",
        )
        assert code_of(lambda: targets.check_hosts(["https://x.com/"], development=False)) == (
            "INVALID_HOSTS",
            "hosts",
        )
        assert targets.check_hosts(["127.0.0.1"], development=True) == ["127.0.0.1"]

    def test_a_rendered_target_is_checked_again(self) -> None:
        assert (
            targets.target_refusal("https://shop.example.com/x", HOSTS, development=False) is None
        )
        assert "allowed hosts" in str(
            targets.target_refusal("https://other.example.com/", HOSTS, development=False)
        )
        assert "internal" in str(
            targets.target_refusal("https://127.0.0.1/", ["127.0.0.1"], development=False)
        )


class TestCheckingADefinition:
    def test_secret_headers_are_sealed_and_plain_ones_kept(self) -> None:
        [s] = rules.check_steps(
            [
                step(
                    headers=(
                        HeaderSpec("Authorization", "Bearer t0k", secret=True),
                        HeaderSpec("X-Trace", "journey"),
                    )
                )
            ],
            HOSTS,
            development=False,
            seal=seal,
        )
        assert s["headers"] == [
            {"name": "Authorization", "sealed": "sealed:k0t reraeB"},
            {"name": "X-Trace", "value": "journey"},
        ]

    def test_a_secret_sent_without_value_keeps_the_sealed_one_of_the_same_step(self) -> None:
        previous = [{"headers": [{"name": "Authorization", "sealed": "sealed:old"}]}]
        [s] = rules.check_steps(
            [step(headers=(HeaderSpec("authorization", None, secret=True),))],
            HOSTS,
            development=False,
            seal=seal,
            previous=previous,
        )
        assert s["headers"] == [{"name": "authorization", "sealed": "sealed:old"}]
        assert code_of(
            lambda: rules.check_steps(
                [step(headers=(HeaderSpec("Authorization", None, secret=True),))],
                HOSTS,
                development=False,
                seal=seal,
            )
        ) == ("SECRET_VALUE_REQUIRED", "steps[0].headers")

    def test_a_value_must_be_captured_by_an_earlier_step(self) -> None:
        later = step(name="pay", url="https://shop.example.com/pay/{{cartId}}")
        assert code_of(lambda: rules.check_steps([later], HOSTS, development=False, seal=seal)) == (
            "UNKNOWN_VARIABLE",
            "steps[0]",
        )
        first = step(captures=(CaptureSpec("cartId", "$.cart.id"),))
        checked = rules.check_steps([first, later], HOSTS, development=False, seal=seal)
        assert checked[1]["url"].endswith("{{cartId}}")

    @pytest.mark.parametrize(
        ("spec", "code"),
        [
            (AssertionSpec("status", "equals", "200"), "INVALID_ASSERTION"),
            (AssertionSpec("json_path", "equals", 1, "cart.id"), "INVALID_JSON_PATH"),
            (AssertionSpec("json_path", "equals", 1, "$.[["), "INVALID_JSON_PATH"),
            (AssertionSpec("latency_ms", "exists"), "INVALID_ASSERTION"),
            (AssertionSpec("status", "equals", 200, "$.x"), "INVALID_ASSERTION"),
            (AssertionSpec("size", "equals", 1), "INVALID_ASSERTION"),
        ],
    )
    def test_a_malformed_assertion_is_refused(self, spec: AssertionSpec, code: str) -> None:
        assert (
            code_of(
                lambda: rules.check_steps(
                    [step(assertions=(spec,))], HOSTS, development=False, seal=seal
                )
            )[0]
            == code
        )

    def test_bounds_of_a_journey(self) -> None:
        assert code_of(lambda: rules.check_steps([], HOSTS, development=False, seal=seal))[0] == (
            "NO_STEPS"
        )
        too_many = [step()] * (rules.MAX_STEPS + 1)
        assert (
            code_of(lambda: rules.check_steps(too_many, HOSTS, development=False, seal=seal))[0]
            == "TOO_MANY_STEPS"
        )
        assert code_of(
            lambda: rules.check_steps([step(timeout_ms=10)], HOSTS, development=False, seal=seal)
        ) == ("INVALID_TIMEOUT", "steps[0].timeoutMs")
        assert code_of(lambda: rules.check_interval(1)) == ("INVALID_INTERVAL", "interval")
        assert code_of(lambda: rules.check_key("Check Out")) == ("INVALID_JOURNEY_KEY", "key")
        assert code_of(
            lambda: rules.check_steps(
                [step(headers=(HeaderSpec("X-A", "a\r\nInjected: 1"),))],
                HOSTS,
                development=False,
                seal=seal,
            )
        ) == ("INVALID_HEADER", "steps[0].headers")


class TestTemplating:
    def test_values_fill_their_placeholders(self) -> None:
        assert templates.render("/pay/{{ cartId }}?u={{user}}", {"cartId": "c-1", "user": "u"}) == (
            "/pay/c-1?u=u"
        )
        assert templates.unknown(["{{a}} {{b}}", "{{a}}"], {"a"}) == ["b"]

    @given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
    def test_text_without_placeholders_is_left_alone(self, text: str) -> None:
        assert templates.render(text, {"x": "y"}) == text


def seen(status: int = 200, body: Any = None, latency: float = 120.0, **kw: Any) -> Observed:
    return Observed(status, latency, body, kw.get("headers", {}), kw.get("error", ""))


class TestJudgingAStep:
    BODY = {"status": "confirmed", "items": [{"sku": "A"}, {"sku": "B"}], "total": 42}

    def test_status_json_path_and_latency(self) -> None:
        checks = [
            Assertion(AssertionKind.STATUS, Operator.EQUALS, 200),
            Assertion(AssertionKind.JSON_PATH, Operator.EQUALS, "confirmed", "$.status"),
            Assertion(AssertionKind.JSON_PATH, Operator.EXISTS, None, "$.items[?@.sku == 'B']"),
            Assertion(AssertionKind.JSON_PATH, Operator.AT_LEAST, 10, "$.total"),
            Assertion(AssertionKind.LATENCY_MS, Operator.AT_MOST, 500),
        ]
        assert judge_step(checks, [], seen(body=self.BODY)).passed
        slow = judge_step(checks, [], seen(body=self.BODY, latency=900))
        assert slow.failures == ("expected latency (ms) at most 500",)

    def test_every_selected_value_must_hold_and_nothing_selected_fails(self) -> None:
        skus = Assertion(AssertionKind.JSON_PATH, Operator.EQUALS, "A", "$.items[*].sku")
        assert not judge_step([skus], [], seen(body=self.BODY)).passed
        missing = Assertion(AssertionKind.JSON_PATH, Operator.NOT_EQUALS, "x", "$.absent")
        assert not judge_step([missing], [], seen(body=self.BODY)).passed

    def test_captures_from_the_body_and_headers(self) -> None:
        captures = [Capture("first", "$.items[0].sku"), Capture("trace", "header:X-Trace")]
        judged = judge_step([], captures, seen(body=self.BODY, headers={"x-trace": "t-9"}))
        assert judged.captured == {"first": "A", "trace": "t-9"}
        lost = judge_step([], [Capture("cart", "$.cart.id")], seen(body=self.BODY))
        assert lost.failures == ("nothing to capture as cart at $.cart.id",)

    def test_no_response_fails_with_its_reason(self) -> None:
        judged = judge_step([], [], seen(status=None, error="no response within 5.0 s"))
        assert (judged.passed, judged.failures) == (False, ("no response within 5.0 s",))


class TestRegressionsAndTheGuardrail:
    def test_a_regression_passed_before_and_fails_after(self) -> None:
        assert rules.is_regression(RunOutcome.PASSED, RunOutcome.FAILED)
        assert not rules.is_regression(RunOutcome.FAILED, RunOutcome.FAILED)
        assert not rules.is_regression(None, RunOutcome.FAILED)
        assert not rules.is_regression(RunOutcome.PASSED, RunOutcome.PASSED)

    def test_the_guardrail_names_the_tiers_that_roll_back(self) -> None:
        assert rules.rolls_back(["critical"], "critical")
        assert not rules.rolls_back(["critical"], "internal")
        assert not rules.rolls_back([], "critical")

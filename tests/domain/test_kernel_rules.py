"""The kernel's refusal rules: each passes what fits and refuses the rest with the caller's code."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from domain.kernel.errors import DomainError
from domain.kernel.rules import TEXT_MAX, described, matching, require, trimmed, within

KEY = re.compile(r"^[a-z]+$")


def _refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


class TestRequire:
    def test_a_held_condition_passes(self) -> None:
        require(True, "never said", code="X")

    def test_a_broken_condition_refuses_with_the_message_code_and_field(self) -> None:
        error = _refusal(lambda: require(False, "No.", code="X", field="f"))
        assert (error.message, error.code, error.field) == ("No.", "X", "f")


class TestMatching:
    def test_a_matching_value_comes_back(self) -> None:
        assert matching("abc", KEY.match, "no", code="X", field="key") == "abc"

    def test_an_absent_value_passes(self) -> None:
        assert matching(None, KEY.match, "no", code="X", field="key") is None

    def test_the_matcher_decides_how_much_must_fit(self) -> None:
        assert matching("abc\n", KEY.match, "no", code="X", field="key") == "abc\n"
        error = _refusal(lambda: matching("abc\n", KEY.fullmatch, "no", code="X", field="key"))
        assert error.code == "X"


class TestTrimmed:
    def test_white_space_around_is_dropped(self) -> None:
        assert trimmed("  name ", 1, 10, "no", code="X", field="name") == "name"

    @pytest.mark.parametrize("value", ["   ", "x" * 11])
    def test_too_short_or_too_long_is_refused(self, value: str) -> None:
        assert _refusal(lambda: trimmed(value, 1, 10, "no", code="X", field="name")).code == "X"


class TestWithin:
    @pytest.mark.parametrize("value", [0, 5, None])
    def test_the_bounds_and_an_absent_value_pass(self, value: int | None) -> None:
        assert within(value, 0, 5, "no", code="X", field="n") == value

    @pytest.mark.parametrize("value", [-1, 6])
    def test_outside_the_bounds_is_refused(self, value: int) -> None:
        assert _refusal(lambda: within(value, 0, 5, "no", code="X", field="n")).field == "n"


class TestDescribed:
    def test_a_free_text_is_trimmed_and_may_be_empty(self) -> None:
        assert described("  fine  ") == "fine"
        assert described("") == ""

    def test_text_up_to_the_limit_passes_and_past_it_is_bad_user_input_naming_the_field(
        self,
    ) -> None:
        assert described("x" * TEXT_MAX) == "x" * TEXT_MAX
        error = _refusal(lambda: described("x" * (TEXT_MAX + 1), field="notes"))
        assert (error.code, error.field) == ("BAD_USER_INPUT", "notes")
        assert str(TEXT_MAX) in error.message

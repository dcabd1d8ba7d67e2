"""The garbage-collection policy (SIGNALBOX_GC_*, api/gc_policy.py) is what the process does:
its thresholds are the collector's, start-up is frozen or not as configured, and what the first
requests built is frozen once the warm-up count of requests has been served."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings
from tests.api.conftest import serving, settings_for


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as the test found it, afterwards (thresholds, nothing frozen)."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# A freeze collects first: a connection another test left unclosed may be collected (and
# warn) here rather than where it was left; that warning is not about the policy.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("collector")
class TestGcPolicy:
    async def test_the_thresholds_and_the_freeze_at_start_are_applied_at_request_path_start(
        self, migrated_url: str, tmp_path: Path
    ) -> None:
        settings = settings_for(
            migrated_url,
            tmp_path,
            gc_thresholds="12345,7,3",
            gc_freeze_after_start=True,
            gc_freeze_after_requests=0,
        )
        assert gc.get_freeze_count() == 0
        async with serving(settings):
            assert gc.get_threshold() == (12345, 7, 3)
            assert gc.get_freeze_count() > 0

    async def test_python_defaults_and_no_freeze_leave_the_collector_alone_for_requests(
        self, migrated_url: str, tmp_path: Path
    ) -> None:
        gc.set_threshold(700, 10, 10)
        settings = settings_for(
            migrated_url,
            tmp_path,
            gc_thresholds="",
            gc_freeze_after_start=False,
            gc_freeze_after_requests=0,
        )
        async with serving(settings) as api:
            for _ in range(3):
                assert (await api.http.get("/healthz")).status_code == 200
            assert gc.get_threshold() == (700, 10, 10)
            assert gc.get_freeze_count() == 0

    async def test_what_the_warm_up_requests_built_is_frozen_after_the_last_of_them(
        self, migrated_url: str, tmp_path: Path
    ) -> None:
        settings = settings_for(
            migrated_url, tmp_path, gc_freeze_after_start=False, gc_freeze_after_requests=3
        )
        async with serving(settings) as api:
            for _ in range(2):
                assert (await api.http.get("/healthz")).status_code == 200
            assert gc.get_freeze_count() == 0
            assert (await api.http.get("/healthz")).status_code == 200
            frozen = gc.get_freeze_count()
            assert frozen > 0
            # Once: later requests freeze nothing more.
            gc.unfreeze()
            for _ in range(3):
                assert (await api.http.get("/healthz")).status_code == 200
            assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("value", ["1,2", "0,10,10", "5,-1,10", "a,b,c"])
def test_thresholds_are_three_counts_or_nothing_for_requests(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(gc_thresholds=value)


def test_the_default_thresholds_for_requests_are_pythons() -> None:
    assert Settings().gc_thresholds == []
    assert Settings(gc_thresholds="50000, 20, 10").gc_thresholds == [50_000, 20, 10]

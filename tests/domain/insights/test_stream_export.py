"""The value-stream summary as CSV rows, worked out by hand."""

from __future__ import annotations

from domain.insights import stream_export
from domain.insights import stream_rules as r
from tests.domain.insights.test_stream_rules import full


class TestSummaryCsv:
    def test_a_row_per_step_in_seconds_with_the_slowest_ranked(self) -> None:
        text = stream_export.summary_csv(r.summarize([r.change_stream(full())]))
        lines = text.split("\r\n")
        assert lines[0].startswith("step,changes,no_data,work_median_seconds")
        # approved: no work, 24 h (86400 s) awaiting approval, the slowest step.
        assert lines[5] == "approved,1,0,0,0,86400,86400,0,0,0,86400,0,1"
        assert lines[1] == "merged,1,0,14400,14400,0,0,0,0,0,0,0,2"

    def test_a_step_no_change_had_is_empty_not_zero(self) -> None:
        text = stream_export.summary_csv(r.summarize([r.change_stream(full(staged_at=None))]))
        staged = text.split("\r\n")[4]
        assert staged == "staged,0,1,,,,,,,,,,"

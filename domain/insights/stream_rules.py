"""Cycle time and the value stream, as pure rules over a change's timeline.

A production change passes milestones: committed → merged → built → tested → staged →
approved → deployed. Each step is named by the milestone that ends it and runs from the last
milestone known before it; a milestone with no record makes its step NO_DATA (never invented),
and the next step runs from the last known one. A milestone reached before the one before it
took no time on the path (its step lasts zero).

Inside a step, time is WAIT where a wait that holds the step up covers it (`WAITS_IN`), WORK
otherwise. Waits that
overlap are counted once, and the overlapped time goes to the strongest reason, in the order
of `WAIT_ORDER`: a freeze stops everything, so time under a freeze is the freeze's even while
approval is also awaited; then a window not yet open, an environment queue, approval, and
last a manual hand-off (idle time before a person acted).

Non-value-added steps are named with their evidence: manual hand-offs, redundant reviews
(more approvals than the rules required; the same person approving twice in one chain) and
re-work loops (rejected and resubmitted).
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Step(StrEnum):
    """A step of the way to production, named by the milestone that ends it."""

    MERGED = "merged"
    BUILT = "built"
    TESTED = "tested"
    STAGED = "staged"
    APPROVED = "approved"
    DEPLOYED = "deployed"


STEPS = tuple(Step)


class WaitKind(StrEnum):
    """Why a change waited."""

    FREEZE = "freeze"
    WINDOW = "window"
    ENVIRONMENT_QUEUE = "environment_queue"
    APPROVAL = "approval"
    HAND_OFF = "hand_off"


WAIT_ORDER = tuple(WaitKind)
"""Overlapping waits: the time goes to the first of these that covers it."""

WAITS_IN: dict[WaitKind, frozenset[Step]] = {
    WaitKind.FREEZE: frozenset({Step.APPROVED, Step.DEPLOYED}),
    WaitKind.WINDOW: frozenset({Step.APPROVED, Step.DEPLOYED}),
    WaitKind.ENVIRONMENT_QUEUE: frozenset({Step.TESTED, Step.STAGED, Step.APPROVED, Step.DEPLOYED}),
    WaitKind.APPROVAL: frozenset({Step.APPROVED}),
    WaitKind.HAND_OFF: frozenset(STEPS),
}
"""The steps a wait holds up. A release awaits approval while its artifact is built, tested
and staged: that runs alongside, and only once staged does the change wait for approval. A
production freeze or window holds up approval and deployment, not staging."""


class WasteKind(StrEnum):
    """A non-value-added step."""

    MANUAL_HAND_OFF = "manual_hand_off"
    REDUNDANT_REVIEW = "redundant_review"
    REWORK_LOOP = "rework_loop"


ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Wait:
    kind: WaitKind
    start: datetime
    end: datetime
    label: str
    step: Step | None = None
    """The one step it holds up (None: the steps of its kind, `WAITS_IN`)."""

    def holds_up(self, step: Step) -> bool:
        return step is self.step if self.step is not None else step in WAITS_IN[self.kind]


@dataclass(frozen=True, slots=True)
class Approval:
    person_id: uuid.UUID
    person: str
    what: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Rework:
    what: str
    rejected_at: datetime
    resubmitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class HandOff:
    """A person had to act for the change to move on."""

    step: Step
    by: str
    waited_from: datetime
    acted_at: datetime


@dataclass(frozen=True, slots=True)
class Timeline:
    """A production change's milestones (None: no record) and what it waited for."""

    deployed_at: datetime
    committed_at: datetime | None = None
    merged_at: datetime | None = None
    built_at: datetime | None = None
    tested_at: datetime | None = None
    staged_at: datetime | None = None
    approved_at: datetime | None = None
    waits: tuple[Wait, ...] = ()
    approvals: tuple[Approval, ...] = ()
    approvals_required: int | None = None
    """How many approvals the rules required (None: unknown, no count is judged)."""
    rework: tuple[Rework, ...] = ()
    hand_offs: tuple[HandOff, ...] = ()

    def milestone(self, step: Step) -> datetime | None:
        return {
            Step.MERGED: self.merged_at,
            Step.BUILT: self.built_at,
            Step.TESTED: self.tested_at,
            Step.STAGED: self.staged_at,
            Step.APPROVED: self.approved_at,
            Step.DEPLOYED: self.deployed_at,
        }[step]


@dataclass(frozen=True, slots=True)
class StepTime:
    step: Step
    start: datetime | None
    end: datetime | None
    """Both None: no data for the step."""
    work: timedelta | None = None
    wait: timedelta | None = None
    waits: tuple[tuple[WaitKind, timedelta], ...] = ()
    """The wait by reason, in WAIT_ORDER, reasons with no time left out."""

    @property
    def measured(self) -> bool:
        return self.start is not None

    @property
    def total(self) -> timedelta | None:
        return None if self.work is None or self.wait is None else self.work + self.wait


@dataclass(frozen=True, slots=True)
class Waste:
    kind: WasteKind
    step: Step
    evidence: str
    lost: timedelta = ZERO
    """Time it cost where that is known (a hand-off's idle time, a re-work loop's round)."""


@dataclass(frozen=True, slots=True)
class ChangeStream:
    steps: tuple[StepTime, ...]
    lead_time: timedelta | None
    """Committed to deployed (None: no commit time)."""
    measured_from: Step | None
    """The first step measured: the lead time the steps account for starts with it."""
    waste: tuple[Waste, ...]


def _covered(waits: Iterable[Wait], start: datetime, end: datetime) -> dict[WaitKind, timedelta]:
    """Time in [start, end) under each reason, overlaps given to the strongest."""
    clipped = [(max(w.start, start), min(w.end, end), w.kind) for w in waits]
    clipped = [c for c in clipped if c[0] < c[1]]
    cuts = sorted({start, end, *(c[0] for c in clipped), *(c[1] for c in clipped)})
    out: dict[WaitKind, timedelta] = {}
    for a, b in itertools.pairwise(cuts):
        over = [k for s, e, k in clipped if s <= a and b <= e]
        if over:
            kind = min(over, key=WAIT_ORDER.index)
            out[kind] = out.get(kind, ZERO) + (b - a)
    return out


def all_waits(t: Timeline) -> tuple[Wait, ...]:
    """The timeline's waits, with each manual hand-off's idle time as a HAND_OFF wait."""
    return t.waits + tuple(
        Wait(WaitKind.HAND_OFF, h.waited_from, h.acted_at, h.by, h.step) for h in t.hand_offs
    )


def step_times(t: Timeline) -> tuple[StepTime, ...]:
    """Every step's work and wait (NO_DATA where a milestone is missing)."""
    out: list[StepTime] = []
    waits = all_waits(t)
    start = t.committed_at
    for step in STEPS:
        at = t.milestone(step)
        if at is None or start is None:
            out.append(StepTime(step, None, None))
            start = at if at is not None else start
            continue
        end = max(at, start)
        by_kind = _covered([w for w in waits if w.holds_up(step)], start, end)
        wait = sum(by_kind.values(), ZERO)
        kinds = tuple((k, by_kind[k]) for k in WAIT_ORDER if k in by_kind)
        out.append(StepTime(step, start, end, (end - start) - wait, wait, kinds))
        start = end
    return tuple(out)


def _step_at(steps: Sequence[StepTime], at: datetime) -> Step:
    """The step under way at `at` (the last one, past the end)."""
    for s in steps:
        if s.end is not None and s.start is not None and at <= s.end:
            return s.step
    return Step.DEPLOYED


def redundant_reviews(t: Timeline) -> list[Waste]:
    """Approvals beyond what the rules required, and anyone approving twice in one chain."""
    out: list[Waste] = []
    given = len(t.approvals)
    if t.approvals_required is not None and given > t.approvals_required:
        out.append(
            Waste(
                WasteKind.REDUNDANT_REVIEW,
                Step.APPROVED,
                f"{given} approvals given where the rules required {t.approvals_required}",
            )
        )
    count = Counter(a.person_id for a in t.approvals)
    for person_id, n in sorted(count.items(), key=lambda c: str(c[0])):
        if n < 2:
            continue
        theirs = [a for a in t.approvals if a.person_id == person_id]
        what = "; ".join(f"{a.what} at {a.at:%Y-%m-%d %H:%M}" for a in theirs)
        out.append(
            Waste(
                WasteKind.REDUNDANT_REVIEW,
                Step.APPROVED,
                f"{theirs[0].person} approved {n} times in one chain ({what})",
            )
        )
    return out


def waste_of(t: Timeline, steps: Sequence[StepTime]) -> tuple[Waste, ...]:
    """The change's non-value-added steps, each with its evidence. A hand-off's lost time is
    its idle time no stronger reason (a freeze, a window) explains."""
    waits = all_waits(t)
    out = [
        Waste(
            WasteKind.MANUAL_HAND_OFF,
            h.step,
            f"waited for {h.by} to act from {h.waited_from:%Y-%m-%d %H:%M} "
            f"to {h.acted_at:%Y-%m-%d %H:%M}",
            _covered([w for w in waits if w.holds_up(h.step)], h.waited_from, h.acted_at).get(
                WaitKind.HAND_OFF, ZERO
            ),
        )
        for h in t.hand_offs
    ]
    out += redundant_reviews(t)
    for r in t.rework:
        again = r.resubmitted_at
        out.append(
            Waste(
                WasteKind.REWORK_LOOP,
                _step_at(steps, r.rejected_at),
                f"{r.what} at {r.rejected_at:%Y-%m-%d %H:%M}"
                + (f", resubmitted {again:%Y-%m-%d %H:%M}" if again else ", not resubmitted"),
                max(again - r.rejected_at, ZERO) if again else ZERO,
            )
        )
    return tuple(out)


def change_stream(t: Timeline) -> ChangeStream:
    """A change's steps with work and wait, its lead time and its non-value-added steps."""
    steps = step_times(t)
    first = next((s.step for s in steps if s.measured), None)
    lead = t.deployed_at - t.committed_at if t.committed_at is not None else None
    return ChangeStream(steps, lead, first, waste_of(t, steps))


# -- aggregates ---------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between closest ranks (numpy's default; the
    median of an even count is the mean of the middle two). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True, slots=True)
class StepSummary:
    step: Step
    changes: int
    """Changes with the step measured."""
    no_data: int
    work_median: float | None
    work_p75: float | None
    wait_median: float | None
    wait_p75: float | None
    """Seconds."""
    wait_by_kind: tuple[tuple[WaitKind, float], ...]
    """Total seconds waited per reason over the changes, reasons with none left out."""

    @property
    def median_total(self) -> float:
        return (self.work_median or 0.0) + (self.wait_median or 0.0)


@dataclass(frozen=True, slots=True)
class StreamSummary:
    changes: int
    lead_time_median: float | None
    lead_time_p75: float | None
    steps: tuple[StepSummary, ...]
    slowest: tuple[Step, ...]
    """Measured steps, slowest (median work + median wait) first."""
    waste: tuple[tuple[WasteKind, int], ...]
    """Non-value-added steps found, per kind."""


def _step_summary(step: Step, streams: Sequence[ChangeStream]) -> StepSummary:
    mine = [s for c in streams for s in c.steps if s.step is step]
    measured = [s for s in mine if s.measured]
    work = [s.work.total_seconds() for s in measured if s.work is not None]
    wait = [s.wait.total_seconds() for s in measured if s.wait is not None]
    kinds: dict[WaitKind, float] = {}
    for s in measured:
        for kind, d in s.waits:
            kinds[kind] = kinds.get(kind, 0.0) + d.total_seconds()
    return StepSummary(
        step,
        len(measured),
        len(mine) - len(measured),
        quantile(work, 0.5),
        quantile(work, 0.75),
        quantile(wait, 0.5),
        quantile(wait, 0.75),
        tuple((k, kinds[k]) for k in WAIT_ORDER if k in kinds),
    )


def summarize(streams: Sequence[ChangeStream]) -> StreamSummary:
    """Where the time of these changes goes, step by step, and their waste by kind."""
    steps = tuple(_step_summary(step, streams) for step in STEPS)
    leads = [c.lead_time.total_seconds() for c in streams if c.lead_time is not None]
    slowest = tuple(
        s.step
        for s in sorted(
            (s for s in steps if s.changes), key=lambda s: (-s.median_total, STEPS.index(s.step))
        )
    )
    waste = Counter(w.kind for c in streams for w in c.waste)
    return StreamSummary(
        len(streams),
        quantile(leads, 0.5),
        quantile(leads, 0.75),
        steps,
        slowest,
        tuple((k, waste[k]) for k in WasteKind if waste[k]),
    )

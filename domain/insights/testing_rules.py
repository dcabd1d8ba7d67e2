"""Pure rules of test investment from defect history: per service x component x escaped test
layer over a period, the defects (weighted by severity), their rate per 100 production
deployments, and the service's suites at that layer with their coverage; each row classified
(`testing_vocabulary.InvestmentClass`) and the rows worth acting on ranked as suggestions.

Which layer a suite tests is read from its name (`layer_of`); the score that ranks suggestions
is `score`. Plain values in, plain values out."""

from __future__ import annotations

import re
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.insights.testing_vocabulary import UNMAPPED, InvestmentClass
from domain.postrelease.defect_vocabulary import AUTOMATABLE_LAYERS, EscapedTestLayer

L = EscapedTestLayer
SUITE_WORDS: Mapping[str, EscapedTestLayer] = {
    "unit": L.UNIT,
    "ut": L.UNIT,
    "integration": L.INTEGRATION,
    "integ": L.INTEGRATION,
    "contract": L.CONTRACT,
    "pact": L.CONTRACT,
    "cdc": L.CONTRACT,
    "e2e": L.END_TO_END,
    "acceptance": L.END_TO_END,
    "ui": L.END_TO_END,
    "browser": L.END_TO_END,
    "journey": L.END_TO_END,
    "performance": L.PERFORMANCE,
    "perf": L.PERFORMANCE,
    "load": L.PERFORMANCE,
    "stress": L.PERFORMANCE,
    "security": L.SECURITY,
    "sast": L.SECURITY,
    "dast": L.SECURITY,
    "fuzz": L.SECURITY,
}
"""The words of a suite's name that say its layer (`layer_of`)."""
_END_TO_END = re.compile(r"end[-_ ]?to[-_ ]?end")
_WORD = re.compile(r"[a-z0-9]+")


def layer_of(suite: str) -> str:
    """The test layer a suite's name says: its words (lower-cased, split at anything but a
    letter or digit; "end-to-end" in any spelling is one word, e2e) looked up in SUITE_WORDS.
    A name with no such word, or with words of two layers ("contract-integration"), is
    UNMAPPED: shown as such, never guessed."""
    words = _WORD.findall(_END_TO_END.sub("e2e", suite.lower()))
    layers = {SUITE_WORDS[w] for w in words if w in SUITE_WORDS}
    return layers.pop().value if len(layers) == 1 else UNMAPPED


@dataclass(frozen=True, slots=True)
class SeverityWeights:
    """What one defect of each severity counts for (default: each severity twice the next)."""

    critical: float = 8.0
    high: float = 4.0
    medium: float = 2.0
    low: float = 1.0

    def of(self, severity: str) -> float:
        return float(getattr(self, severity, self.low))


@dataclass(frozen=True, slots=True)
class Options:
    """The switches of one query, each changing a classification or the ranking."""

    weights: SeverityWeights = SeverityWeights()
    coverage_threshold: float = 70.0
    """Percent: a layer whose suites' latest coverage is below it has coverage missing."""
    min_weighted_defects: float = 2.0
    """Severity-weighted defects of a row below this are too few to act on (HEALTHY)."""
    half_life_days: float = 30.0
    """Recency: a defect found this many days before the period's end counts half."""


@dataclass(frozen=True, slots=True)
class Escape:
    """A defect as the rules see it."""

    id: uuid.UUID
    service_id: uuid.UUID
    component: str
    layer: str
    severity: str
    found_at: datetime


@dataclass(frozen=True, slots=True)
class SuiteRun:
    """A reported run of a test suite against the service."""

    id: uuid.UUID
    service_id: uuid.UUID
    suite: str
    coverage_percent: float | None
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class LayerEvidence:
    """The runs of a service's suites at one layer, and their coverage."""

    suites: tuple[str, ...] = ()
    run_ids: tuple[uuid.UUID, ...] = ()
    latest_coverage: float | None = None
    """The coverage of the latest run that reported one."""
    median_coverage: float | None = None

    @property
    def strength(self) -> float:
        """1 without a suite; 1.5 when suites ran without a coverage; 1 + coverage / 100."""
        if not self.run_ids:
            return 1.0
        if self.latest_coverage is None:
            return 1.5
        return 1.0 + self.latest_coverage / 100.0


def evidence_by_layer(
    runs: Iterable[SuiteRun],
) -> dict[tuple[uuid.UUID, str], LayerEvidence]:
    """The evidence of each (service, layer), unmapped suites under UNMAPPED."""
    grouped: dict[tuple[uuid.UUID, str], list[SuiteRun]] = defaultdict(list)
    for run in sorted(runs, key=lambda r: (r.reported_at, str(r.id))):
        grouped[(run.service_id, layer_of(run.suite))].append(run)
    out: dict[tuple[uuid.UUID, str], LayerEvidence] = {}
    for key, found in grouped.items():
        covered = [r.coverage_percent for r in found if r.coverage_percent is not None]
        out[key] = LayerEvidence(
            suites=tuple(sorted({r.suite for r in found})),
            run_ids=tuple(r.id for r in found),
            latest_coverage=covered[-1] if covered else None,
            median_coverage=statistics.median(covered) if covered else None,
        )
    return out


@dataclass(frozen=True, slots=True)
class Row:
    """One service x component x escaped layer of the period, judged."""

    service_id: uuid.UUID
    component: str
    layer: str
    classification: InvestmentClass
    defect_ids: tuple[uuid.UUID, ...]
    weighted_defects: float
    deployments: int
    defects_per_100_deployments: float | None
    evidence: LayerEvidence
    score: float
    reason: str

    @property
    def suggested(self) -> bool:
        return self.classification in SUGGESTED


SUGGESTED = frozenset({InvestmentClass.ESCAPES_DESPITE_COVERAGE, InvestmentClass.COVERAGE_MISSING})


def recency(found_at: datetime, end: datetime, half_life_days: float) -> float:
    """0.5 ** (days from the defect to the period's end / half-life); 1 at the end."""
    age = max((end - found_at).total_seconds(), 0.0) / 86400.0
    return float(0.5 ** (age / half_life_days))


def score(escapes: Sequence[Escape], evidence: LayerEvidence, end: datetime, o: Options) -> float:
    """the sum of severity weight x recency of the row's defects, divided by the evidence's strength
    (1 without a suite, up to 2 at 100 % coverage): recent, severe escapes rank first, and of
    two equal histories the one with weaker tests, where automation buys more."""
    total = sum(
        o.weights.of(e.severity) * recency(e.found_at, end, o.half_life_days) for e in escapes
    )
    return round(total / evidence.strength, 4)


def classify(layer: str, weighted: float, evidence: LayerEvidence, o: Options) -> InvestmentClass:
    """The row's class (InvestmentClass documents each)."""
    if layer not in AUTOMATABLE_LAYERS:
        return InvestmentClass.NOT_AUTOMATABLE
    if weighted < o.min_weighted_defects:
        return InvestmentClass.HEALTHY
    covered = evidence.latest_coverage
    if not evidence.run_ids or (covered is not None and covered < o.coverage_threshold):
        return InvestmentClass.COVERAGE_MISSING
    return InvestmentClass.ESCAPES_DESPITE_COVERAGE


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def reason(
    cls: InvestmentClass, service: str, component: str, layer: str, defects: int,
    evidence: LayerEvidence, o: Options,
) -> str:  # fmt: skip
    """The row's reason in words, with what to do."""
    name = layer.replace("_", "-")
    escaped = f"{_count(defects, f'{name}-layer defect')} escaped {service}/{component}"
    covered = evidence.latest_coverage
    if cls is InvestmentClass.NOT_AUTOMATABLE:
        return f"{escaped}: no automated suite covers that layer; nothing suggested."
    if cls is InvestmentClass.HEALTHY:
        return f"{escaped}: below {o.min_weighted_defects:g} severity-weighted, nothing to act on."
    if cls is InvestmentClass.COVERAGE_MISSING and not evidence.run_ids:
        return f"{escaped} and no {name} suite ran: add {name} test automation."
    if cls is InvestmentClass.COVERAGE_MISSING:
        return (
            f"{escaped} and its {name} suites cover {covered:g} % (below "
            f"{o.coverage_threshold:g} %): add {name} tests where the defects were."
        )
    cover = "report no coverage" if covered is None else f"cover {covered:g} %"
    return (
        f"{escaped} though its {name} suites {cover}: the tests exist but miss; strengthen "
        "their assertions or add contract tests for what they miss."
    )


def rows(
    escapes: Sequence[Escape],
    runs: Sequence[SuiteRun],
    deployments: Mapping[uuid.UUID, int],
    service_keys: Mapping[uuid.UUID, str],
    end: datetime,
    o: Options,
) -> list[Row]:
    """Every service x component x layer with a defect, judged; by service key, component,
    layer. `deployments` counts each service's production deployments in the period."""
    evidence = evidence_by_layer(runs)
    grouped: dict[tuple[uuid.UUID, str, str], list[Escape]] = defaultdict(list)
    for e in escapes:
        grouped[(e.service_id, e.component, e.layer)].append(e)
    out: list[Row] = []
    for (service, component, layer), found in grouped.items():
        found.sort(key=lambda e: (e.found_at, str(e.id)))
        ev = evidence.get((service, layer), LayerEvidence())
        weighted = sum(o.weights.of(e.severity) for e in found)
        cls = classify(layer, weighted, ev, o)
        deployed = deployments.get(service, 0)
        key = service_keys.get(service, str(service))
        out.append(
            Row(
                service_id=service,
                component=component,
                layer=layer,
                classification=cls,
                defect_ids=tuple(e.id for e in found),
                weighted_defects=weighted,
                deployments=deployed,
                defects_per_100_deployments=(
                    round(100.0 * len(found) / deployed, 4) if deployed else None
                ),
                evidence=ev,
                score=score(found, ev, end, o),
                reason=reason(cls, key, component, layer, len(found), ev, o),
            )
        )
    return sorted(out, key=lambda r: (service_keys.get(r.service_id, ""), r.component, r.layer))


def ranked(table: Sequence[Row], service_keys: Mapping[uuid.UUID, str]) -> list[Row]:
    """The rows worth acting on (SUGGESTED), highest score first; ties by service, component
    and layer."""
    return sorted(
        (r for r in table if r.suggested),
        key=lambda r: (-r.score, service_keys.get(r.service_id, ""), r.component, r.layer),
    )


def unmapped_suites(runs: Iterable[SuiteRun]) -> dict[uuid.UUID, tuple[str, ...]]:
    """Each service's suites whose name says no single layer (not counted for any layer)."""
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    for run in runs:
        if layer_of(run.suite) == UNMAPPED:
            found[run.service_id].add(run.suite)
    return {s: tuple(sorted(names)) for s, names in found.items()}

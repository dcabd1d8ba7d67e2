import type { DeploymentNode, JourneyResult, Metric, Regression, ReleaseHealthQuery, Review } from './queries.js';

export type Tone = 'good' | 'bad' | 'waiting' | 'unknown';

/** What the page says of the deployment, whichever kind it is (planned or reported by CD). */
export interface Shipped {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly at: string | null;
  readonly how: string;
  readonly rolledBack: { readonly reason: string; readonly at: string } | null;
}

export function isDeployment(node: ReleaseHealthQuery['deployment']): node is DeploymentNode {
  return node?.__typename === 'Deployment' || node?.__typename === 'DeploymentReport';
}

export function shippedOf(node: DeploymentNode, review: Review | null): Shipped {
  const service = node.service?.name ?? review?.service?.name ?? 'A service';
  const environment = node.environment?.name ?? 'production';
  if (node.__typename === 'DeploymentReport') {
    return {
      service,
      environment,
      version: review?.artifactVersion ?? node.artifactRef ?? '',
      at: node.occurredAt ?? null,
      how: `reported by CD (${(node.kind ?? '').toLowerCase().replace(/_/g, ' ')})`,
      rolledBack: null,
    };
  }
  return {
    service,
    environment,
    version: node.artifactVersion ?? '',
    at: node.finishedAt ?? null,
    how: `${(node.strategy ?? '').toLowerCase().replace(/_/g, '-')} · ${(node.status ?? '').toLowerCase().replace(/_/g, ' ')}`,
    rolledBack: node.rollback ? { reason: node.rollback.reason, at: node.rollback.decidedAt } : null,
  };
}

/** The review's state in a word, its tone, and what to know about it. */
export function reviewState(review: Review | null): { word: string; tone: Tone; detail: string } {
  if (!review) {
    return { word: 'No review yet', tone: 'unknown', detail: 'A review opens when the deployment finishes in production.' };
  }
  if (review.status === 'CLOSED') {
    const verdict = review.verdict ?? 'INCONCLUSIVE';
    const tone: Tone = verdict === 'HEALTHY' ? 'good' : verdict === 'INCONCLUSIVE' ? 'unknown' : 'bad';
    const by = review.closedBy ? ` by ${review.closedBy.displayName}` : '';
    return { word: VERDICT_WORD[verdict], tone, detail: `Closed${by}${review.summary ? `: ${review.summary}` : ''}` };
  }
  if (review.overdue) return { word: 'Overdue', tone: 'bad', detail: 'Open past its due time: it counts against the team.' };
  return { word: 'Open', tone: 'waiting', detail: review.gatheredAt ? 'Gathered, waiting for a verdict.' : 'Gathers when it falls due.' };
}

const VERDICT_WORD: Record<NonNullable<Review['verdict']>, string> = {
  HEALTHY: 'Healthy',
  DEGRADED: 'Degraded',
  ROLLED_BACK: 'Rolled back',
  INCONCLUSIVE: 'Inconclusive',
};

export interface MetricRow extends Metric {
  /** Worse after than the review's tolerance allows. */
  readonly regressed: boolean;
}

export function metricRows(review: Review): MetricRow[] {
  const tolerance = review.tolerancePct;
  return review.metrics.map((m) => ({
    ...m,
    regressed: tolerance !== null && m.risePct !== null && m.risePct > tolerance,
  }));
}

/** Why there are no figures: absent is never shown as zero. */
export function metricsAbsence(review: Review): string | null {
  switch (review.metricsState) {
    case 'GATHERED':
      return review.metrics.length ? null : 'No metric is configured for this service.';
    case 'NOT_GATHERED':
      return 'Not gathered yet: metrics are read when the review falls due.';
    case 'NOT_CONFIGURED':
      return 'No Prometheus is configured: metrics are absent, not zero.';
    case 'UNAVAILABLE':
      return `Prometheus could not be read${review.metricsNote ? `: ${review.metricsNote}` : '.'}`;
  }
}

export type JourneySide = 'passed' | 'failed' | 'no runs';

export interface JourneyRow {
  readonly key: string;
  readonly name: string;
  readonly before: JourneySide;
  readonly after: JourneySide;
  readonly runsBefore: number;
  readonly runsAfter: number;
  readonly failedAfter: number;
  /** The regression found for it, when it passed before and fails after. */
  readonly regression: Regression | null;
}

const side = (passed: boolean | null): JourneySide => (passed === null ? 'no runs' : passed ? 'passed' : 'failed');

/** The journeys around the deployment: the review's results, each with its regression; a
 * regression for a journey the results do not hold (no review yet) is a row of its own. */
export function journeyRows(results: readonly JourneyResult[] | null, regressions: readonly Regression[]): JourneyRow[] {
  const byKey = new Map(regressions.filter((r) => r.journey).map((r) => [r.journey!.key, r]));
  const rows: JourneyRow[] = (results ?? []).map((r) => ({
    key: r.journey,
    name: r.name,
    before: side(r.passedBefore),
    after: side(r.passedAfter),
    runsBefore: r.runsBefore,
    runsAfter: r.runsAfter,
    failedAfter: r.failedAfter,
    regression: byKey.get(r.journey) ?? null,
  }));
  const shown = new Set(rows.map((r) => r.key));
  for (const reg of regressions) {
    const key = reg.journey?.key ?? reg.id;
    if (shown.has(key)) continue;
    shown.add(key);
    rows.push({
      key,
      name: reg.journey?.name ?? reg.summary,
      before: 'passed',
      after: 'failed',
      runsBefore: 0,
      runsAfter: 0,
      failedAfter: 0,
      regression: reg,
    });
  }
  return rows.sort((a, b) => Number(Boolean(b.regression)) - Number(Boolean(a.regression)) || a.name.localeCompare(b.name));
}

/** `12.5` → `+12.5 %`; null → `—`. */
export function riseText(rise: number | null, format: (n: number) => string): string {
  if (rise === null) return '—';
  return `${rise > 0 ? '+' : ''}${format(rise)} %`;
}

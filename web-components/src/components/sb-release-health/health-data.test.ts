import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { journeyRows, metricRows, metricsAbsence, reviewState, riseText, shippedOf } from './health-data.js';
import type { DeploymentNode, JourneyResult, Regression, Review } from './queries.js';

const review = (over: Partial<Review> = {}): Review => ({
  id: 'R1',
  status: 'OPEN',
  verdict: null,
  summary: '',
  artifactVersion: '2.4.1',
  deployedAt: '2026-12-01T10:00:00Z',
  dueAt: '2026-12-02T10:00:00Z',
  gatheredAt: null,
  closedAt: null,
  overdue: false,
  metricsState: 'GATHERED',
  metricsNote: '',
  tolerancePct: 10,
  metrics: [],
  alerts: [],
  incidents: [],
  logSignals: [],
  feedback: [],
  synthetic: { available: true, results: [] },
  emergentIssues: [],
  service: { id: 'S1', key: 'checkout', name: 'Checkout' },
  team: { name: 'Payments' },
  closedBy: null,
  ...over,
});

const result = (journey: string, before: boolean | null, after: boolean | null, failedAfter = 0): JourneyResult => ({
  journey,
  name: journey,
  runsBefore: before === null ? 0 : 3,
  runsAfter: after === null ? 0 : 3,
  passedBefore: before,
  passedAfter: after,
  failedAfter,
});

const regression = (key: string, rolledBack = false): Regression => ({
  id: `G-${key}`,
  detectedAt: '2026-12-01T10:20:00Z',
  summary: `${key} fails after the deployment`,
  rolledBack,
  journey: { key, name: key },
});

describe('the review state', () => {
  test('no review yet, open, overdue and closed each say so in a word', () => {
    assert.equal(reviewState(null).word, 'No review yet');
    assert.deepEqual([reviewState(review()).word, reviewState(review()).tone], ['Open', 'waiting']);
    assert.deepEqual([reviewState(review({ overdue: true })).word, reviewState(review({ overdue: true })).tone], ['Overdue', 'bad']);
    const closed = reviewState(
      review({ status: 'CLOSED', verdict: 'DEGRADED', summary: 'p99 up', closedBy: { displayName: 'Sam SRE' } }),
    );
    assert.deepEqual(closed, { word: 'Degraded', tone: 'bad', detail: 'Closed by Sam SRE: p99 up' });
    assert.equal(reviewState(review({ status: 'CLOSED', verdict: 'HEALTHY' })).tone, 'good');
    assert.equal(reviewState(review({ status: 'CLOSED', verdict: null })).word, 'Inconclusive');
  });
});

describe('metrics before and after', () => {
  test('a rise beyond the tolerance is regressed; at the tolerance, or unknown, it is not', () => {
    const rows = metricRows(
      review({
        metrics: [
          { name: 'error_rate', before: 0.01, after: 0.02, risePct: 100 },
          { name: 'latency_p99', before: 100, after: 110, risePct: 10 },
          { name: 'saturation', before: null, after: 0.4, risePct: null },
        ],
      }),
    );
    assert.deepEqual(rows.map((r) => r.regressed), [true, false, false]);
    assert.deepEqual(metricRows(review({ tolerancePct: null, metrics: [{ name: 'x', before: 1, after: 9, risePct: 800 }] })).map((r) => r.regressed), [false]);
  });

  test('absent figures say why, never zero', () => {
    assert.match(metricsAbsence(review({ metricsState: 'NOT_CONFIGURED' }))!, /absent, not zero/);
    assert.match(metricsAbsence(review({ metricsState: 'NOT_GATHERED' }))!, /falls due/);
    assert.match(metricsAbsence(review({ metricsState: 'UNAVAILABLE', metricsNote: 'timeout' }))!, /timeout/);
    assert.match(metricsAbsence(review({ metricsState: 'GATHERED' }))!, /No metric/);
    assert.equal(metricsAbsence(review({ metrics: [{ name: 'x', before: 1, after: 1, risePct: 0 }] })), null);
  });

  test('a rise reads with its sign', () => {
    const f = (n: number): string => String(n);
    assert.deepEqual([riseText(12.5, f), riseText(-3, f), riseText(0, f), riseText(null, f)], ['+12.5 %', '-3 %', '0 %', '—']);
  });
});

describe('journeys around the deployment', () => {
  test('regressions come first, matched to their journey; the rest by name', () => {
    const rows = journeyRows(
      [result('search', true, true), result('checkout', true, false, 2), result('browse', null, true)],
      [regression('checkout', true)],
    );
    assert.deepEqual(rows.map((r) => r.key), ['checkout', 'browse', 'search']);
    assert.equal(rows[0]!.regression?.rolledBack, true);
    assert.deepEqual([rows[0]!.before, rows[0]!.after, rows[0]!.failedAfter], ['passed', 'failed', 2]);
    assert.equal(rows[1]!.before, 'no runs');
  });

  test('a regression whose journey has no results yet (no review) is still shown', () => {
    const rows = journeyRows(null, [regression('login')]);
    assert.deepEqual(rows.map((r) => [r.key, r.before, r.after, Boolean(r.regression)]), [['login', 'passed', 'failed', true]]);
  });

  test('no results and no regression: no rows', () => {
    assert.deepEqual(journeyRows(null, []), []);
  });
});

describe('what shipped', () => {
  const named = (n: string): { id: string; key: string; name: string } => ({ id: n, key: n, name: n });

  test('a planned deployment says its strategy, status and rollback', () => {
    const node: DeploymentNode = {
      __typename: 'Deployment',
      id: 'D1',
      artifactVersion: '2.4.1',
      strategy: 'BLUE_GREEN',
      status: 'ROLLED_BACK',
      finishedAt: '2026-12-01T10:00:00Z',
      rollback: { reason: 'checkout journey failing', decidedAt: '2026-12-01T10:30:00Z' },
      service: named('checkout'),
      environment: named('prod-eu'),
    };
    const shipped = shippedOf(node, null);
    assert.equal(shipped.how, 'blue-green · rolled back');
    assert.deepEqual(shipped.rolledBack, { reason: 'checkout journey failing', at: '2026-12-01T10:30:00Z' });
  });

  test('a CD-reported one takes the review version when there is one', () => {
    const node: DeploymentNode = {
      __typename: 'DeploymentReport',
      id: 'DR1',
      artifactRef: 'pkg:oci/checkout@sha256:abc',
      occurredAt: '2026-12-01T10:00:00Z',
      kind: 'DEPLOYED',
      service: null,
      environment: null,
    };
    const shipped = shippedOf(node, review());
    assert.deepEqual([shipped.service, shipped.version, shipped.environment, shipped.rolledBack], ['Checkout', '2.4.1', 'production', null]);
    assert.equal(shippedOf(node, null).version, 'pkg:oci/checkout@sha256:abc');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toCsv } from '../../base/csv.js';
import { durationText, keyCards, rowsTable, trendOf } from './dora-data.js';
import type { DoraRows, FourKeys } from './queries.js';

const num = (v: number, digits = 1): string => v.toFixed(digits).replace(/\.0$/, '');

const keys = (over: Partial<FourKeys> = {}): FourKeys => ({
  start: '2026-10-01T00:00:00Z',
  end: '2026-11-01T00:00:00Z',
  deploymentFrequency: { deployments: 12, deploymentDays: 9, medianDaysPerWeek: 2, level: 'HIGH' },
  leadTime: {
    seconds: 7200,
    deploymentsMeasured: 10,
    codingSeconds: 3600,
    pickupSeconds: null,
    reviewSeconds: 1800,
    deploySeconds: 1800,
    level: 'ELITE',
  },
  changeFailureRate: { rate: 0.25, failed: 3, counted: 12, level: 'MEDIUM' },
  timeToRestore: { seconds: 3 * 86400, incidentsMeasured: 2, level: 'LOW' },
  ...over,
});

describe('the four keys in words', () => {
  test('each figure with what it was measured on and its level', () => {
    const cards = keyCards(keys(), num);
    assert.deepEqual(
      cards.map((c) => [c.key, c.value, c.level]),
      [
        ['frequency', '2 days a week', 'HIGH'],
        ['leadTime', '2 h', 'ELITE'],
        ['failureRate', '25 %', 'MEDIUM'],
        ['restore', '3 days', 'LOW'],
      ],
    );
    assert.equal(cards[0]!.detail, '12 deployments on 9 days');
    assert.equal(cards[1]!.detail, '10 deployments measured; coding 1 h, review 30 min, deploy 30 min');
    assert.equal(cards[2]!.detail, '3 of 12 changes failed');
  });

  test('nothing deployed: no rate (a dash), not 0 %; no lead time breakdown without PR data', () => {
    const cards = keyCards(
      keys({
        changeFailureRate: { rate: null, failed: 0, counted: 0, level: null },
        leadTime: { seconds: null, deploymentsMeasured: 0, codingSeconds: null, pickupSeconds: null, reviewSeconds: null, deploySeconds: null, level: null },
      }),
      num,
    );
    assert.deepEqual([cards[1]!.value, cards[1]!.detail, cards[2]!.value], ['—', '0 deployments measured', '—']);
  });

  test('durations pick their unit', () => {
    assert.deepEqual(
      [durationText(90, num), durationText(5 * 3600, num), durationText(3 * 86400, num), durationText(null, num)],
      ['1.5 min', '5 h', '3 days', '—'],
    );
  });
});

describe('trends', () => {
  test('each key per bucket in a drawable unit; a bucket without a figure is a gap', () => {
    const trend = [keys(), keys({ changeFailureRate: { rate: null, failed: 0, counted: 0, level: null } })];
    assert.deepEqual(trendOf(trend, 'failureRate').map((p) => p.value), [25, null]);
    assert.deepEqual(trendOf(trend, 'leadTime').map((p) => p.value), [2, 2]);
    assert.deepEqual(trendOf(trend, 'frequency').map((p) => p.value), [12, 12]);
    assert.equal(trendOf(trend, 'restore')[0]!.at.toISOString(), '2026-10-01T00:00:00.000Z');
  });
});

describe('the rows behind a figure, and their CSV', () => {
  const row = { id: 'C1', kind: 'DEPLOYMENT', at: '2026-10-02T10:00:00Z', artifactVersion: '1.2.0', summary: '', service: { name: 'Checkout' } };
  const rows: DoraRows = {
    deployments: [row],
    leadTimes: [{ seconds: 3600.4, change: row }],
    failures: [
      { change: row, incidents: [{ incidentRef: 'INC-1', description: 'x', detectedAt: '2026-10-02T11:00:00Z' }] },
      { change: { ...row, id: 'C2' }, incidents: [] },
    ],
    restores: [{ seconds: 600, incident: { incidentRef: 'INC-1', description: 'p99 "slow", then down', detectedAt: '2026-10-02T11:00:00Z' } }],
    leftOut: [],
  };

  test('each key opens on its own rows', () => {
    assert.deepEqual(rowsTable(rows, 'leadTime').body, [['2026-10-02T10:00:00Z', 'Checkout', '1.2.0', '3600']]);
    assert.deepEqual(rowsTable(rows, 'failureRate').body.map((r) => r[3]), ['INC-1', 'rollback']);
    assert.equal(rowsTable(rows, 'restore').body[0]![3], '600');
    assert.equal(rowsTable(rows, 'frequency').head.length, 3);
  });

  test('CSV quotes what needs quoting and defuses formulas', () => {
    const csv = toCsv({ head: ['a', 'b'], body: [['p99 "slow", then down', '=HYPERLINK("x")'], ['-1', 'plain']] });
    assert.equal(csv, 'a,b\r\n"p99 ""slow"", then down","\'=HYPERLINK(""x"")"\r\n\'-1,plain\r\n');
  });
});

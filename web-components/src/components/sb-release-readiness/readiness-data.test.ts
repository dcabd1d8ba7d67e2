import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readinessHref } from '../sb-go-no-go/go-no-go-data.js';
import type { AreaGate, AreaSummary, GateStatus, Readiness } from './queries.js';
import {
  areasWorstFirst,
  blockingNames,
  countsText,
  evidenceFacts,
  gateName,
  gatesToDiscuss,
  groupedByEnvironment,
  heaviestFactors,
  placeOf,
  verdictOf,
} from './readiness-data.js';

const gate = (name: string, status: GateStatus, service = 'svc', env: string | null = 'prod'): AreaGate => ({
  service: { id: `S-${service}`, key: service, name: service },
  environment: env ? { id: `E-${env}`, key: env, name: env } : null,
  gate: { gate: name, status, reason: `${name} is ${status}`, evidence: {}, waivedBy: null },
});

const area = (name: AreaSummary['area'], status: GateStatus | null, gates: AreaGate[] = []): AreaSummary => ({
  area: name,
  status,
  gates,
});

const readiness = (over: Partial<Readiness>): Readiness => ({
  verdict: 'WAITING',
  asOf: null,
  riskLevel: null,
  riskFactors: [],
  release: null,
  services: [{ status: 'WAITING' }],
  areas: [],
  openIncidents: null,
  readinessReview: null,
  goNoGoSession: null,
  ...over,
});

describe('the verdict as the meeting reads it', () => {
  test('allowed is a go, refused a no-go, waiting stays waiting, null is no verdict', () => {
    assert.equal(verdictOf(readiness({ verdict: 'ALLOWED' })).tone, 'go');
    assert.equal(verdictOf(readiness({ verdict: 'REFUSED' })).word, 'No-go');
    assert.equal(verdictOf(readiness({ verdict: 'WAITING' })).tone, 'waiting');
    assert.equal(verdictOf(readiness({ verdict: null })).tone, 'unknown');
  });

  test('waiting with no service to judge says so', () => {
    assert.match(verdictOf(readiness({ services: [] })).detail, /No shipped service/);
  });
});

describe('areas and their gates', () => {
  test('areas come worst first, not applicable last, ties in the API order', () => {
    const areas = [
      area('BUILD', 'PASSED'),
      area('TESTS', null),
      area('NFRS', 'PENDING'),
      area('RISK', 'FAILED'),
      area('GOVERNANCE', 'PENDING'),
    ];
    assert.deepEqual(
      areasWorstFirst(areas).map((a) => a.area),
      ['RISK', 'NFRS', 'GOVERNANCE', 'BUILD', 'TESTS'],
    );
  });

  test('only failed and pending gates are discussed, failed first, then by gate and service', () => {
    const a = area('TESTS', 'FAILED', [
      gate('TEST_COVERAGE', 'PENDING', 'b'),
      gate('SECURITY_SCAN', 'PASSED'),
      gate('TEST_COVERAGE', 'PENDING', 'a'),
      gate('LICENCES', 'WAIVED'),
      gate('STATIC_ANALYSIS', 'FAILED'),
    ]);
    assert.deepEqual(
      gatesToDiscuss(a).map((g) => `${g.gate.gate}/${g.service?.key}`),
      ['STATIC_ANALYSIS/svc', 'TEST_COVERAGE/a', 'TEST_COVERAGE/b'],
    );
    assert.equal(countsText(a), '1 failed · 2 pending · 1 waived · 1 passed');
    assert.equal(countsText(area('NFRS', null)), 'No gate applies');
  });

  test('a gate that says the same in several environments is said once, naming them', () => {
    const groups = groupedByEnvironment([
      gate('DR_TEST', 'FAILED', 'ledger', 'prod-eu'),
      gate('DR_TEST', 'FAILED', 'ledger', 'prod-us'),
      gate('DR_TEST', 'FAILED', 'cards', 'prod-eu'),
      gate('DR_TEST', 'PENDING', 'ledger', 'prod-eu'),
      gate('NFRS', 'FAILED', 'cards', null),
    ]);
    assert.deepEqual(groups.map(placeOf), [
      'ledger → prod-eu, prod-us',
      'cards → prod-eu',
      'ledger → prod-eu',
      'cards',
    ]);
    assert.equal(blockingNames(groups.map((g) => g.first), (v) => v.toLowerCase()), 'DR test, NFRs');
    assert.equal(gateName('SECURITY_SCAN', (v) => v.toLowerCase()), 'security_scan');
  });
});

describe('evidence and risk, read aloud', () => {
  test('scalars and short lists are facts; ids and links are not', () => {
    const facts = evidenceFacts({
      releaseId: 'abc',
      service_id: 'x',
      missing: ['runbook', 'on-call'],
      measured: 1.5,
      met: false,
      link: 'https://example.test/run/1',
      nested: { a: 1 },
      many: [1, 2, 3, 4, 5, 6, 7],
    });
    assert.deepEqual(facts, [
      ['missing', 'runbook, on-call'],
      ['measured', '1.5'],
      ['met', 'false'],
      ['many', '1, 2, 3, 4, 5 and 2 more'],
    ]);
    assert.deepEqual(evidenceFacts(['a']), []);
    assert.deepEqual(evidenceFacts(null), []);
  });

  test('the heaviest factors come first and weightless ones are left out', () => {
    const factors = [
      { factor: 'A', points: 2 },
      { factor: 'B', points: 0 },
      { factor: 'C', points: 9 },
      { factor: 'D', points: 4 },
    ];
    assert.deepEqual(heaviestFactors(factors, 2).map((f) => f.factor), ['C', 'D']);
  });
});

describe('the go/no-go session links to the readiness dashboard', () => {
  test('the host’s template gets the release id, encoded; no template, no link', () => {
    assert.equal(readinessHref('/readiness?release={releaseId}', 'UmVsZWFzZTox/+='), '/readiness?release=UmVsZWFzZTox%2F%2B%3D');
    assert.equal(readinessHref('#readiness', 'R1'), '#readiness');
    assert.equal(readinessHref(null, 'R1'), null);
    assert.equal(readinessHref('', 'R1'), null);
  });
});

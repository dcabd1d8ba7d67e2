import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { postMortemState, progress, targetText, verification } from './post-mortem-data.js';
import type { ActionItem, PostMortem } from './queries.js';

const item = (over: Partial<ActionItem>): ActionItem => ({
  title: 'Add the rollback step to the template',
  targetKind: 'DOCUMENTATION_TEMPLATE',
  target: { template_key: 'release-notes', item_key: 'rollback-plan' },
  status: 'OPEN',
  verifiedRef: null,
  verifiedSummary: '',
  verifiedAt: null,
  verifiedBy: null,
  createdAt: '2026-12-01T10:00:00Z',
  ...over,
});

const pm = (over: Partial<PostMortem>): PostMortem => ({
  __typename: 'PostMortem',
  id: 'P1',
  status: 'OPEN',
  severity: 'SEV2',
  title: 'Checkout latency',
  summary: '',
  impact: '',
  dueAt: '2026-12-10T10:00:00Z',
  completedAt: null,
  overdue: false,
  incident: null,
  service: null,
  attribution: null,
  factors: [],
  actionItems: [],
  timeline: [],
  ...over,
});

describe('what an action item changes', () => {
  test('each kind of target in words', () => {
    assert.equal(targetText(item({})), 'template release-notes, item rollback-plan');
    assert.equal(
      targetText(item({ targetKind: 'READINESS_CHECKLIST_ITEM', target: { template_key: 'sre', item_key: 'runbook' } })),
      'checklist sre, item runbook',
    );
    assert.equal(targetText(item({ targetKind: 'TEST_CASE', target: { test_name: 'checkout-e2e' } })), 'test evidence checkout-e2e');
    assert.equal(
      targetText(item({ targetKind: 'PIPELINE_GATE', target: { pipeline_key: 'payments', gate: 'canary' } })),
      'gate canary of pipeline payments',
    );
    assert.equal(
      targetText(item({ targetKind: 'GUARDRAIL_VALUE', target: { key: 'min_approvals', value: 2 } })),
      'guardrail min_approvals at least as strict as 2',
    );
  });
});

describe('verification, not declaration', () => {
  test('open until the change exists; done says what was found and who found it', () => {
    assert.deepEqual(verification(item({})), { done: false, text: 'Open until the change it names exists.' });
    const done = verification(item({ status: 'DONE', verifiedSummary: 'release-notes v3', verifiedBy: 'system' }));
    assert.deepEqual(done, { done: true, text: 'Done: release-notes v3 (verified automatically)' });
    assert.match(verification(item({ status: 'DONE', verifiedBy: 'sre' })).text, /verified by sre/);
  });

  test('progress counts the done items', () => {
    assert.deepEqual(progress(pm({ actionItems: [item({}), item({ status: 'DONE' })] })), { done: 1, total: 2 });
    assert.deepEqual(progress(pm({})), { done: 0, total: 0 });
  });

  test('the state: completed, overdue or open', () => {
    assert.deepEqual(postMortemState(pm({ status: 'COMPLETED' })), { word: 'Completed', tone: 'good' });
    assert.deepEqual(postMortemState(pm({ overdue: true })), { word: 'Overdue', tone: 'bad' });
    assert.deepEqual(postMortemState(pm({})), { word: 'Open', tone: 'waiting' });
  });
});

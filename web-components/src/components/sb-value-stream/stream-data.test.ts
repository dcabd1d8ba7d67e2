import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { streamBars, summaryBars, summaryTable, waitsText } from './stream-data.js';
import type { StepSummary, StepTime } from './queries.js';

const summary = (step: StepSummary['step'], work: number | null, wait: number | null): StepSummary => ({
  step,
  changes: 4,
  noData: 1,
  workMedianSeconds: work,
  workP75Seconds: work,
  waitMedianSeconds: wait,
  waitP75Seconds: wait,
  waitByKind: [],
});

describe('the value stream in bars and tables', () => {
  test('a step is its work then its wait, in hours; no data draws nothing', () => {
    const bars = summaryBars([summary('APPROVED', 3600, 7200), summary('STAGED', null, null)]);
    assert.deepEqual(bars, [
      { label: 'Approval', segments: [{ key: 'work', value: 1 }, { key: 'wait', value: 2 }] },
      { label: 'Staging', segments: [{ key: 'work', value: 0 }, { key: 'wait', value: 0 }] },
    ]);
    const step: StepTime = { step: 'BUILT', hasData: false, startedAt: null, endedAt: null, workSeconds: 5, waitSeconds: 5, waits: [] };
    assert.deepEqual(streamBars([step])[0]!.segments.map((s) => s.value), [0, 0]);
  });

  test('waits read biggest first, zeros left out', () => {
    const text = waitsText(
      [
        { kind: 'FREEZE', seconds: 3600 },
        { kind: 'APPROVAL', seconds: 7200 },
        { kind: 'WINDOW', seconds: 0 },
      ],
      (s) => `${s / 3600} h`,
    );
    assert.equal(text, 'approval 2 h, a freeze 1 h');
  });

  test('the step table carries seconds; unknown is empty, not zero', () => {
    const t = summaryTable([summary('DEPLOYED', 60.4, null)]);
    assert.deepEqual(t.body, [['Deploy', '4', '1', '60', '60', '', '']]);
    assert.equal(t.head.length, t.body[0]!.length);
  });
});

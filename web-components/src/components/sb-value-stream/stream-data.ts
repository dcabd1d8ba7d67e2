import type { CsvTable } from '../../base/csv.js';
import type { Segment } from '../../charts/geometry.js';
import type { Step, StepSummary, StepTime, Wait, WaitKind, WasteKind } from './queries.js';

export const STEP_LABEL: Record<Step, string> = {
  MERGED: 'Commit to merge',
  BUILT: 'Build',
  TESTED: 'Test',
  STAGED: 'Staging',
  APPROVED: 'Approval',
  DEPLOYED: 'Deploy',
};

export const WAIT_LABEL: Record<WaitKind, string> = {
  FREEZE: 'a freeze',
  WINDOW: 'a window',
  ENVIRONMENT_QUEUE: 'an environment',
  APPROVAL: 'approval',
  HAND_OFF: 'a hand-off',
};

export const WASTE_LABEL: Record<WasteKind, string> = {
  MANUAL_HAND_OFF: 'Manual hand-offs',
  REDUNDANT_REVIEW: 'Redundant reviews',
  REWORK_LOOP: 'Re-work loops',
};

/** Bar segments of a step: its work then its wait (hours), none when it has no data. */
export function segmentsOf(work: number | null, wait: number | null): Segment[] {
  return [
    { key: 'work', value: (work ?? 0) / 3600 },
    { key: 'wait', value: (wait ?? 0) / 3600 },
  ];
}

export function summaryBars(steps: readonly StepSummary[]): Array<{ label: string; segments: Segment[] }> {
  return steps.map((s) => ({ label: STEP_LABEL[s.step], segments: segmentsOf(s.workMedianSeconds, s.waitMedianSeconds) }));
}

export function streamBars(steps: readonly StepTime[]): Array<{ label: string; segments: Segment[] }> {
  return steps.map((s) => ({
    label: STEP_LABEL[s.step],
    segments: s.hasData ? segmentsOf(s.workSeconds, s.waitSeconds) : segmentsOf(null, null),
  }));
}

/** What a step waited for, biggest first: `approval 3 days, a freeze 5 h`. */
export function waitsText(waits: readonly Wait[], duration: (s: number) => string): string {
  return [...waits]
    .filter((w) => w.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .map((w) => `${WAIT_LABEL[w.kind]} ${duration(w.seconds)}`)
    .join(', ');
}

/** The summary's step table, as shown and as CSV (seconds, so a spreadsheet can sum them). */
export function summaryTable(steps: readonly StepSummary[]): CsvTable {
  const sec = (v: number | null): string => (v === null ? '' : String(Math.round(v)));
  return {
    head: ['Step', 'Changes measured', 'No data', 'Work median (s)', 'Work p75 (s)', 'Wait median (s)', 'Wait p75 (s)'],
    body: steps.map((s) => [
      STEP_LABEL[s.step],
      String(s.changes),
      String(s.noData),
      sec(s.workMedianSeconds),
      sec(s.workP75Seconds),
      sec(s.waitMedianSeconds),
      sec(s.waitP75Seconds),
    ]),
  };
}

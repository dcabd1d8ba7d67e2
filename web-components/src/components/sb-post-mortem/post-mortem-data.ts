import type { ActionItem, PostMortem, TargetKind } from './queries.js';

export const TARGET_LABEL: Record<TargetKind, string> = {
  DOCUMENTATION_TEMPLATE: 'Documentation template',
  READINESS_CHECKLIST_ITEM: 'Readiness checklist item',
  TEST_CASE: 'Test case',
  PIPELINE_GATE: 'Pipeline gate',
  GUARDRAIL_VALUE: 'Guardrail value',
};

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** What an action item changes, said in words from its stored target. */
export function targetText(item: ActionItem): string {
  const t = item.target;
  switch (item.targetKind) {
    case 'DOCUMENTATION_TEMPLATE':
      return `template ${str(t['template_key'])}, item ${str(t['item_key'])}`;
    case 'READINESS_CHECKLIST_ITEM':
      return `checklist ${str(t['template_key'])}, item ${str(t['item_key'])}`;
    case 'TEST_CASE':
      return `test evidence ${str(t['test_name'])}`;
    case 'PIPELINE_GATE':
      return `gate ${str(t['gate'])} of pipeline ${str(t['pipeline_key'])}`;
    case 'GUARDRAIL_VALUE':
      return `guardrail ${str(t['key'])} at least as strict as ${str(t['value'])}`;
  }
}

/** How an item's loop is closed: verified against the change it names, or still open. */
export function verification(item: ActionItem): { done: boolean; text: string } {
  if (item.status === 'DONE') {
    const by = item.verifiedBy === 'system' ? 'verified automatically' : `verified by ${item.verifiedBy ?? 'someone'}`;
    return { done: true, text: `Done: ${item.verifiedSummary || 'the change exists'} (${by})` };
  }
  return { done: false, text: 'Open until the change it names exists.' };
}

export function progress(pm: PostMortem): { done: number; total: number } {
  return { done: pm.actionItems.filter((i) => i.status === 'DONE').length, total: pm.actionItems.length };
}

/** The post-mortem's state in a word and a tone. */
export function postMortemState(pm: PostMortem): { word: string; tone: 'good' | 'bad' | 'waiting' } {
  if (pm.status === 'COMPLETED') return { word: 'Completed', tone: 'good' };
  return pm.overdue ? { word: 'Overdue', tone: 'bad' } : { word: 'Open', tone: 'waiting' };
}

import type { Area, AreaGate, AreaSummary, GateStatus, Readiness, Verdict } from './queries.js';

/** What each part of the dashboard is called in the meeting. */
export const AREA_LABEL: Record<Area, string> = {
  BUILD: 'Build and pipeline',
  TESTS: 'Tests, scans and coverage',
  ENVIRONMENTS: 'Environments and parity',
  PERFORMANCE: 'Performance at production volume',
  NFRS: 'Non-functional requirements',
  READINESS_REVIEW: 'SRE readiness review',
  DATA_MIGRATIONS: 'Data migrations',
  DOWNTIME_NOTICES: 'Downtime notices',
  RISK: 'Risk and peer review',
  GOVERNANCE: 'Governance and sign-offs',
};

export const STATUS_LABEL: Record<GateStatus, string> = {
  FAILED: 'Failed',
  PENDING: 'Pending',
  WAIVED: 'Waived',
  PASSED: 'Passed',
};

const WORST_FIRST: readonly GateStatus[] = ['FAILED', 'PENDING', 'WAIVED', 'PASSED'];

export type Tone = 'go' | 'no-go' | 'waiting' | 'unknown';

/** The verdict as the meeting reads it: a word for the projector and a tone for its colour. */
export function verdictOf(readiness: Readiness): { word: string; tone: Tone; detail: string } {
  const verdict: Verdict | null = readiness.verdict;
  if (verdict === null) {
    return { word: 'No verdict', tone: 'unknown', detail: 'The promotion decision is not yours to see.' };
  }
  if (verdict === 'ALLOWED') {
    return { word: 'Go', tone: 'go', detail: 'Every service may be promoted to every target environment.' };
  }
  if (verdict === 'REFUSED') {
    return { word: 'No-go', tone: 'no-go', detail: 'At least one service is refused: see the failed gates.' };
  }
  if (!readiness.services.length) {
    return { word: 'Waiting', tone: 'waiting', detail: 'No shipped service has a target environment to judge yet.' };
  }
  return { word: 'Waiting', tone: 'waiting', detail: 'Nothing is refused, but some gates are still pending.' };
}

/** How many gates of an area are in each status (every status present, zero or more). */
export function countsOf(area: AreaSummary): Record<GateStatus, number> {
  const counts: Record<GateStatus, number> = { FAILED: 0, PENDING: 0, WAIVED: 0, PASSED: 0 };
  for (const g of area.gates) counts[g.gate.status] += 1;
  return counts;
}

/** "2 failed · 1 pending · 7 passed": the statuses present, worst first. */
export function countsText(area: AreaSummary): string {
  if (!area.gates.length) return 'No gate applies';
  const counts = countsOf(area);
  return WORST_FIRST.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${STATUS_LABEL[s].toLowerCase()}`)
    .join(' · ');
}

/** The gates the meeting must talk about (failed, then pending), then by gate and service. */
export function gatesToDiscuss(area: AreaSummary): AreaGate[] {
  const rank = (g: AreaGate): number => WORST_FIRST.indexOf(g.gate.status);
  return area.gates
    .filter((g) => g.gate.status === 'FAILED' || g.gate.status === 'PENDING')
    .slice()
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.gate.gate.localeCompare(b.gate.gate) ||
        (a.service?.key ?? '').localeCompare(b.service?.key ?? '') ||
        (a.environment?.key ?? '').localeCompare(b.environment?.key ?? ''),
    );
}

/** Areas worst first (failed, pending, waived, passed, not applicable), otherwise in the API's order. */
export function areasWorstFirst(areas: readonly AreaSummary[]): AreaSummary[] {
  const rank = (a: AreaSummary): number => (a.status === null ? WORST_FIRST.length : WORST_FIRST.indexOf(a.status));
  return areas
    .map((area, i) => ({ area, i }))
    .sort((x, y) => rank(x.area) - rank(y.area) || x.i - y.i)
    .map(({ area }) => area);
}

/** The factors that weigh most on the risk level, heaviest first. */
export function heaviestFactors<F extends { readonly points: number }>(factors: readonly F[], most = 5): F[] {
  return factors
    .filter((f) => f.points > 0)
    .slice()
    .sort((a, b) => b.points - a.points)
    .slice(0, most);
}

/** Plain facts of a gate's evidence worth reading aloud: scalars and short lists, never ids or links. */
export function evidenceFacts(evidence: unknown, most = 6): Array<[string, string]> {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return [];
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (/(^id|Id|_id|_ids|Ids)$/.test(key)) continue;
    const text = factText(value);
    if (text !== null) out.push([key, text]);
    if (out.length === most) break;
  }
  return out;
}

function factText(value: unknown): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return /^https?:\/\//.test(value) || !value ? null : value;
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    const shown = value.slice(0, 5).join(', ');
    return value.length > 5 ? `${shown} and ${value.length - 5} more` : shown;
  }
  return null;
}

/** One gate of one service, said once for every target environment where it says the same. */
export interface GateGroup {
  readonly first: AreaGate;
  readonly environments: readonly string[];
}

/**
 * The gates to discuss with those that differ only by environment said once (a missing DR test
 * is the same problem in three production regions): in the order of `gatesToDiscuss`.
 */
export function groupedByEnvironment(gates: readonly AreaGate[]): GateGroup[] {
  const groups = new Map<string, { first: AreaGate; environments: string[] }>();
  for (const g of gates) {
    const key = JSON.stringify([g.gate.gate, g.gate.status, g.service?.id ?? '', g.gate.reason]);
    const group = groups.get(key) ?? { first: g, environments: [] };
    if (g.environment && !group.environments.includes(g.environment.key)) group.environments.push(g.environment.key);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Where a group of gates applies, in words: `card-gateway → prod-eu, prod-us`. */
export function placeOf(group: GateGroup): string {
  const service = group.first.service?.key ?? 'a service';
  return group.environments.length ? `${service} → ${group.environments.join(', ')}` : service;
}

/** Gate keys whose words are not their key's: acronyms stay acronyms. */
const GATE_WORDS: Record<string, string> = { NFRS: 'NFRs', DR_TEST: 'DR test', SEGREGATION_OF_DUTIES: 'Segregation of duties' };

/** A gate's name in words: `NFRS` → `NFRs`, `SECURITY_SCAN` → `Security scan`. */
export function gateName(gate: string, humanize: (value: string) => string): string {
  return GATE_WORDS[gate] ?? humanize(gate);
}

/** The names of the gates to discuss, each once, for the area's one-line summary. */
export function blockingNames(gates: readonly AreaGate[], humanize: (value: string) => string): string {
  return [...new Set(gates.map((g) => gateName(g.gate.gate, humanize)))].join(', ');
}

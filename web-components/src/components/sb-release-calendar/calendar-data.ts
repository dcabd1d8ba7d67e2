import { touchesDay } from './calendar-dates.js';
import type {
  DeploymentWindow,
  FreezeOccurrence,
  CalendarConflict,
  ProductionChange,
  VendorRelease,
  DeploymentReport,
  IncidentReport,
  CalendarSlice,
} from './queries.js';

const SEVERITY_RANK = { BLOCKING: 0, WARNING: 1, INFO: 2 } as const;

/** Everything the calendar places on days, as one tagged union. */
export type CalendarItem =
  | {
      readonly type: 'window';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly window: DeploymentWindow;
      /** The worst severity among the window's conflicts, if any. */
      readonly conflict: CalendarConflict['severity'] | null;
    }
  | {
      readonly type: 'freeze';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly freeze: FreezeOccurrence;
    }
  | {
      readonly type: 'conflict';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      /** Every reason the same two windows clash, worst first. */
      readonly conflicts: readonly CalendarConflict[];
      readonly severity: CalendarConflict['severity'];
    }
  | {
      readonly type: 'vendor-release';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly vendorRelease: VendorRelease;
    }
  | {
      readonly type: 'production-change';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly change: ProductionChange;
    }
  | {
      readonly type: 'deployment';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly deployment: DeploymentReport;
    }
  | {
      readonly type: 'incident';
      readonly key: string;
      readonly start: Date;
      readonly end: Date;
      readonly incident: IncidentReport;
    };

/** Order on a day: freezes first (they bind everything), then by start. */
const TYPE_ORDER: Record<CalendarItem['type'], number> = {
  freeze: 0,
  conflict: 1,
  incident: 2,
  window: 3,
  'vendor-release': 4,
  deployment: 5,
  'production-change': 6,
};

/** Flatten a calendar slice into dated items; conflicts sit where their two windows overlap. */
export function itemsOf(slice: CalendarSlice): CalendarItem[] {
  const windows = new Map(slice.windows.map((w) => [w.id, w]));
  const worst = new Map<string, CalendarConflict['severity']>();
  for (const c of slice.conflicts) {
    for (const id of [c.first.id, c.second.id]) {
      const known = worst.get(id);
      if (known === undefined || SEVERITY_RANK[c.severity] < SEVERITY_RANK[known]) {
        worst.set(id, c.severity);
      }
    }
  }
  const items: CalendarItem[] = [];
  for (const w of slice.windows) {
    items.push({
      type: 'window',
      key: `window:${w.id}`,
      start: new Date(w.startsAt),
      end: new Date(w.endsAt),
      window: w,
      conflict: worst.get(w.id) ?? null,
    });
  }
  // Back-to-back occurrences of one freeze (the last three weekdays of a quarter) read as one period.
  const occurrences = [...slice.freezeOccurrences].sort(
    (a, b) => a.freezeId.localeCompare(b.freezeId) || Date.parse(a.startsAt) - Date.parse(b.startsAt),
  );
  let last: { freezeId: string; item: { start: Date; end: Date } } | undefined;
  for (const f of occurrences) {
    const start = new Date(f.startsAt);
    const end = new Date(f.endsAt);
    if (last && last.freezeId === f.freezeId && start.getTime() <= last.item.end.getTime()) {
      last.item.end = end;
      continue;
    }
    const item = { type: 'freeze' as const, key: `freeze:${f.freezeId}:${f.startsAt}`, start, end, freeze: f };
    items.push(item);
    last = { freezeId: f.freezeId, item };
  }
  const pairs = new Map<string, CalendarConflict[]>();
  for (const c of slice.conflicts) {
    const pair = [c.first.id, c.second.id].sort().join('|');
    pairs.set(pair, [...(pairs.get(pair) ?? []), c]);
  }
  for (const [pair, found] of pairs) {
    const conflicts = [...found].sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
    const first = conflicts[0];
    if (!first) continue;
    const a = windows.get(first.first.id);
    const b = windows.get(first.second.id);
    let start = new Date(a?.startsAt ?? b?.startsAt ?? 0);
    let end = new Date(a?.endsAt ?? b?.endsAt ?? 0);
    if (a && b) {
      const s = Math.max(Date.parse(a.startsAt), Date.parse(b.startsAt));
      const e = Math.min(Date.parse(a.endsAt), Date.parse(b.endsAt));
      // Windows that clash without overlapping (a dependency) show on the first one's days.
      if (s < e) {
        start = new Date(s);
        end = new Date(e);
      }
    }
    items.push({ type: 'conflict', key: `conflict:${pair}`, start, end, conflicts, severity: first.severity });
  }
  for (const v of slice.vendorReleases) {
    items.push({
      type: 'vendor-release',
      key: `vendor-release:${v.id}`,
      start: new Date(v.startsAt),
      end: new Date(v.endsAt),
      vendorRelease: v,
    });
  }
  slice.productionChanges.forEach((p, i) => {
    const at = new Date(p.at);
    items.push({ type: 'production-change', key: `change:${p.flagId}:${i}`, start: at, end: at, change: p });
  });
  for (const d of slice.deployments) {
    const at = new Date(d.occurredAt);
    items.push({ type: 'deployment', key: `deployment:${d.id}`, start: at, end: at, deployment: d });
  }
  for (const inc of slice.incidents) {
    const at = new Date(inc.detectedAt);
    const end = inc.resolvedAt ? new Date(inc.resolvedAt) : at;
    items.push({ type: 'incident', key: `incident:${inc.id}`, start: at, end, incident: inc });
  }
  return items.sort(
    (x, y) => TYPE_ORDER[x.type] - TYPE_ORDER[y.type] || x.start.getTime() - y.start.getTime(),
  );
}

/** The items touching a day, in display order. */
export function itemsOnDay(items: readonly CalendarItem[], day: Date): CalendarItem[] {
  return items.filter((item) => touchesDay(item.start, item.end, day));
}

/** A short title for an item, as shown on a day. */
export function itemTitle(item: CalendarItem): string {
  switch (item.type) {
    case 'window':
      return item.window.title;
    case 'freeze':
      return item.freeze.title;
    case 'conflict':
      return `${item.conflicts[0]?.first.title ?? ''} ↔ ${item.conflicts[0]?.second.title ?? ''}`;
    case 'vendor-release':
      return `${item.vendorRelease.vendor?.name ?? 'Vendor'}: ${item.vendorRelease.title} ${item.vendorRelease.releaseVersion}`;
    case 'production-change':
      return `Flag ${item.change.flagKey}: ${item.change.action.toLowerCase()}`;
    case 'deployment':
      return `${item.deployment.service?.name ?? item.deployment.serviceRef} deployed`;
    case 'incident':
      return `Incident: ${item.incident.service?.name ?? item.incident.serviceRef}`;
  }
}

/** What kind of thing an item is, in words. */
export function itemKind(item: CalendarItem): string {
  switch (item.type) {
    case 'window':
      return `${item.window.kind.toLowerCase()} window`;
    case 'freeze':
      return 'freeze';
    case 'conflict':
      return `${item.severity.toLowerCase()} conflict`;
    case 'vendor-release':
      return 'vendor release';
    case 'production-change':
      return 'production change';
    case 'deployment':
      return 'deployment';
    case 'incident':
      return 'incident';
  }
}

/** Counted, in words, for a day's accessible name: "2 windows, 1 freeze". */
export function summarise(items: readonly CalendarItem[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const label = SUMMARY_LABEL[item.type];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts]
    .map(([label, n]) => `${n} ${n === 1 ? label : PLURAL[label] ?? `${label}s`}`)
    .join(', ');
}

const SUMMARY_LABEL: Record<CalendarItem['type'], string> = {
  window: 'window',
  freeze: 'freeze',
  conflict: 'conflict',
  'vendor-release': 'vendor release',
  'production-change': 'production change',
  deployment: 'deployment',
  incident: 'incident',
};

const PLURAL: Record<string, string> = { freeze: 'freezes' };

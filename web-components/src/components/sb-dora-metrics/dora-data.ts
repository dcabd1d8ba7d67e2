import { formatDuration as durationText } from '../../base/format.js';
import type { TrendPoint } from '../../charts/geometry.js';
import type { DoraLevel, DoraRows, FourKeys, LedgerRow } from './queries.js';

export type KeyName = 'frequency' | 'leadTime' | 'failureRate' | 'restore';

export const KEY_TITLE: Record<KeyName, string> = {
  frequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  failureRate: 'Change failure rate',
  restore: 'Time to restore service',
};

export const LEVEL_WORD: Record<DoraLevel, string> = { ELITE: 'Elite', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

type Num = (value: number, digits?: number) => string;

export { durationText };

export interface KeyCard {
  readonly key: KeyName;
  readonly title: string;
  readonly value: string;
  readonly detail: string;
  readonly level: DoraLevel | null;
}

/** The four figures, each in words with what it was measured on. */
export function keyCards(k: FourKeys, num: Num): KeyCard[] {
  const f = k.deploymentFrequency;
  const lt = k.leadTime;
  const cfr = k.changeFailureRate;
  const ttr = k.timeToRestore;
  const steps = [
    ['coding', lt.codingSeconds],
    ['pickup', lt.pickupSeconds],
    ['review', lt.reviewSeconds],
    ['deploy', lt.deploySeconds],
  ] as const;
  const known = steps.filter(([, s]) => s !== null);
  return [
    {
      key: 'frequency',
      title: KEY_TITLE.frequency,
      value: f.medianDaysPerWeek === null ? `${f.deployments}` : `${num(f.medianDaysPerWeek)} days a week`,
      detail: `${f.deployments} deployments on ${f.deploymentDays} days`,
      level: f.level,
    },
    {
      key: 'leadTime',
      title: KEY_TITLE.leadTime,
      value: durationText(lt.seconds, num),
      detail: `${lt.deploymentsMeasured} deployments measured${known.length
        ? `; ${known.map(([name, s]) => `${name} ${durationText(s, num)}`).join(', ')}`
        : ''}`,
      level: lt.level,
    },
    {
      key: 'failureRate',
      title: KEY_TITLE.failureRate,
      value: cfr.rate === null ? '—' : `${num(cfr.rate * 100)} %`,
      detail: `${cfr.failed} of ${cfr.counted} changes failed`,
      level: cfr.level,
    },
    {
      key: 'restore',
      title: KEY_TITLE.restore,
      value: durationText(ttr.seconds, num),
      detail: `${ttr.incidentsMeasured} incidents measured`,
      level: ttr.level,
    },
  ];
}

/** One key's figure per trend bucket, in a unit a chart can draw (hours, percent, count). */
export function trendOf(trend: readonly FourKeys[], key: KeyName): TrendPoint[] {
  return trend.map((b) => {
    const at = new Date(b.start);
    switch (key) {
      case 'frequency':
        return { at, value: b.deploymentFrequency.deployments };
      case 'leadTime':
        return { at, value: b.leadTime.seconds === null ? null : b.leadTime.seconds / 3600 };
      case 'failureRate':
        return { at, value: b.changeFailureRate.rate === null ? null : b.changeFailureRate.rate * 100 };
      case 'restore':
        return { at, value: b.timeToRestore.seconds === null ? null : b.timeToRestore.seconds / 3600 };
    }
  });
}

export const TREND_UNIT: Record<KeyName, string> = {
  frequency: 'deployments',
  leadTime: 'hours',
  failureRate: '%',
  restore: 'hours',
};

export interface Table {
  readonly caption: string;
  readonly head: readonly string[];
  readonly body: ReadonlyArray<readonly string[]>;
}

const change = (c: LedgerRow): string[] => [c.at, c.service?.name ?? '', c.artifactVersion ?? c.summary];

/** The rows behind one key, as a table (the same cells go to the CSV). */
export function rowsTable(rows: DoraRows, key: KeyName): Table {
  switch (key) {
    case 'frequency':
      return {
        caption: 'Successful production deployments counted',
        head: ['Finished', 'Service', 'Version'],
        body: rows.deployments.map(change),
      };
    case 'leadTime':
      return {
        caption: 'Deployments with a lead time',
        head: ['Finished', 'Service', 'Version', 'Lead time (s)'],
        body: rows.leadTimes.map((l) => [...change(l.change), String(Math.round(l.seconds))]),
      };
    case 'failureRate':
      return {
        caption: 'Failed changes and the incidents counted against them',
        head: ['Finished', 'Service', 'Version', 'Incidents'],
        body: rows.failures.map((f) => [...change(f.change), f.incidents.map((i) => i.incidentRef).join(' ') || 'rollback']),
      };
    case 'restore':
      return {
        caption: 'Incidents restored',
        head: ['Detected', 'Incident', 'Description', 'Time to restore (s)'],
        body: rows.restores.map((r) => [
          r.incident?.detectedAt ?? '',
          r.incident?.incidentRef ?? '',
          r.incident?.description ?? '',
          String(Math.round(r.seconds)),
        ]),
      };
  }
}

export type DoraLevel = 'ELITE' | 'HIGH' | 'MEDIUM' | 'LOW';
export type DoraBucket = 'WEEK' | 'MONTH';
export type DoraStatistic = 'MEDIAN' | 'P75';
export type DoraBenchmarks = 'DORA_2023' | 'DORA_2021';
export type DoraFailureDefinition = 'INCIDENT' | 'ROLLBACK' | 'HOTFIX' | 'ANY';

export interface FourKeys {
  readonly start: string;
  readonly end: string;
  readonly deploymentFrequency: {
    readonly deployments: number;
    readonly deploymentDays: number;
    readonly medianDaysPerWeek: number | null;
    readonly level: DoraLevel | null;
  };
  readonly leadTime: {
    readonly seconds: number | null;
    readonly deploymentsMeasured: number;
    readonly codingSeconds: number | null;
    readonly pickupSeconds: number | null;
    readonly reviewSeconds: number | null;
    readonly deploySeconds: number | null;
    readonly level: DoraLevel | null;
  };
  readonly changeFailureRate: {
    readonly rate: number | null;
    readonly failed: number;
    readonly counted: number;
    readonly level: DoraLevel | null;
  };
  readonly timeToRestore: {
    readonly seconds: number | null;
    readonly incidentsMeasured: number;
    readonly level: DoraLevel | null;
  };
}

export interface DoraMetrics {
  readonly start: string;
  readonly end: string;
  readonly statistic: DoraStatistic;
  readonly benchmarks: DoraBenchmarks;
  readonly failureDefinition: DoraFailureDefinition;
  readonly keys: FourKeys;
  readonly trend: readonly FourKeys[];
}

export interface LedgerRow {
  readonly id: string;
  readonly kind: string;
  readonly at: string;
  readonly artifactVersion: string | null;
  readonly summary: string;
  readonly service: { readonly name: string } | null;
}

export interface IncidentRow {
  readonly incidentRef: string;
  readonly description: string;
  readonly detectedAt: string;
}

export interface DoraRows {
  readonly deployments: readonly LedgerRow[];
  readonly leadTimes: ReadonlyArray<{ readonly seconds: number; readonly change: LedgerRow }>;
  readonly failures: ReadonlyArray<{ readonly change: LedgerRow; readonly incidents: readonly IncidentRow[] }>;
  readonly restores: ReadonlyArray<{ readonly seconds: number; readonly incident: IncidentRow | null }>;
  readonly leftOut: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

export type Variables = {
  readonly scope: {
    readonly businessUnitId?: string;
    readonly teamId?: string;
    readonly serviceId?: string;
  };
  readonly since?: string;
  readonly until?: string;
  readonly bucket: DoraBucket;
  readonly options: {
    readonly statistic: DoraStatistic;
    readonly benchmarks: DoraBenchmarks;
    readonly failure: DoraFailureDefinition;
  };
};

const KEYS = `fragment SbDoraKeys on FourKeys {
  start end
  deploymentFrequency { deployments deploymentDays medianDaysPerWeek level }
  leadTime { seconds deploymentsMeasured codingSeconds pickupSeconds reviewSeconds deploySeconds level }
  changeFailureRate { rate failed counted level }
  timeToRestore { seconds incidentsMeasured level }
}`;

/** The figures and their trend; the rows behind them are asked for when opened. */
export const DORA_METRICS_QUERY = `query SbDoraMetrics($scope: DoraScope, $since: DateTime, $until: DateTime, $bucket: DoraBucket!, $options: DoraOptions) {
  doraMetrics(scope: $scope, since: $since, until: $until, bucket: $bucket, options: $options) {
    start end statistic benchmarks failureDefinition
    keys { ...SbDoraKeys }
    trend { ...SbDoraKeys }
  }
}
${KEYS}`;

const ROW = `fragment SbDoraLedgerRow on ChangeLedgerEntry { id kind at artifactVersion summary service { name } }`;

export const DORA_ROWS_QUERY = `query SbDoraRows($scope: DoraScope, $since: DateTime, $until: DateTime, $bucket: DoraBucket!, $options: DoraOptions) {
  doraMetrics(scope: $scope, since: $since, until: $until, bucket: $bucket, options: $options) {
    rows {
      deployments { ...SbDoraLedgerRow }
      leadTimes { seconds change { ...SbDoraLedgerRow } }
      failures { change { ...SbDoraLedgerRow } incidents { incidentRef description detectedAt } }
      restores { seconds incident { incidentRef description detectedAt } }
      leftOut { id reason }
    }
  }
}
${ROW}`;

export interface DoraMetricsQuery {
  readonly doraMetrics: DoraMetrics;
}

export interface DoraRowsQuery {
  readonly doraMetrics: { readonly rows: DoraRows };
}

export type Step = 'MERGED' | 'BUILT' | 'TESTED' | 'STAGED' | 'APPROVED' | 'DEPLOYED';
export type WasteKind = 'MANUAL_HAND_OFF' | 'REDUNDANT_REVIEW' | 'REWORK_LOOP';
export type WaitKind = 'FREEZE' | 'WINDOW' | 'ENVIRONMENT_QUEUE' | 'APPROVAL' | 'HAND_OFF';

export interface Wait {
  readonly kind: WaitKind;
  readonly seconds: number;
}

export interface StepSummary {
  readonly step: Step;
  readonly changes: number;
  readonly noData: number;
  readonly workMedianSeconds: number | null;
  readonly workP75Seconds: number | null;
  readonly waitMedianSeconds: number | null;
  readonly waitP75Seconds: number | null;
  readonly waitByKind: readonly Wait[];
}

export interface Summary {
  readonly since: string;
  readonly until: string;
  readonly changeCount: number;
  readonly leadTimeMedianSeconds: number | null;
  readonly leadTimeP75Seconds: number | null;
  readonly truncated: boolean;
  readonly steps: readonly StepSummary[];
  readonly slowestSteps: readonly Step[];
  readonly wasteCounts: ReadonlyArray<{ readonly kind: WasteKind; readonly count: number }>;
}

export interface StepTime {
  readonly step: Step;
  readonly hasData: boolean;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly workSeconds: number | null;
  readonly waitSeconds: number | null;
  readonly waits: readonly Wait[];
}

export interface Waste {
  readonly kind: WasteKind;
  readonly step: Step;
  readonly evidence: string;
  readonly lostSeconds: number;
}

export interface Stream {
  readonly deploymentId: string;
  readonly serviceKey: string | null;
  readonly releaseTitle: string | null;
  readonly deployedAt: string;
  readonly leadTimeSeconds: number | null;
  readonly steps: readonly StepTime[];
  readonly waste: readonly Waste[];
}

export const VALUE_STREAM_SUMMARY_QUERY = `query SbValueStreamSummary($team: ID, $bu: ID, $since: DateTime, $until: DateTime) {
  valueStreamSummary(teamId: $team, businessUnitId: $bu, since: $since, until: $until) {
    since until changeCount leadTimeMedianSeconds leadTimeP75Seconds truncated
    steps { step changes noData workMedianSeconds workP75Seconds waitMedianSeconds waitP75Seconds waitByKind { kind seconds } }
    slowestSteps
    wasteCounts { kind count }
  }
}`;

export const VALUE_STREAM_QUERY = `query SbValueStream($id: ID!) {
  valueStream(deploymentId: $id) {
    deploymentId serviceKey releaseTitle deployedAt leadTimeSeconds
    steps { step hasData startedAt endedAt workSeconds waitSeconds waits { kind seconds } }
    waste { kind step evidence lostSeconds }
  }
}`;

export interface SummaryQuery {
  readonly valueStreamSummary: Summary;
}

export interface StreamQuery {
  readonly valueStream: Stream;
}

export type ReviewStatus = 'OPEN' | 'CLOSED';
export type ReviewVerdict = 'HEALTHY' | 'DEGRADED' | 'ROLLED_BACK' | 'INCONCLUSIVE';
export type MetricsState = 'NOT_GATHERED' | 'NOT_CONFIGURED' | 'GATHERED' | 'UNAVAILABLE';
export type IssueKind =
  | 'METRIC_REGRESSION'
  | 'NEW_ERROR_FINGERPRINT'
  | 'NEW_FEEDBACK_THEME'
  | 'INCIDENT'
  | 'JOURNEY_REGRESSION';

export interface Named {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

export interface Metric {
  readonly name: string;
  readonly before: number | null;
  readonly after: number | null;
  readonly risePct: number | null;
}

/** One journey around the deployment, as the review's synthetic results hold it. */
export interface JourneyResult {
  readonly journey: string;
  readonly name: string;
  readonly runsBefore: number;
  readonly runsAfter: number;
  readonly passedBefore: boolean | null;
  readonly passedAfter: boolean | null;
  readonly failedAfter: number;
}

export interface ReviewIncident {
  readonly ref: string;
  readonly status: string;
  readonly description: string;
  readonly detectedAt: string;
  readonly attributedElsewhere: boolean;
  readonly attribution: { readonly changeKind: string | null; readonly changeSummary: string } | null;
}

export interface Review {
  readonly id: string;
  readonly status: ReviewStatus;
  readonly verdict: ReviewVerdict | null;
  readonly summary: string;
  readonly artifactVersion: string;
  readonly deployedAt: string;
  readonly dueAt: string;
  readonly gatheredAt: string | null;
  readonly closedAt: string | null;
  readonly overdue: boolean;
  readonly metricsState: MetricsState;
  readonly metricsNote: string;
  readonly tolerancePct: number | null;
  readonly metrics: readonly Metric[];
  readonly alerts: ReadonlyArray<{ readonly name: string; readonly summary: string; readonly startsAt: string }>;
  readonly incidents: readonly ReviewIncident[];
  readonly logSignals: ReadonlyArray<{ readonly fingerprint: string; readonly before: number; readonly after: number }>;
  readonly feedback: ReadonlyArray<{ readonly kind: string; readonly title: string; readonly tags: readonly string[] }>;
  readonly synthetic: { readonly available: boolean; readonly results: readonly JourneyResult[] | null };
  readonly emergentIssues: ReadonlyArray<{ readonly kind: IssueKind; readonly key: string; readonly detail: string }>;
  readonly service: Named | null;
  readonly team: { readonly name: string } | null;
  readonly closedBy: { readonly displayName: string } | null;
}

export interface Regression {
  readonly id: string;
  readonly detectedAt: string;
  readonly summary: string;
  readonly rolledBack: boolean;
  readonly journey: { readonly key: string; readonly name: string } | null;
}

export interface DeploymentNode {
  readonly __typename: 'Deployment' | 'DeploymentReport';
  readonly id: string;
  readonly artifactVersion?: string;
  readonly strategy?: string;
  readonly status?: string;
  readonly finishedAt?: string | null;
  readonly rollback?: { readonly reason: string; readonly decidedAt: string } | null;
  readonly artifactRef?: string;
  readonly occurredAt?: string;
  readonly kind?: string;
  readonly service: Named | null;
  readonly environment: Named | null;
}

/** One request: the deployment, its journeys' regressions and its 24-hour review. */
export const RELEASE_HEALTH_QUERY = `query SbReleaseHealth($id: ID!) {
  deployment: node(id: $id) {
    __typename id
    ... on Deployment {
      artifactVersion strategy status finishedAt rollback { reason decidedAt }
      service { id key name } environment { id key name }
    }
    ... on DeploymentReport {
      artifactRef occurredAt kind service { id key name } environment { id key name }
    }
  }
  regressions: deploymentJourneyRegressions(deploymentId: $id) {
    id detectedAt summary rolledBack journey { key name }
  }
  review: postReleaseReviewOfDeployment(deploymentId: $id) {
    id status verdict summary artifactVersion deployedAt dueAt gatheredAt closedAt overdue
    metricsState metricsNote tolerancePct
    metrics { name before after risePct }
    alerts { name summary startsAt }
    incidents { ref status description detectedAt attributedElsewhere attribution { changeKind changeSummary } }
    logSignals { fingerprint before after }
    feedback { kind title tags }
    synthetic { available results }
    emergentIssues { kind key detail }
    service { id key name } team { name } closedBy { displayName }
  }
}`;

export interface ReleaseHealthQuery {
  readonly deployment: DeploymentNode | { readonly __typename: string; readonly id: string } | null;
  readonly regressions: readonly Regression[];
  readonly review: Review | null;
}

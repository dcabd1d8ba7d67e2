export type Verdict = 'REFUSED' | 'WAITING' | 'ALLOWED' | 'PROMOTED' | 'CANCELLED' | 'EXPIRED';
export type GateStatus = 'PASSED' | 'FAILED' | 'PENDING' | 'WAIVED';
export type Area =
  | 'BUILD'
  | 'TESTS'
  | 'ENVIRONMENTS'
  | 'PERFORMANCE'
  | 'NFRS'
  | 'READINESS_REVIEW'
  | 'DATA_MIGRATIONS'
  | 'DOWNTIME_NOTICES'
  | 'RISK'
  | 'GOVERNANCE';

export interface Named {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

export interface AreaGate {
  readonly service: Named | null;
  readonly environment: Named | null;
  readonly gate: {
    readonly gate: string;
    readonly status: GateStatus;
    readonly reason: string;
    readonly evidence: unknown;
    readonly waivedBy: { readonly justification: string; readonly incidentReference: string } | null;
  };
}

export interface AreaSummary {
  readonly area: Area;
  readonly status: GateStatus | null;
  readonly gates: readonly AreaGate[];
}

export interface OpenIncident {
  readonly id: string;
  readonly description: string;
  readonly incidentRef: string;
  readonly origin: string;
  readonly detectedAt: string;
  readonly environmentRef: string;
  readonly serviceRef: string;
  readonly service: Named | null;
}

export interface Readiness {
  readonly verdict: Verdict | null;
  readonly asOf: string | null;
  readonly riskLevel: string | null;
  readonly riskFactors: ReadonlyArray<{
    readonly factor: string;
    readonly points: number;
    readonly explanation: string;
  }>;
  readonly release: { readonly id: string; readonly title: string; readonly status: string } | null;
  readonly services: ReadonlyArray<{ readonly status: Verdict }>;
  readonly areas: readonly AreaSummary[];
  readonly openIncidents: { readonly totalCount: number; readonly nodes: readonly OpenIncident[] } | null;
  readonly readinessReview: {
    readonly status: 'OPEN' | 'SIGNED_OFF';
    readonly missing: readonly string[];
    readonly signedOffAt: string | null;
    readonly signedOffBy: { readonly displayName: string } | null;
  } | null;
  readonly goNoGoSession: {
    readonly id: string;
    readonly status: 'OPEN' | 'CLOSED';
    readonly outcome: 'GO' | 'NO_GO' | 'NO_QUORUM' | null;
    readonly board: { readonly name: string } | null;
    readonly currentDecision: { readonly outcome: 'GO' | 'NO_GO' | 'NO_QUORUM'; readonly ruleClause: string };
  } | null;
}

const READINESS = `fragment SbReleaseReadiness on ReleaseReadiness {
  verdict asOf riskLevel
  riskFactors { factor points explanation }
  release { id title status }
  services { status }
  areas { area status gates {
    service { id key name } environment { id key name }
    gate { gate status reason evidence waivedBy { justification incidentReference } }
  } }
  openIncidents { totalCount nodes {
    id description incidentRef origin detectedAt environmentRef serviceRef service { id key name }
  } }
  readinessReview { status missing signedOffAt signedOffBy { displayName } }
  goNoGoSession { id status outcome board { name } currentDecision { outcome ruleClause } }
}`;

export const RELEASE_READINESS_QUERY = `query SbReleaseReadiness($id: ID!) {
  releaseReadiness(releaseId: $id) { ...SbReleaseReadiness }
}
${READINESS}`;

export const DEPARTURE_READINESS_QUERY = `query SbDepartureReadiness($id: ID!) {
  departureReadiness(departureId: $id) { ...SbReleaseReadiness }
}
${READINESS}`;

/** The board's session changing (a vote, the close) is the one change the API pushes. */
export const BOARD_CHANGED = `subscription SbReleaseReadinessBoard($id: ID!) {
  goNoGoSessionChanged(sessionId: $id) { id version status }
}`;

export interface ReleaseReadinessQuery {
  readonly releaseReadiness: Readiness;
}

export interface DepartureReadinessQuery {
  readonly departureReadiness: readonly Readiness[];
}

export interface BoardChanged {
  readonly goNoGoSessionChanged: { readonly id: string; readonly version: number; readonly status: string };
}

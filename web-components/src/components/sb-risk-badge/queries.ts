export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface RiskContribution {
  readonly factor: string;
  readonly group: string;
  readonly input: number;
  readonly weight: number;
  readonly points: number;
  readonly explanation: string;
}

export interface RiskAssessment {
  readonly level: RiskLevel;
  readonly score: number;
  readonly assessedAt: string;
  readonly modelVersion: number;
  readonly contributions: readonly RiskContribution[];
}

export const RISK_QUERY = `query SbRiskBadge($id: ID!) {
  node(id: $id) {
    __typename
    ... on Release {
      id title
      riskAssessment {
        level score assessedAt modelVersion
        contributions { factor group input weight points explanation }
      }
    }
  }
}`;

export interface RiskQuery {
  readonly node: {
    readonly __typename: string;
    readonly title?: string;
    readonly riskAssessment?: RiskAssessment | null;
  } | null;
}

export type GateStatus = 'PASSED' | 'FAILED' | 'PENDING' | 'WAIVED';

export interface PromotionGate {
  readonly gate: string;
  readonly status: GateStatus;
  readonly reason: string;
  readonly evidence: unknown;
  readonly waivedBy: {
    readonly id: string;
    readonly justification: string;
    readonly incidentReference: string;
    readonly expiresAt: string | null;
  } | null;
}

export interface PromotionDecision {
  readonly allowed: boolean;
  readonly exitCode: number;
  readonly summary: string;
  readonly riskLevel: string | null;
  readonly gates: readonly PromotionGate[];
}

export const DECISION_QUERY = `query SbPromotionGates($input: PromotionAskInput!) {
  promotionDecision(input: $input) {
    allowed exitCode summary riskLevel
    gates { gate status reason evidence waivedBy { id justification incidentReference expiresAt } }
  }
}`;

export interface DecisionQuery {
  readonly promotionDecision: PromotionDecision;
}

export type TargetKind =
  | 'DOCUMENTATION_TEMPLATE'
  | 'READINESS_CHECKLIST_ITEM'
  | 'TEST_CASE'
  | 'PIPELINE_GATE'
  | 'GUARDRAIL_VALUE';

export interface ActionItem {
  readonly title: string;
  readonly targetKind: TargetKind;
  /** What it changes, snake_case keys as stored (template_key/item_key, test_name, ...). */
  readonly target: Readonly<Record<string, unknown>>;
  readonly status: 'OPEN' | 'DONE';
  readonly verifiedRef: string | null;
  readonly verifiedSummary: string;
  readonly verifiedAt: string | null;
  readonly verifiedBy: string | null;
  readonly createdAt: string;
}

export interface PostMortem {
  readonly __typename: 'PostMortem';
  readonly id: string;
  readonly status: 'OPEN' | 'COMPLETED';
  readonly severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
  readonly title: string;
  readonly summary: string;
  readonly impact: string;
  readonly dueAt: string;
  readonly completedAt: string | null;
  readonly overdue: boolean;
  readonly incident: {
    readonly incidentRef: string;
    readonly description: string;
    readonly detectedAt: string;
    readonly resolvedAt: string | null;
  } | null;
  readonly service: { readonly key: string; readonly name: string } | null;
  readonly attribution: {
    readonly status: string;
    readonly changeKind: string | null;
    readonly changeSummary: string;
    readonly reason: string;
  } | null;
  readonly factors: ReadonlyArray<{ readonly category: string; readonly description: string }>;
  readonly actionItems: readonly ActionItem[];
  readonly timeline: ReadonlyArray<{ readonly at: string; readonly kind: string; readonly summary: string; readonly ref: string }>;
}

const POST_MORTEM = `fragment SbPostMortem on PostMortem {
  __typename id status severity title summary impact dueAt completedAt overdue
  incident { incidentRef description detectedAt resolvedAt }
  service { key name }
  attribution { status changeKind changeSummary reason }
  factors { category description }
  actionItems { title targetKind target status verifiedRef verifiedSummary verifiedAt verifiedBy createdAt }
  timeline { at kind summary ref }
}`;

export const POST_MORTEM_QUERY = `query SbPostMortem($id: ID!) {
  postMortem: node(id: $id) { __typename ...SbPostMortem }
}
${POST_MORTEM}`;

export const INCIDENT_POST_MORTEM_QUERY = `query SbIncidentPostMortem($id: ID!) {
  postMortem: postMortemOfIncident(incidentId: $id) { ...SbPostMortem }
}
${POST_MORTEM}`;

export interface PostMortemQuery {
  readonly postMortem: PostMortem | { readonly __typename: string } | null;
}

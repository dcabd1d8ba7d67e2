export type Discipline = 'ENGINEERING' | 'PRODUCT' | 'SECURITY' | 'COMPLIANCE' | 'LEGAL';
export type VoteChoice = 'GO' | 'NO_GO' | 'ABSTAIN';
export type SessionOutcome = 'GO' | 'NO_GO' | 'NO_QUORUM';

export interface Vote {
  readonly voterName: string;
  readonly discipline: Discipline;
  readonly choice: VoteChoice;
  readonly rationale: string;
  readonly castAt: string;
  readonly changedAt: string | null;
  readonly voter: { readonly id: string } | null;
}

export interface Session {
  readonly id: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly version: number;
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly outcome: SessionOutcome | null;
  readonly decidedByRule: string | null;
  readonly rule: {
    readonly quorum: number;
    readonly approvalsNeeded: number;
    readonly requiredDisciplines: readonly Discipline[];
    readonly vetoDisciplines: readonly Discipline[];
  };
  readonly release: {
    readonly id: string;
    readonly title: string;
    readonly owner: { readonly id: string } | null;
    readonly authors: ReadonlyArray<{ readonly id: string }>;
  } | null;
  readonly board: {
    readonly id: string;
    readonly name: string;
    readonly members: ReadonlyArray<{
      readonly discipline: Discipline;
      readonly person: { readonly id: string; readonly displayName: string };
    }>;
  } | null;
  readonly votes: readonly Vote[];
  readonly currentDecision: { readonly outcome: SessionOutcome; readonly ruleClause: string };
  /** The server's word on whether the viewer may vote now (membership, conflicts, permission). */
  readonly viewer: {
    readonly mayVote: boolean;
    readonly discipline: Discipline | null;
    readonly reason: string;
  } | null;
}

const SESSION = `fragment SbGoNoGoSession on GoNoGoSession {
  id status version openedAt closedAt outcome decidedByRule
  rule { quorum approvalsNeeded requiredDisciplines vetoDisciplines }
  release { id title owner { id } authors { id } }
  board { id name members { discipline person { id displayName } } }
  votes { voterName discipline choice rationale castAt changedAt voter { id } }
  currentDecision { outcome ruleClause }
  viewer { mayVote discipline reason }
}`;

export const SESSION_QUERY = `query SbGoNoGo($id: ID!) {
  viewer { person { id } }
  node(id: $id) { __typename ... on GoNoGoSession { ...SbGoNoGoSession } }
}
${SESSION}`;

export const RELEASE_SESSIONS_QUERY = `query SbGoNoGoOfRelease($id: ID!) {
  viewer { person { id } }
  node(id: $id) { __typename ... on Release { id goNoGoSessions { ...SbGoNoGoSession } } }
}
${SESSION}`;

export const SESSION_CHANGED = `subscription SbGoNoGoLive($id: ID!) {
  goNoGoSessionChanged(sessionId: $id) { ...SbGoNoGoSession }
}
${SESSION}`;

export const VOTE_MUTATION = `mutation SbGoNoGoVote($input: GoNoGoVoteInput!) {
  goNoGoVote(input: $input) {
    goNoGoSession { ...SbGoNoGoSession }
    errors { code message field }
  }
}
${SESSION}`;

export interface Viewer {
  readonly viewer: { readonly person: { readonly id: string } | null };
}

export interface SessionQuery extends Viewer {
  readonly node: ({ readonly __typename: string } & Partial<Session>) | null;
}

export interface ReleaseSessionsQuery extends Viewer {
  readonly node: {
    readonly __typename: string;
    readonly goNoGoSessions?: readonly Session[];
  } | null;
}

export interface SessionChanged {
  readonly goNoGoSessionChanged: Session;
}

export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export interface VoteMutation {
  readonly goNoGoVote: { readonly goNoGoSession: Session | null; readonly errors: readonly UserError[] };
}

/** The train, its departures and its feature graph, in one request. */
export const TRAIN_BOARD_QUERY = `query SbTrainBoard($id: ID!, $first: Int!) {
  node(id: $id) {
    __typename
    ... on Train {
      id key name productDomain
      businessUnit { id key name }
      cadence { kind weekday dates rrule departureTime timeZone }
      programIncrements { id seq name startsAt endsAt planningBoundaryAt }
      departures(first: $first) {
        nodes {
          id code departsAt status
          programIncrement { id name }
          boardedReleases { id title status }
          integrationWindow { startsAt endsAt status }
          integrationStatus { passed reason }
        }
        pageInfo { hasNextPage }
      }
    }
  }
  featureGraph(input: { trainId: $id }) {
    edges { consumerId providerId }
    findings { code message featureIds }
    criticalPaths { totalEffort featureIds programIncrement { id name } }
    nodes {
      id title effort status
      team { id key name }
      train { id key name }
      departure { id code departsAt }
      programIncrement { id name }
    }
    inScope
  }
}`;

export type FindingCode = 'CYCLE' | 'MISALIGNED_PI' | 'MISALIGNED_DEPARTURE' | 'LATER_TRAIN';

export interface Cadence {
  readonly kind: 'WEEKLY' | 'BI_WEEKLY' | 'MONTHLY' | 'CUSTOM';
  readonly weekday: number | null;
  readonly dates: readonly string[];
  readonly rrule: string | null;
  readonly departureTime: string;
  readonly timeZone: string;
}

export interface ProgramIncrement {
  readonly id: string;
  readonly seq: number;
  readonly name: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly planningBoundaryAt: string;
}

export interface Departure {
  readonly id: string;
  readonly code: string;
  readonly departsAt: string;
  readonly status: 'SCHEDULED' | 'DEPARTED' | 'CANCELLED';
  readonly programIncrement: { readonly id: string; readonly name: string } | null;
  readonly boardedReleases: ReadonlyArray<{ readonly id: string; readonly title: string; readonly status: string }>;
  readonly integrationWindow: { readonly startsAt: string; readonly endsAt: string; readonly status: string } | null;
  readonly integrationStatus: { readonly passed: boolean; readonly reason: string };
}

export interface Train {
  readonly __typename: 'Train';
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly productDomain: string;
  readonly businessUnit: { readonly id: string; readonly key: string; readonly name: string } | null;
  readonly cadence: Cadence;
  readonly programIncrements: readonly ProgramIncrement[];
  readonly departures: { readonly nodes: readonly Departure[]; readonly pageInfo: { readonly hasNextPage: boolean } };
}

export interface Feature {
  readonly id: string;
  readonly title: string;
  readonly effort: number;
  readonly status: 'PLANNED' | 'DONE';
  readonly team: { readonly id: string; readonly key: string; readonly name: string } | null;
  readonly train: { readonly id: string; readonly key: string; readonly name: string } | null;
  readonly departure: { readonly id: string; readonly code: string; readonly departsAt: string } | null;
  readonly programIncrement: { readonly id: string; readonly name: string } | null;
}

export interface Finding {
  readonly code: FindingCode;
  readonly message: string;
  readonly featureIds: readonly string[];
}

export interface FeatureGraph {
  readonly edges: ReadonlyArray<{ readonly consumerId: string; readonly providerId: string }>;
  readonly findings: readonly Finding[];
  readonly criticalPaths: ReadonlyArray<{
    readonly totalEffort: number;
    readonly featureIds: readonly string[];
    readonly programIncrement: { readonly id: string; readonly name: string } | null;
  }>;
  readonly nodes: readonly Feature[];
  readonly inScope: readonly string[];
}

export interface TrainBoardQuery {
  readonly node: Train | { readonly __typename: string } | null;
  readonly featureGraph: FeatureGraph;
}

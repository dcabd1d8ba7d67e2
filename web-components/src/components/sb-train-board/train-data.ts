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

/** What each finding code means, in a few words. */
export const FINDING_LABEL: Record<FindingCode, string> = {
  CYCLE: 'Circular dependency',
  MISALIGNED_PI: 'Provider in a later PI',
  MISALIGNED_DEPARTURE: 'Departs before its provider',
  LATER_TRAIN: 'Provider on a later train',
};

export interface Dependency {
  readonly consumer: Feature;
  readonly provider: Feature;
  /** The findings that name both ends, in order. */
  readonly findings: readonly Finding[];
}

/** The graph's edges with their features and the findings naming both ends. */
export function dependenciesOf(graph: FeatureGraph): Dependency[] {
  const byId = new Map(graph.nodes.map((f) => [f.id, f]));
  const result: Dependency[] = [];
  for (const edge of graph.edges) {
    const consumer = byId.get(edge.consumerId);
    const provider = byId.get(edge.providerId);
    if (!consumer || !provider) {
      continue;
    }
    const findings = graph.findings.filter(
      (f) => f.featureIds.includes(edge.consumerId) && f.featureIds.includes(edge.providerId),
    );
    result.push({ consumer, provider, findings });
  }
  return result.sort(
    (a, b) => b.findings.length - a.findings.length || a.consumer.title.localeCompare(b.consumer.title),
  );
}

/** Feature id → the findings that name it. */
export function findingsByFeature(graph: FeatureGraph): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const finding of graph.findings) {
    for (const id of finding.featureIds) {
      const list = map.get(id) ?? [];
      if (!list.includes(finding)) list.push(finding);
      map.set(id, list);
    }
  }
  return map;
}

import type { Feature, FeatureGraph, Finding, FindingCode } from './queries.js';

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

import type { Discipline, Session } from './queries.js';

/**
 * Whether the viewer may vote: the session is open, they sit on its board, and they neither own
 * nor authored the release (segregation of duties). Derived from data until the API says it
 * outright; the server decides in the end and a refusal shows the permission-denied state.
 */
export function votingDiscipline(session: Session, viewerId: string | null): Discipline | null {
  if (session.viewer) return session.viewer.mayVote ? session.viewer.discipline : null;
  if (!viewerId || session.status !== 'OPEN' || !session.release) return null;
  if (session.release.owner?.id === viewerId) return null;
  if (session.release.authors.some((a) => a.id === viewerId)) return null;
  return session.board?.members.find((m) => m.person.id === viewerId)?.discipline ?? null;
}

const ORDER: readonly Discipline[] = ['ENGINEERING', 'PRODUCT', 'SECURITY', 'COMPLIANCE', 'LEGAL'];

/** Disciplines in the one order the component shows them. */
export function disciplinesInOrder(disciplines: Iterable<Discipline>): Discipline[] {
  const seen = new Set(disciplines);
  return ORDER.filter((d) => seen.has(d));
}

/** Disciplines the session involves: the board's, the rule's and any that voted, in order. */
export function disciplinesOf(session: Session): Discipline[] {
  return disciplinesInOrder([
    ...(session.board?.members.map((m) => m.discipline) ?? []),
    ...session.rule.requiredDisciplines,
    ...session.rule.vetoDisciplines,
    ...session.votes.map((v) => v.discipline),
  ]);
}

/**
 * Where the release's readiness dashboard is, from the host's `readiness-href`: `{releaseId}` in
 * it becomes the release's id (URL-encoded); null when the host gave none.
 */
export function readinessHref(template: string | null | undefined, releaseId: string): string | null {
  if (!template) return null;
  return template.replaceAll('{releaseId}', encodeURIComponent(releaseId));
}

// Data the demo lacks, made through GraphQL as the demo's people would make it
// (after tests/api/governance_support.py and tests/api/test_promotion_decision.py).
import { gql, unique } from './harness.js';

const ERR = 'errors { code message field }';

export async function businessUnitId(key: string): Promise<string> {
  const data = await gql<{ businessUnits: { nodes: Array<{ id: string; key: string }> } }>(
    'rmo',
    '{ businessUnits { nodes { id key } } }',
  );
  const bu = data.businessUnits.nodes.find((n) => n.key === key);
  if (!bu) throw new Error(`no BU ${key}`);
  return bu.id;
}

export interface DemoRelease {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly version: number;
}

export async function demoRelease(title: string): Promise<DemoRelease> {
  const data = await gql<{ releases: { nodes: DemoRelease[] } }>(
    'release-manager',
    '{ releases(first: 100) { nodes { id title status version } } }',
  );
  const found = data.releases.nodes.find((r) => r.title === title);
  if (!found) throw new Error(`no demo release ${title}`);
  return found;
}

/** An open go/no-go session of the payments board for the demo's submitted 3-D Secure release. */
export async function openPaymentsSession(): Promise<{ sessionId: string; releaseId: string }> {
  const release = await demoRelease('3-D Secure challenge flow');
  const boards = await gql<{ boards: { nodes: Array<{ id: string; key: string }> } }>(
    'release-manager',
    '{ boards { nodes { id key } } }',
  );
  const board = boards.boards.nodes.find((b) => b.key === 'payments-cab');
  if (!board) throw new Error('no payments-cab board');
  const opened = await gql<{ goNoGoOpen: { goNoGoSession: { id: string } } }>(
    'release-manager',
    `mutation($i: GoNoGoOpenInput!) { goNoGoOpen(input: $i) { goNoGoSession { id } ${ERR} } }`,
    { i: { releaseId: release.id, boardId: board.id } },
  );
  return { sessionId: opened.goNoGoOpen.goNoGoSession.id, releaseId: release.id };
}

/** Scores a release now (as its release manager); returns the level. */
export async function assessRisk(releaseId: string): Promise<string> {
  const data = await gql<{ releaseAssessRisk: { riskAssessment: { level: string } } }>(
    'release-manager',
    `mutation($i: ReleaseAssessRiskInput!) { releaseAssessRisk(input: $i) {
      riskAssessment { level } ${ERR} } }`,
    { i: { releaseId } },
  );
  return data.releaseAssessRisk.riskAssessment.level;
}

export interface PromotionWorld {
  readonly serviceId: string;
  readonly environmentId: string;
  readonly releaseId: string;
  readonly version: string;
  readonly bypassId: string;
}

const RELEASE_FIELDS = `release { id version completeness { missing { section field } } }`;

/**
 * A payments service (personal data in the EU) with a production environment and a submitted
 * hotfix release, and an approved emergency bypass that waives the freeze and security-scan
 * gates: a decision with passed, failed, pending and waived gates.
 */
export async function promotionWorld(): Promise<PromotionWorld> {
  const bu = await businessUnitId('payments');
  const team = await gql<{ teamCreate: { team: { id: string } } }>(
    'rmo',
    `mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } ${ERR} } }`,
    { i: { businessUnitId: bu, key: unique('wc'), name: 'Browser tests' } },
  );
  const service = await gql<{ serviceCreate: { service: { id: string } } }>(
    'rmo',
    `mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } ${ERR} } }`,
    {
      i: {
        teamId: team.teamCreate.team.id,
        key: unique('svc'),
        name: 'Checkout widget',
        tier: 'INTERNAL',
        dataClassification: 'PERSONAL',
        regions: ['eu-west-1'],
      },
    },
  );
  const serviceId = service.serviceCreate.service.id;
  const env = await gql<{ environmentCreate: { environment: { id: string } } }>(
    'rmo',
    `mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { environment { id } ${ERR} } }`,
    {
      i: {
        key: unique('prod'),
        name: 'Production (EU)',
        kind: 'PRODUCTION',
        businessUnitId: bu,
        region: 'eu-west-1',
      },
    },
  );
  const environmentId = env.environmentCreate.environment.id;
  const version = `1.4.${Math.floor(Math.random() * 1000)}`;
  const created = await gql<{ releaseCreate: { release: ReleaseDraft } }>(
    'release-manager',
    `mutation($i: ReleaseCreateInput!) { releaseCreate(input: $i) { ${RELEASE_FIELDS} ${ERR} } }`,
    {
      i: {
        businessUnitId: bu,
        title: unique('Checkout hotfix'),
        releaseType: 'HOTFIX',
        changeTypes: ['UI'],
        services: [{ serviceId, artifactVersion: version }],
      },
    },
  );
  let release = created.releaseCreate.release;
  if (release.completeness.missing.length) {
    const updated = await gql<{ releaseUpdate: { release: ReleaseDraft } }>(
      'release-manager',
      `mutation($i: ReleaseUpdateInput!) { releaseUpdate(input: $i) { ${RELEASE_FIELDS} ${ERR} } }`,
      {
        i: {
          id: release.id,
          version: release.version,
          documentation: release.completeness.missing.map((m) => ({
            section: m.section,
            field: m.field,
            value: 'Written for the browser tests.',
          })),
        },
      },
    );
    release = updated.releaseUpdate.release;
  }
  await gql(
    'release-manager',
    `mutation($i: ReleaseMoveInput!) { releaseSubmit(input: $i) { release { id } ${ERR} } }`,
    { i: { id: release.id, version: release.version, reason: '' } },
  );
  const bypass = await gql<{ bypassRequest: { bypass: { id: string; version: number } } }>(
    'engineer',
    `mutation($i: BypassRequestInput!) { bypassRequest(input: $i) { bypass { id version } ${ERR} } }`,
    {
      i: {
        releaseId: release.id,
        environmentId,
        gates: ['FREEZE', 'SECURITY_SCAN'],
        justification: 'Checkout fails for some customers; this cannot wait.',
        incidentReference: 'INC-4711',
        durationHours: 4,
      },
    },
  );
  const { id: bypassId, version: bypassVersion } = bypass.bypassRequest.bypass;
  await gql(
    'approver',
    `mutation($i: BypassDecideInput!) { bypassApprove(input: $i) { ${ERR} } }`,
    { i: { id: bypassId, version: bypassVersion } },
  );
  return { serviceId, environmentId, releaseId: release.id, version, bypassId };
}

interface ReleaseDraft {
  readonly id: string;
  readonly version: number;
  readonly completeness: { readonly missing: ReadonlyArray<{ section: string; field: string }> };
}

/** The demo's production deployments with a 24-hour review: the card gateway hotfix (a planned
 * deployment, rolled back by its checkout journey) and ledger-core 7.2.0 (reported by CD). */
export async function demoReviewedDeployments(): Promise<Array<{ id: string; service: string; report: boolean }>> {
  const bu = await businessUnitId('payments');
  const data = await gql<{
    postReleaseReviews: {
      nodes: Array<{ service: { key: string } | null; deployment: { id: string } | null; deploymentReport: { id: string } | null }>;
    };
  }>(
    'sre',
    `query($bu: ID!) { postReleaseReviews(filter: { businessUnitId: $bu }, first: 50) { nodes {
      service { key } deployment { id } deploymentReport { id } } } }`,
    { bu },
  );
  return data.postReleaseReviews.nodes.map((n) => ({
    id: (n.deployment ?? n.deploymentReport)!.id,
    service: n.service?.key ?? '',
    report: !n.deployment,
  }));
}

/** The demo's post-mortem of INC-2063 (ledger postings failing after ledger-core 7.2.0). */
export async function demoPostMortem(): Promise<{ id: string; incidentId: string }> {
  const bu = await businessUnitId('payments');
  const data = await gql<{
    postMortems: { nodes: Array<{ id: string; incident: { id: string; incidentRef: string } | null }> };
  }>(
    'sre',
    `query($bu: ID!) { postMortems(filter: { businessUnitId: $bu }, first: 50) { nodes { id incident { id incidentRef } } } }`,
    { bu },
  );
  const found = data.postMortems.nodes.find((p) => p.incident?.incidentRef === 'INC-2063');
  if (!found?.incident) throw new Error('no demo post-mortem of INC-2063');
  return { id: found.id, incidentId: found.incident.id };
}

/** The team of the demo's card gateway (its value stream has the issuer-timeout fix). */
export async function cardGatewayTeam(): Promise<string> {
  const data = await gql<{ services: { nodes: Array<{ key: string; team: { id: string } | null }> } }>(
    'rmo',
    '{ services(first: 200) { nodes { key team { id } } } }',
  );
  const team = data.services.nodes.find((s) => s.key === 'card-gateway')?.team;
  if (!team) throw new Error('no team for card-gateway');
  return team.id;
}

/** A download's text, read through its stream (the browser runs remotely: no local path). */
export async function downloaded(download: { createReadStream(): Promise<NodeJS.ReadableStream> }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

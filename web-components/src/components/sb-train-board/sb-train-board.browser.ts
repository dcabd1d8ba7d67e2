// <sb-train-board> on a train built through GraphQL (the demo has none): weekly departures in
// December 2026, two features of two payments teams, one depending on the other but departing first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeBrowser,
  events,
  expectAccessible,
  gql,
  listen,
  mount,
  openPage,
  screenshot,
  unique,
} from '../../../test/harness.js';

after(closeBrowser);

interface World {
  trainId: string;
  trainName: string;
  emptyTrainId: string;
  consumer: string;
  provider: string;
}

let world: World;

async function createTrain(businessUnitId: string, name: string): Promise<string> {
  const data = await gql<{ trainCreate: { train: { id: string } } }>(
    'release-manager',
    `mutation($input: TrainCreateInput!) { trainCreate(input: $input) { train { id } errors { code message } } }`,
    {
      input: {
        businessUnitId,
        key: `payments-${unique('x').slice(-5)}`,
        name,
        productDomain: 'payments',
        cadence: { kind: 'WEEKLY', weekday: 1, departureTime: '17:00', timeZone: 'Europe/Amsterdam' },
      },
    },
  );
  return data.trainCreate.train.id;
}

before(async () => {
  const org = await gql<{
    businessUnits: { nodes: Array<{ id: string; key: string }> };
    teams: { nodes: Array<{ id: string; key: string }> };
  }>('rmo', '{ businessUnits { nodes { id key } } teams(first: 100) { nodes { id key } } }');
  const payments = org.businessUnits.nodes.find((b) => b.key === 'payments')?.id;
  const team = (key: string) => org.teams.nodes.find((t) => t.key === key)?.id;
  assert.ok(payments);
  const trainName = 'Payments release train';
  const trainId = await createTrain(payments, trainName);
  const emptyTrainId = await createTrain(payments, 'Empty train');
  const pis = await gql<{ trainPiCreate: { programIncrements: Array<{ id: string }> } }>(
    'release-manager',
    `mutation($input: TrainPiCreateInput!) { trainPiCreate(input: $input) { programIncrements { id } errors { code message } } }`,
    { input: { trainId, iterations: 3, iterationWeeks: 2, startsOn: '2026-11-30', count: 1 } },
  );
  const piId = pis.trainPiCreate.programIncrements[0]?.id;
  assert.ok(piId);
  const generated = await gql<{ trainDeparturesGenerate: { departures: Array<{ id: string; code: string }> } }>(
    'release-manager',
    `mutation($input: TrainDeparturesGenerateInput!) { trainDeparturesGenerate(input: $input) { departures { id code } errors { code message } } }`,
    { input: { trainId, fromPiId: piId } },
  );
  const departure = (date: string) =>
    generated.trainDeparturesGenerate.departures.find((d) => d.code.endsWith(date))?.id;
  const feature = async (teamKey: string, title: string, date: string, effort: number) => {
    const made = await gql<{ featureCreate: { feature: { id: string } } }>(
      'release-manager',
      `mutation($input: FeatureCreateInput!) { featureCreate(input: $input) { feature { id } errors { code message } } }`,
      { input: { teamId: team(teamKey), piId, title, departureId: departure(date), effort } },
    );
    return made.featureCreate.feature.id;
  };
  const provider = await feature('ledger', 'Ledger posting API v2', '2026.12.15', 5);
  const consumer = await feature('acquiring', 'Instant refunds', '2026.12.08', 3);
  await gql(
    'release-manager',
    `mutation($input: FeatureDependencyInput!) { featureDependencyAdd(input: $input) { feature { id } errors { code message } } }`,
    { input: { featureId: consumer, dependsOnId: provider, note: 'refunds post through v2' } },
  );
  world = { trainId, trainName, emptyTrainId, consumer, provider };
});

describe('<sb-train-board> shows a train’s departures, features and dependencies', { timeout: 90_000 }, () => {
  test('it lists departures with their features and flags the misaligned dependency', async () => {
    const page = await openPage({ user: 'viewer', locale: 'en-GB' });
    await listen(page, 'sb-feature-selected', 'sb-departure-selected');
    const board = await mount(page, `<sb-train-board train-id="${world.trainId}"></sb-train-board>`);
    await board.locator('[part="departures"]').waitFor();

    assert.equal(await board.locator('h2').textContent(), world.trainName);
    assert.match((await board.locator('[part="header"]').textContent()) ?? '', /weekly on Tuesday at 17:00/);
    // Three PI iterations of two weeks from 30 November: six Tuesday departures.
    assert.equal(await board.locator('[part="departure"]').count(), 6);

    const early = board.locator('[part="departure"]', { hasText: '2026.12.08' });
    assert.match((await early.textContent()) ?? '', /Instant refunds/);
    assert.match((await early.textContent()) ?? '', /Departs before its provider/);
    const late = board.locator('[part="departure"]', { hasText: '2026.12.15' });
    assert.match((await late.textContent()) ?? '', /Needed earlier by Instant refunds/);

    const findings = board.locator('[part="finding"]');
    assert.equal(await findings.count(), 1);
    assert.equal(await findings.first().getAttribute('data-code'), 'MISALIGNED_DEPARTURE');
    assert.match((await findings.first().textContent()) ?? '', /'Instant refunds' departs on .*before 'Ledger posting API v2'/);

    const dependency = board.locator('[part="dependency"]');
    assert.equal(await dependency.count(), 1);
    assert.match((await dependency.textContent()) ?? '', /Instant refunds.*Acquiring.*Ledger posting API v2.*Ledger/s);
    await expectAccessible(page);
    await screenshot(board, 'sb-train-board');

    await early.getByRole('button', { name: 'Instant refunds' }).click();
    const chosen = await events<{ featureId: string }>(page, 'sb-feature-selected');
    assert.equal(chosen.at(-1)?.detail.featureId, world.consumer);
    await early.getByRole('button', { name: /2026\.12\.08/ }).click();
    assert.equal((await events(page, 'sb-departure-selected')).length, 1);
    assert.deepEqual(page.problems, []);
  });

  test('a train without departures or features says so', async () => {
    const page = await openPage({ user: 'viewer' });
    const board = await mount(page, `<sb-train-board train-id="${world.emptyTrainId}"></sb-train-board>`);
    const empty = board.locator('[part="empty"]');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /no departures and no features yet/);
    await expectAccessible(page);
  });

  test('a train of another business unit is not found for a retail admin', async () => {
    const page = await openPage({ user: 'retail-admin' });
    await listen(page, 'sb-error');
    const board = await mount(page, `<sb-train-board train-id="${world.trainId}"></sb-train-board>`);
    const error = board.locator('[part="error"]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NOT_FOUND');
    assert.match((await error.textContent()) ?? '', /not found, or is not yours to see/);
    await expectAccessible(page);
    assert.equal((await events<{ code: string }>(page, 'sb-error'))[0]?.detail.code, 'NOT_FOUND');
  });
});

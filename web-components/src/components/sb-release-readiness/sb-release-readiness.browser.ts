import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  apiOrigin,
  closeBrowser,
  eventually,
  expectAccessible,
  gql,
  listen,
  events,
  mount,
  openPage,
  screenshot,
  token,
  unique,
} from '../../../test/harness.js';
import { demoRelease } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 120_000 };
/** The demo's release in a mixed state: refused, review pending, notices unacknowledged, board sitting. */
let tokensId = '';

before(async () => {
  tokensId = (await demoRelease('Card network tokens')).id;
});

const tag = (attrs: string): string => `<sb-release-readiness ${attrs}></sb-release-readiness>`;

/** An incident monitoring reports on card-gateway in production (CDEvents, as CI would send it). */
async function reportIncident(ref: string, description: string): Promise<void> {
  const source = '/monitoring/browser-test';
  const context = {
    specversion: '0.5.1',
    id: ref,
    source,
    type: 'dev.cdevents.incident.detected.0.3.0',
    timestamp: new Date().toISOString(),
  };
  const body = {
    context,
    subject: {
      id: ref,
      source,
      content: { description, environment: { id: 'production-eu' }, service: { id: 'card-gateway' } },
    },
  };
  const response = await fetch(`${apiOrigin}/cdevents`, {
    method: 'POST',
    headers: {
      'content-type': 'application/cloudevents+json',
      authorization: `Bearer ${await token('ci')}`,
      'x-signalbox-business-unit': 'payments',
    },
    body: JSON.stringify({
      specversion: '1.0',
      id: context.id,
      source,
      type: context.type,
      time: context.timestamp,
      datacontenttype: 'application/json',
      data: body,
    }),
  });
  assert.equal(response.status, 202, await response.text());
}

describe('<sb-release-readiness> shows a release for the go/no-go meeting', opts, () => {
  test('the verdict, risk and incidents come first, then every area, worst first', async () => {
    const page = await openPage({ user: 'release-manager', viewport: { width: 1280, height: 900 } });
    const el = await mount(page, tag(`release-id="${tokensId}"`));

    await el.locator('[part~="verdict"]').waitFor();
    assert.match(await el.locator('.title').innerText(), /Card network tokens/);
    assert.match(await el.locator('[part~="verdict"]').innerText(), /No-go/);
    assert.match(await el.locator('[part="risk"]').innerText(), /Risk/);
    const incidents = el.locator('[part="incidents"]');
    assert.match(await incidents.innerText(), /open incident/);
    assert.ok((await el.locator('[part="incident"]').count()) >= 1);
    assert.match(await el.locator('[part="incidents"]').innerText(), /card-gateway/);
    assert.match(await el.locator('[part="board"]').innerText(), /Payments change advisory board open/);

    const areas = await el.locator('[part~="area"]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-area'), e.getAttribute('data-status')]),
    );
    assert.equal(areas.length, 10);
    const rank = (s: string | null | undefined): number => ['FAILED', 'PENDING', 'WAIVED', 'PASSED', ''].indexOf(s ?? '');
    assert.deepEqual(
      areas.map(([, s]) => rank(s)),
      areas.map(([, s]) => rank(s)).slice().sort((a, b) => a - b),
      `areas worst first: ${JSON.stringify(areas)}`,
    );
    assert.ok(areas.some(([a, s]) => a === 'READINESS_REVIEW' && s === 'PENDING'), JSON.stringify(areas));
    await expectAccessible(page);
    await screenshot(el, 'sb-release-readiness');
    assert.deepEqual(page.problems, []);
  });

  test('a pending area opens from the keyboard and names each gate, where, why and with what', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`release-id="${tokensId}"`));
    const review = el.locator('[data-area="READINESS_REVIEW"]');
    await review.waitFor();
    const summary = review.locator('summary');
    assert.equal(await review.locator('details').getAttribute('open'), null);
    await summary.focus();
    await page.keyboard.press('Enter');
    await review.locator('[part="gate"]').first().waitFor();
    const gate = await review.locator('[part="gate"]').first().innerText();
    assert.match(gate, /Readiness review/);
    assert.match(gate, /card-gateway|ledger-core/);
    assert.match(await review.innerText(), /Runbook/);
    // Closed, an area still names what blocks in it: scannable from the back of the room.
    const failed = el.locator('[part~="area-failed"]').first();
    assert.equal(await failed.locator('details').getAttribute('open'), null);
    assert.match(await failed.locator('summary .blocking').innerText(), /\w/);
    await page.keyboard.press('Enter');
    assert.equal(await review.locator('details').getAttribute('open'), null);
    await expectAccessible(page);
  });

  test('who may not read incident reports sees the verdict but no incidents', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${tokensId}"`));
    await el.locator('[part~="verdict"]').waitFor();
    assert.match(await el.locator('[part~="verdict"]').innerText(), /No-go/);
    assert.equal(await el.locator('[part="incidents"]').count(), 0);
  });

  test('a new incident appears without reloading the page', async () => {
    const page = await openPage({ user: 'sre' });
    const el = await mount(page, tag(`release-id="${tokensId}" refresh-seconds="10"`));
    await el.locator('[part~="verdict"]').waitFor();
    const ref = unique('INC');
    await reportIncident(ref, 'Token vault answering 503 in one zone');
    await eventually(async () => (await el.locator('[part="incidents"]').innerText()).includes(ref), {
      timeout: 60_000,
      interval: 500,
      message: 'the new incident shown',
    });
    assert.match(await el.locator('[part="incident"]').first().innerText(), /Token vault answering 503/);
  });
});

describe('<sb-release-readiness departure-id> shows every release boarded', opts, () => {
  test('one section per release, each with its own verdict', async () => {
    const data = await gql<{
      trains: {
        nodes: Array<{ departures: { nodes: Array<{ id: string; boardedReleases: Array<{ title: string }> }> } }>;
      };
    }>(
      'release-manager',
      '{ trains(first: 20) { nodes { departures(first: 50) { nodes { id boardedReleases { title } } } } } }',
    );
    const departure = data.trains.nodes
      .flatMap((t) => t.departures.nodes)
      .find((d) => d.boardedReleases.length >= 1);
    assert.ok(departure, 'the demo boards a release on a departure');
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`departure-id="${departure.id}"`));
    await el.locator('[part="release"]').first().waitFor();
    assert.equal(await el.locator('[part="release"]').count(), departure.boardedReleases.length);
    const titles = await el.locator('[part="release"] .title').allInnerTexts();
    assert.deepEqual(titles.sort(), departure.boardedReleases.map((r) => r.title).sort());
    assert.equal(await el.locator('[part="release"] [part~="verdict"]').count(), titles.length);
    await expectAccessible(page);
  });
});

describe('<sb-release-readiness> failure and configuration', opts, () => {
  test('without an id it says what it needs; a wrong id is not found, with sb-error', async () => {
    const page = await openPage({ user: 'release-manager' });
    await listen(page, 'sb-error');
    const bare = await mount(page, tag(''));
    await bare.locator('[part="error"]').waitFor();
    assert.equal(await bare.locator('[part="error"]').getAttribute('data-code'), 'NOT_CONFIGURED');
    assert.match(await bare.locator('[part="error"]').innerText(), /needs a release-id or a departure-id/);

    const wrong = await mount(page, tag('release-id="UmVsZWFzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="'));
    await wrong.locator('[part="error"]').waitFor();
    assert.equal(await wrong.locator('[part="error"]').getAttribute('data-code'), 'NOT_FOUND');
    const seen = await events<{ code: string }>(page, 'sb-error');
    assert.deepEqual(seen.map((e) => e.detail.code), ['NOT_CONFIGURED', 'NOT_FOUND']);
    await expectAccessible(page);
  });
});

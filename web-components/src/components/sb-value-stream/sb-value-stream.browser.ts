import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeBrowser, events, expectAccessible, gql, listen, mount, openPage, screenshot } from '../../../test/harness.js';
import { cardGatewayTeam, downloaded as text } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 120_000 };
const RELEASE = 'Card gateway issuer timeouts per issuer';
let team = '';
let since = '';
let deployment = '';

before(async () => {
  team = await cardGatewayTeam();
  since = new Date(Date.now() - 90 * 86400000).toISOString();
  const data = await gql<{ valueStreamSummary: { changes: { nodes: Array<{ deploymentId: string; releaseTitle: string | null }> } } }>(
    'release-manager',
    'query($t: ID!, $s: DateTime!) { valueStreamSummary(teamId: $t, since: $s) { changes(first: 500) { nodes { deploymentId releaseTitle } } } }',
    { t: team, s: since },
  );
  // The demo's fix (demo/value_stream.py), among the team's imported year of history.
  deployment = data.valueStreamSummary.changes.nodes.find((c) => c.releaseTitle === RELEASE)?.deploymentId ?? '';
});

const tag = (attrs: string): string => `<sb-value-stream ${attrs}></sb-value-stream>`;

describe('<sb-value-stream> shows where a change’s time goes', opts, () => {
  test('a team over a period: bars, the slowest step, waste named, each step with what it waited for', async () => {
    const page = await openPage({ user: 'release-manager', viewport: { width: 1100, height: 1000 } });
    const el = await mount(page, tag(`team-id="${team}" since="${since}"`));
    await el.locator('[part="chart"]').waitFor();
    assert.match(await el.locator('[part="header"]').innerText(), /changes deployed/);
    assert.match(await el.locator('[part="slowest"]').innerText(), /Approval/);
    assert.match(await el.locator('[part="waste"]').innerText(), /Redundant reviews: \d/);
    const approval = el.locator('[part="steps"] tr', { hasText: 'Approval' });
    assert.match(await approval.innerText(), /approval \d/);
    assert.equal(await el.locator('[part="steps"] tbody tr').count(), 6);
    await expectAccessible(page);
    await screenshot(el, 'sb-value-stream');
  });

  test('the step table downloads as CSV with seconds', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`team-id="${team}" since="${since}"`));
    await el.locator('[part="csv"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), el.locator('[part="csv"]').click()]);
    assert.equal(download.suggestedFilename(), 'value-stream.csv');
    const csv = await text(download);
    assert.match(csv.split('\r\n')[0]!, /^Step,Changes measured,No data,Work median \(s\)/);
    assert.equal(csv.trim().split('\r\n').length, 7);
  });

  test('one deployment: its steps, and the redundant review with its evidence', async () => {
    assert.ok(deployment, 'the demo team deployed in the period');
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`deployment-id="${deployment}"`));
    await el.locator('[part="chart"]').waitFor();
    assert.match(await el.locator('[part="waste"]').innerText(), /Redundant review/);
    await expectAccessible(page);
  });

  test('without an id it says what it needs, with sb-error', async () => {
    const page = await openPage({ user: 'release-manager' });
    await listen(page, 'sb-error');
    const bare = await mount(page, tag(''));
    await bare.locator('[part="error"]').waitFor();
    assert.equal(await bare.locator('[part="error"]').getAttribute('data-code'), 'NOT_CONFIGURED');
    const seen = await events<{ code: string }>(page, 'sb-error');
    assert.deepEqual(seen.map((e) => e.detail.code), ['NOT_CONFIGURED']);
  });
});

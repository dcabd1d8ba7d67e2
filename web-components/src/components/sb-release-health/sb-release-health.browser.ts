import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeBrowser, events, expectAccessible, listen, mount, openPage, screenshot } from '../../../test/harness.js';
import { demoReviewedDeployments } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 120_000 };
let hotfix = '';
let reported = '';

before(async () => {
  const reviewed = await demoReviewedDeployments();
  hotfix = reviewed.find((d) => d.service === 'card-gateway' && !d.report)?.id ?? '';
  reported = reviewed.find((d) => d.report)?.id ?? '';
  assert.ok(hotfix, `the demo reviews the card gateway hotfix: ${JSON.stringify(reviewed)}`);
});

const tag = (attrs: string): string => `<sb-release-health ${attrs}></sb-release-health>`;

describe('<sb-release-health> shows how a deployment is doing since it shipped', opts, () => {
  test('the overdue review, the rollback, the regressed journey first, and why metrics are absent', async () => {
    const page = await openPage({ user: 'sre', viewport: { width: 1200, height: 900 } });
    const el = await mount(page, tag(`deployment-id="${hotfix}"`));
    await el.locator('[part~="review"]').waitFor();

    assert.match(await el.locator('.title').innerText(), /card-gateway|Card gateway/i);
    assert.match(await el.locator('[part~="review"]').innerText(), /Overdue/);
    assert.equal(await el.locator('[part~="review-bad"]').count(), 1);
    assert.match(await el.locator('[part="rollback"]').innerText(), /Rolled back/);

    const first = el.locator('[part~="journey"]').first();
    assert.equal(await el.locator('[part~="regression"]').count() >= 1, true);
    assert.match(await first.getAttribute('part') ?? '', /regression/);
    assert.match(await first.innerText(), /Passed[\s\S]*Failed[\s\S]*Rolled back/);

    assert.match(await el.locator('[part="metrics"]').innerText(), /No Prometheus is configured: metrics are absent, not zero/);
    const issues = await el.locator('[part="issues"]').innerText();
    assert.match(issues, /New error fingerprint/i);
    assert.match(issues, /tokenize:NullPointerException/);
    assert.match(await el.locator('[part="incidents"]').innerText(), /INC-2041/);
    assert.match(await el.locator('[part="signals"]').innerText(), /3-D Secure page reloads forever/);
    await expectAccessible(page);
    await screenshot(el, 'sb-release-health');
    assert.deepEqual(page.problems, []);
  });

  test('a deployment reported by CD shows its review too', async () => {
    assert.ok(reported, 'the demo reviews a CD-reported deployment');
    const page = await openPage({ user: 'sre' });
    const el = await mount(page, tag(`deployment-id="${reported}"`));
    await el.locator('[part~="review"]').waitFor();
    assert.match(await el.locator('.meta').innerText(), /reported by CD/);
    assert.match(await el.locator('[part="journeys"]').innerText(), /Synthetic journeys/);
    await expectAccessible(page);
  });

  test('without an id it says what it needs; an id of something else is not found, with sb-error', async () => {
    const page = await openPage({ user: 'sre' });
    await listen(page, 'sb-error');
    const bare = await mount(page, tag(''));
    await bare.locator('[part="error"]').waitFor();
    assert.equal(await bare.locator('[part="error"]').getAttribute('data-code'), 'NOT_CONFIGURED');
    const wrong = await mount(page, tag('deployment-id="RGVwbG95bWVudDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="'));
    await wrong.locator('[part="error"]').waitFor();
    assert.equal(await wrong.locator('[part="error"]').getAttribute('data-code'), 'NOT_FOUND');
    const seen = await events<{ code: string }>(page, 'sb-error');
    assert.deepEqual(seen.map((e) => e.detail.code), ['NOT_CONFIGURED', 'NOT_FOUND']);
    await expectAccessible(page);
  });
});

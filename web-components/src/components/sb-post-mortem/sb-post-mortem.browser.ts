import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeBrowser, events, expectAccessible, listen, mount, openPage, screenshot } from '../../../test/harness.js';
import { demoPostMortem } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 120_000 };
let pm = { id: '', incidentId: '' };

before(async () => {
  pm = await demoPostMortem();
});

const tag = (attrs: string): string => `<sb-post-mortem ${attrs}></sb-post-mortem>`;

describe('<sb-post-mortem> reads a blameless post-mortem', opts, () => {
  test('impact, factors, and each action item verified against the change it names, or open', async () => {
    const page = await openPage({ user: 'sre', viewport: { width: 1100, height: 1000 } });
    const el = await mount(page, tag(`post-mortem-id="${pm.id}"`));
    await el.locator('[part~="state"]').waitFor();

    assert.match(await el.locator('[part="header"]').innerText(), /SEV1/);
    assert.match(await el.locator('[part~="state"]').innerText(), /1 of 2 action items done/);
    assert.match(await el.locator('[part="incident"]').innerText(), /INC-2063/);
    assert.match(await el.locator('[part="incident"]').innerText(), /1,240 postings replayed/);
    assert.match(await el.locator('[part="factors"]').innerText(), /Release process[\s\S]*Testing gap/);

    const done = el.locator('[part~="action-done"]');
    assert.equal(await done.count(), 1);
    assert.match(await done.innerText(), /Rehearse the rollback in CI[\s\S]*test evidence ledger-rollback-rehearsal[\s\S]*verified automatically/);
    const open = el.locator('[part~="action-open"]');
    assert.equal(await open.count(), 1);
    assert.match(await open.innerText(), /payments-ledger, item rollback_rehearsal[\s\S]*Open until the change it names exists/);
    assert.ok((await el.locator('[part="timeline"] li').count()) >= 2);
    await expectAccessible(page);
    await screenshot(el, 'sb-post-mortem');
    assert.deepEqual(page.problems, []);
  });

  test('found by its incident as well', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`incident-id="${pm.incidentId}"`));
    await el.locator('[part~="state"]').waitFor();
    assert.match(await el.locator('[part="incident"]').innerText(), /INC-2063/);
  });

  test('without an id it says what it needs; an unknown one is not found, with sb-error', async () => {
    const page = await openPage({ user: 'sre' });
    await listen(page, 'sb-error');
    const bare = await mount(page, tag(''));
    await bare.locator('[part="error"]').waitFor();
    assert.equal(await bare.locator('[part="error"]').getAttribute('data-code'), 'NOT_CONFIGURED');
    const wrong = await mount(page, tag('post-mortem-id="UG9zdE1vcnRlbTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="'));
    await wrong.locator('[part="error"]').waitFor();
    assert.equal(await wrong.locator('[part="error"]').getAttribute('data-code'), 'NOT_FOUND');
    const seen = await events<{ code: string }>(page, 'sb-error');
    assert.deepEqual(seen.map((e) => e.detail.code), ['NOT_CONFIGURED', 'NOT_FOUND']);
    await expectAccessible(page);
  });
});

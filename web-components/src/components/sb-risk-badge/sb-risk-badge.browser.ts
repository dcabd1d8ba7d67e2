import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeBrowser,
  computedStyle,
  expectAccessible,
  holdAnswers,
  mount,
  openPage,
  screenshot,
} from '../../../test/harness.js';
import { assessRisk, demoRelease } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 90_000 };
let releaseId = '';
let level = '';

before(async () => {
  releaseId = (await demoRelease('FX rates provider switch')).id;
  level = await assessRisk(releaseId);
});

const tag = (attrs: string): string => `<sb-risk-badge ${attrs}></sb-risk-badge>`;

describe('<sb-risk-badge> shows a release’s risk and explains it on demand', opts, () => {
  test('the badge shows the level; the keyboard opens and closes the explanation', async () => {
    const page = await openPage({ user: 'viewer', locale: 'en-US' });
    const el = await mount(page, tag(`release-id="${releaseId}"`));
    const badge = el.locator('[part~="badge"]');
    await badge.waitFor();

    assert.match(await badge.innerText(), new RegExp(`${level.charAt(0)}${level.slice(1).toLowerCase()} risk`));
    assert.equal(await badge.getAttribute('aria-expanded'), 'false');
    assert.equal(await el.locator('[part="explanation"]').isVisible(), false);
    await expectAccessible(page);
    await screenshot(el, 'sb-risk-badge');

    await badge.focus();
    await page.keyboard.press('Enter');
    assert.equal(await badge.getAttribute('aria-expanded'), 'true');
    const panel = el.locator('[part="explanation"]');
    await panel.waitFor();
    assert.equal(await badge.getAttribute('aria-controls'), await panel.getAttribute('id'));
    const contributions = el.locator('[part="contribution"]');
    assert.ok((await contributions.count()) > 0);
    assert.match(await contributions.first().innerText(), /points/);
    await expectAccessible(page);
    await screenshot(page.locator('#root'), 'sb-risk-badge-open');

    await page.keyboard.press('Space');
    assert.equal(await badge.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(page.problems, []);
  });

  test('the level colour is a theme token', async () => {
    const page = await openPage({ user: 'viewer' });
    const property = `--sb-risk-${level.toLowerCase()}-color`;
    const el = await mount(
      page,
      `<div style="${property}: rgb(1, 2, 3)">${tag(`release-id="${releaseId}"`)}</div>`,
    );
    const badge = el.locator('[part~="badge"]');
    await badge.waitFor();

    assert.equal(await computedStyle(badge, 'background-color'), 'rgb(1, 2, 3)');
  });
});

describe('<sb-risk-badge> says what happened when it has no risk to show', opts, () => {
  test('a release never assessed shows the empty state', async () => {
    const draft = await demoRelease('Card gateway TLS rotation');
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${draft.id}"`));

    await el.getByText('Risk not assessed yet').waitFor();
    await expectAccessible(page);
  });

  test('a release outside your business units reads as not found', async () => {
    const page = await openPage({ user: 'retail-admin' });
    const el = await mount(page, tag(`release-id="${releaseId}"`));

    await el.locator('[part="message"]').filter({ hasNotText: 'Loading' }).waitFor();
    assert.match(await el.locator('[part="message"]').innerText(), /not found|Permission denied/);
    await expectAccessible(page);
  });

  test('an unreachable API shows the error state', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${releaseId}" api-url="http://127.0.0.1:9/graphql"`));

    await el.locator('.error').waitFor();
    assert.match(await el.locator('.error').innerText(), /Risk could not be loaded/);
    await expectAccessible(page);
  });

  test('while loading it says so', async () => {
    const page = await openPage({ user: 'viewer' });
    const answers = await holdAnswers(page);
    const el = await mount(page, tag(`release-id="${releaseId}"`));

    await el.getByText('Loading risk…').waitFor();
    await expectAccessible(page);
    await answers.release();
    await el.locator('[part~="badge"]').waitFor();
  });
});

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
  test('a release never assessed shows the designed empty state, badge-shaped', async () => {
    const draft = await demoRelease('Card gateway TLS rotation');
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${draft.id}"`));

    const empty = el.locator('[part="empty"]');
    await empty.waitFor();
    assert.equal(await empty.getAttribute('role'), 'status');
    assert.match(await empty.innerText(), /Not assessed/);
    assert.match(await empty.innerText(), /No risk assessment has been made for this release yet/);
    assert.equal(await computedStyle(empty, 'border-top-style'), 'dashed');
    assert.equal(await el.locator('[part~="badge"]').count(), 0);
    await expectAccessible(page);
    await screenshot(el, 'sb-risk-badge-not-assessed');
  });

  test('a release outside your business units reads as not found', async () => {
    const page = await openPage({ user: 'retail-admin' });
    const el = await mount(page, tag(`release-id="${releaseId}"`));

    const failure = el.locator('[part="error"]');
    await failure.waitFor();
    assert.match((await failure.getAttribute('data-code')) ?? '', /^(NOT_FOUND|FORBIDDEN)$/);
    assert.match(await failure.innerText(), /not found|permission/);
    assert.equal(await failure.getByRole('button').count(), 0);
    await expectAccessible(page);
  });

  test('without a token it shows the shared signed-out state, with nothing to retry', async () => {
    const page = await openPage({ user: null });
    const el = await mount(page, tag(`release-id="${releaseId}"`));

    const failure = el.locator('[part="error"]');
    await failure.waitFor();
    assert.equal(await failure.getAttribute('data-code'), 'UNAUTHENTICATED');
    assert.match(await failure.innerText(), /You are not signed in/);
    assert.equal(await failure.getByRole('button').count(), 0);
    await expectAccessible(page);
  });

  test('an unreachable API shows the error state with a retry', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${releaseId}" api-url="http://127.0.0.1:9/graphql"`));

    const failure = el.locator('[part="error"]');
    await failure.waitFor();
    assert.equal(await failure.getAttribute('data-code'), 'NETWORK_ERROR');
    assert.match(await failure.innerText(), /could not be reached/);
    assert.equal(await failure.getByRole('button', { name: 'Try again' }).count(), 1);
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

// The harness itself: a page on a second origin embeds the bundle and talks to the API.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  apiBundleUrl,
  closeBrowser,
  computedStyle,
  events,
  expectAccessible,
  holdAnswers,
  listen,
  mount,
  openPage,
  pageOrigin,
  apiOrigin,
} from '../../../test/harness.js';

after(closeBrowser);

describe('A host page on another origin embeds the components', { timeout: 60_000 }, () => {
  test('the page and the API are different origins', () => {
    assert.notEqual(new URL(pageOrigin).origin, new URL(apiOrigin).origin);
  });

  test('<sb-about> loaded from the page origin shows the API name', async () => {
    const page = await openPage({ user: 'viewer' });
    const about = await mount(page, '<sb-about></sb-about>');

    await about.locator('[part="name"]').waitFor();
    assert.equal(await about.locator('[part="name"]').textContent(), 'Signalbox');
    await expectAccessible(page);
    assert.deepEqual(page.problems, []);
  });

  test('the bundle loads cross-origin from the API (/components/signalbox.js)', async () => {
    const page = await openPage({ user: 'viewer', bundleUrl: apiBundleUrl });
    const about = await mount(page, '<sb-about></sb-about>');

    await about.locator('[part="name"]').waitFor();
    assert.deepEqual(page.problems, []);
  });

  test('taken off the page while loading, it stops; put back, it loads again', async () => {
    const page = await openPage({ user: 'viewer' });
    await listen(page, 'sb-error');
    const answers = await holdAnswers(page);
    const about = await mount(page, '<sb-about></sb-about>');
    await about.getByText('Loading…').waitFor();

    await page.evaluate(() => {
      const parked = document.querySelector('sb-about');
      parked?.remove();
      (window as unknown as { parked: unknown }).parked = parked;
    });
    await answers.release();
    await page.evaluate(() =>
      document.getElementById('root')?.append((window as unknown as { parked: Element }).parked),
    );

    await about.locator('[part="name"]').waitFor();
    assert.equal(await about.locator('[part="name"]').textContent(), 'Signalbox');
    assert.deepEqual(await events(page, 'sb-error'), [], 'the load cut short is no error');
    assert.deepEqual(page.problems, []);
  });

  test('theming custom properties set on an ancestor reach the shadow root', async () => {
    const page = await openPage();
    const about = await mount(page, '<div style="--sb-color-border: rgb(255, 0, 0)"><sb-about></sb-about></div>');
    const container = about.locator('[part="container"]');
    await container.waitFor();

    assert.equal(await computedStyle(container, 'border-top-color'), 'rgb(255, 0, 0)');
  });
});

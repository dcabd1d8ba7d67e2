// The demo portal as `make run` serves it (/components/demo, same origin as the API) on the world
// `signalbox demo` loads: every component shows real content, and none shows an empty state, an
// error or one of the portal's "the demo data has no …" notes. It fails when the demo thins out.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { TIMEOUT, apiOrigin, closeBrowser, connectBrowser, eventually } from '../test/harness.js';

after(closeBrowser);

/** What each component shows when it has data (documented parts); waited for, one or more. */
const CONTENT: Record<string, string> = {
  'sb-release-calendar': '[part~="chip"]',
  'sb-go-no-go': '[part="outcome"]',
  'sb-promotion-gates': '[part~="gate"]',
  'sb-risk-badge': '[part~="badge"]',
  'sb-train-board': '[part="departure"]',
  'sb-guardrails': '[part="edit-button"]',
  'sb-release-readiness': '[part="incident"]',
  'sb-release-health': '[part~="regression"]',
  'sb-post-mortem': '[part~="action-done"]',
  'sb-dora-metrics': '[part~="key"]',
  'sb-value-stream': '[part="chart"]',
};

/** Empty and failure states, in any component (open shadow roots are pierced). */
const NOTHING_TO_SHOW = [
  '[part="empty"]',
  '[part="error"]',
  '[role="alert"]',
  '.empty',
  '.error',
  '.denied',
];

async function problems(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const tag of Object.keys(CONTENT)) {
    for (const selector of NOTHING_TO_SHOW) {
      const hits = page.locator(`${tag} ${selector}`);
      for (let i = 0; i < (await hits.count()); i += 1) {
        found.push(`${tag} ${selector}: ${((await hits.nth(i).textContent()) ?? '').trim()}`);
      }
    }
  }
  for (const note of await page.locator('.missing:not([hidden])').allTextContents()) {
    found.push(`portal note: ${note.trim()}`);
  }
  return found;
}

describe('The demo portal on the demo world', { timeout: 120_000 }, () => {
  test('every component shows the demo data, none an empty state or an error', async () => {
    const context = await (await connectBrowser()).newContext({ viewport: { width: 1300, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${apiOrigin}/components/demo`);

    await eventually(async () => /Connected .* as /.test((await page.textContent('#status')) ?? ''), {
      message: 'the portal connected',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; status: ${await page.textContent('#status')}`);
    });
    for (const [tag, selector] of Object.entries(CONTENT)) {
      assert.equal(await page.locator(tag).count(), 1, `${tag} is on the page`);
      await page
        .locator(`${tag} ${selector}`)
        .first()
        .waitFor()
        .catch(async () => {
          throw new Error(`${tag} shows no ${selector}; problems: ${(await problems(page)).join('; ')}`);
        });
    }
    // The go/no-go dashboard shows a release in a mixed state: areas failing and pending.
    const areas = page.locator('sb-release-readiness [part~="area"]');
    const statuses = await areas.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    assert.ok(statuses.includes('FAILED') && statuses.includes('PENDING'), JSON.stringify(statuses));
    assert.deepEqual(await problems(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

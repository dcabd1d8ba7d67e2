// The demo portal (web-components/demo/index.html): every tag against the real API's demo data,
// and a role switcher minting demo tokens — which the server mints only for the page it serves
// itself on a loopback address (a DNS-rebinding page must not get an org-admin token). Saved
// and opened from another origin (test/pages/sb-demo-portal.html is a symlink to it, served by
// the harness's second origin), the page says so instead of connecting.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  TIMEOUT,
  apiOrigin,
  closeBrowser,
  connectBrowser,
  eventually,
  expectAccessible,
  pageOrigin,
} from '../test/harness.js';

after(closeBrowser);

const TAGS = [
  'sb-release-calendar',
  'sb-go-no-go',
  'sb-promotion-gates',
  'sb-risk-badge',
  'sb-train-board',
  'sb-guardrails',
];

describe('The demo portal embeds every component and switches roles', { timeout: 90_000 }, () => {
  test('it connects, shows the components and follows the role switcher', async () => {
    const context = await (await connectBrowser()).newContext({ locale: 'en-GB', viewport: { width: 1300, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${apiOrigin}/components/demo`);

    await eventually(async () => /as payments-admin/.test((await page.textContent('#status')) ?? ''), {
      message: 'connected as payments-admin',
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; status: ${await page.textContent('#status')}`);
    });
    await page.locator('sb-release-calendar [part~="day"]').first().waitFor();
    await page.locator('sb-guardrails [part="edit-button"]').waitFor();
    // Every tag is either on the page or explained by a note saying what the demo data lacks.
    for (const tag of TAGS) {
      const placed = await page.locator(tag).count();
      const slot = tag === 'sb-promotion-gates' ? 'gates' : tag === 'sb-train-board' ? 'train' : null;
      const explained = slot ? await page.locator(`#missing-${slot}:not([hidden])`).count() : 0;
      assert.ok(placed === 1 || explained === 1, `${tag}: neither placed nor explained`);
    }
    await expectAccessible(page);

    await page.selectOption('#user', 'viewer');
    await page.locator('#status', { hasText: 'as viewer' }).waitFor();
    await eventually(async () => (await page.locator('sb-guardrails [part="read-only"]').count()) === 1, {
      message: 'the viewer sees the guardrails read-only',
    });
    assert.equal(await page.locator('sb-guardrails [part="edit-button"]').count(), 0);
    await expectAccessible(page);
    assert.deepEqual(problems, []);
  });
});

describe('The demo portal opened from another origin', { timeout: 90_000 }, () => {
  test('gets no demo token and says why', async () => {
    const context = await (await connectBrowser()).newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    await page.goto(`${pageOrigin}/pages/sb-demo-portal.html?api=${encodeURIComponent(apiOrigin)}`);
    await eventually(
      async () => /minted only for this page opened from the server itself/.test((await page.textContent('#status')) ?? ''),
      { message: 'the refusal explained' },
    );
    assert.doesNotMatch((await page.textContent('#status')) ?? '', /as payments-admin/);
    await context.close();
  });
});

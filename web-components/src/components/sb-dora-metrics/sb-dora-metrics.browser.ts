import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeBrowser, events, expectAccessible, listen, mount, openPage, screenshot } from '../../../test/harness.js';
import { businessUnitId, downloaded } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 120_000 };
let payments = '';
const since = new Date(Date.now() - 180 * 86400000).toISOString();

before(async () => {
  payments = await businessUnitId('payments');
});

const tag = (attrs: string): string => `<sb-dora-metrics ${attrs}></sb-dora-metrics>`;

describe('<sb-dora-metrics> shows the four keys and the rows behind them', opts, () => {
  test('four keys, each with a level in words and a trend chart', async () => {
    const page = await openPage({ user: 'release-manager', viewport: { width: 1250, height: 900 } });
    const el = await mount(page, tag(`business-unit-id="${payments}" since="${since}"`));
    await el.locator('[part~="key"]').first().waitFor();
    assert.equal(await el.locator('[part~="key"]').count(), 4);
    const titles = await el.locator('[part~="key"] h3').allInnerTexts();
    assert.deepEqual(titles, ['Deployment frequency', 'Lead time for changes', 'Change failure rate', 'Time to restore service']);
    assert.equal(await el.locator('[part~="key"] svg[role="img"]').count(), 4);
    assert.match(await el.locator('[part~="key-frequency"]').innerText(), /\d+ deployments on \d+ days/);
    assert.match(await el.locator('[part="header"]').innerText(), /median · DORA 2023 levels · failures: incident/);
    await expectAccessible(page);
    await screenshot(el, 'sb-dora-metrics');
  });

  test('a key opens on its rows, which download as CSV', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`business-unit-id="${payments}" since="${since}"`));
    const button = el.locator('[part~="key-frequency"] [part="rows-button"]');
    await button.waitFor();
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await button.click();
    await el.locator('[part="rows"] [part="csv"]').waitFor();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const rows = await el.locator('[part="rows"] tbody tr').count();
    const [download] = await Promise.all([page.waitForEvent('download'), el.locator('[part="csv"]').click()]);
    assert.equal(download.suggestedFilename(), 'dora-frequency.csv');
    const csv = await downloaded(download);
    assert.equal(csv.split('\r\n')[0], 'Finished,Service,Version');
    assert.equal(csv.trim().split('\r\n').length, rows + 1);
    await expectAccessible(page);
  });

  test('P75 and the 2021 table are asked for and said', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(`business-unit-id="${payments}" statistic="P75" benchmarks="DORA_2021" failure="ANY"`));
    await el.locator('[part="header"]').waitFor();
    assert.match(await el.locator('[part="header"]').innerText(), /75th percentile · DORA 2021 levels · failures: any/);
  });

  test('a bad period is an error with its code, and sb-error', async () => {
    const page = await openPage({ user: 'release-manager' });
    await listen(page, 'sb-error');
    const el = await mount(page, tag(`business-unit-id="${payments}" since="2026-12-01T00:00:00Z" until="2026-01-01T00:00:00Z"`));
    await el.locator('[part="error"]').waitFor();
    assert.ok((await el.locator('[part="error"]').getAttribute('data-code'))?.length);
    assert.equal((await events(page, 'sb-error')).length, 1);
  });
});

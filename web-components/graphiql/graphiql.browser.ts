// GraphiQL works offline: every request to another origin than loopback is aborted, and the
// IDE served at GET /graphql still renders and runs a query (its assets are the project's).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { apiOrigin, closeBrowser, connectBrowser, TIMEOUT, token } from '../test/harness.js';

after(closeBrowser);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('GraphiQL with the network to the outside switched off', { timeout: 90_000 }, () => {
  test('renders from the server alone and runs a query', async () => {
    const context = await (await connectBrowser()).newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(TIMEOUT);
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) {
        await route.continue();
      } else {
        blocked.push(url.href);
        await route.abort('internetdisconnected');
      }
    });
    const bearer = `Bearer ${await token('viewer')}`;
    // What a person pastes into the Headers tab, and a query, as GraphiQL keeps them.
    await context.addInitScript((authorization: string) => {
      localStorage.setItem('graphiql:headers', JSON.stringify({ Authorization: authorization }));
      localStorage.setItem('graphiql:query', '{ about { name environment } }');
    }, bearer);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${apiOrigin}/graphql`);
    assert.equal(response?.status(), 200);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-query-editor').getByText('about').first().waitFor();

    const answered = page.waitForResponse(
      (r) => r.url() === `${apiOrigin}/graphql` && r.request().method() === 'POST' &&
        (r.request().postData() ?? '').includes('about'),
    );
    await page.getByRole('button', { name: /execute query/i }).click();
    assert.equal((await answered).status(), 200);
    await page.locator('.graphiql-response').getByText('"Signalbox"').waitFor();
    const shown = await page.locator('.graphiql-response').innerText();
    assert.match(shown, /"environment": "development"/);
    // The schema came too (introspection with the kept token): the docs explorer lists Query.
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query').first().waitFor();

    assert.deepEqual(blocked, [], 'GraphiQL asked another origin for something');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

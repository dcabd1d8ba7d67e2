// The browser-test harness: a real Signalbox server, a second origin embedding the bundle,
// and the Chromium that scripts/browser-test.mjs started. See web-components/README.md,
// "Tests in a real browser".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Route } from 'playwright-core';

const run = promisify(execFile);

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run browser tests with \`npm run test:browser\`.`);
  }
  return value;
}

/** The API server's origin, e.g. http://127.0.0.1:41234. */
export const apiOrigin = required('SB_API_ORIGIN');
/** The API's GraphQL endpoint, which components get as their api-url. */
export const apiUrl = `${apiOrigin}/graphql`;
/** The second origin serving test/pages/*.html and /signalbox.js (the host portal). */
export const pageOrigin = required('SB_PAGE_ORIGIN');
/** The bundle as the API serves it (a cross-origin module script for the pages). */
export const apiBundleUrl = `${apiOrigin}/components/signalbox.js`;

/** Every wait in a browser test is bounded by this (ms). */
export const TIMEOUT = 15_000;

/** Demo users (see api/demo.py); any username the server knows works. */
export type DemoUser =
  | 'rmo'
  | 'payments-admin'
  | 'retail-admin'
  | 'release-manager'
  | 'engineer'
  | 'approver'
  | 'sre'
  | 'auditor'
  | 'viewer'
  | 'ci'
  | 'legal'
  | 'compliance'
  | (string & {});

const tokens = new Map<string, Promise<string>>();

/** A bearer token for a user of the test server (minted once per test file with the CLI). */
export function token(user: DemoUser): Promise<string> {
  let minted = tokens.get(user);
  if (!minted) {
    const env = { ...process.env, ...(JSON.parse(required('SB_SIGNALBOX_ENV')) as object) };
    minted = run(required('SB_SIGNALBOX_BIN'), ['token', 'create', '--user', user, '--ttl', '2h'], {
      env,
      timeout: 60_000,
    }).then(({ stdout }) => stdout.trim());
    tokens.set(user, minted);
  }
  return minted;
}

export interface GraphQLResponse<T> {
  readonly data?: T | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

/** One GraphQL call from Node as `user` (null: anonymous), answered as received. */
export async function gqlRaw<T = Record<string, unknown>>(
  user: DemoUser | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (user) {
    headers['Authorization'] = `Bearer ${await token(user)}`;
  }
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TIMEOUT),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/**
 * One GraphQL call from Node as `user`, for setting up data: fails on any top-level error
 * and on a non-empty `errors` list in any mutation payload.
 */
export async function gql<T = Record<string, unknown>>(
  user: DemoUser | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const body = await gqlRaw<T>(user, query, variables);
  assert.equal(body.errors, undefined, `GraphQL errors: ${JSON.stringify(body.errors)}`);
  assert.ok(body.data, 'GraphQL answer without data');
  for (const [field, value] of Object.entries(body.data as Record<string, unknown>)) {
    const errors = (value as { errors?: unknown[] } | null)?.errors;
    assert.ok(!errors || errors.length === 0, `${field}: ${JSON.stringify(errors)}`);
  }
  return body.data;
}

let browser: Promise<Browser> | undefined;

/** The shared Chromium (one per run; each test file connects once). */
export function connectBrowser(): Promise<Browser> {
  browser ??= chromium.connect(required('SB_BROWSER_WS'), { timeout: TIMEOUT });
  return browser;
}

const contexts = new Set<BrowserContext>();

export interface OpenPageOptions {
  /** Whose token the page's components use; null: anonymous. Default: no token yet. */
  readonly user?: DemoUser | null;
  /** The page's locale (navigator.language, Intl default). Default en-US. */
  readonly locale?: string;
  /** A file of test/pages/. Default embed.html. */
  readonly page?: string;
  /** Where the page loads the bundle from. Default the page's own origin (/signalbox.js). */
  readonly bundleUrl?: string;
  readonly viewport?: { width: number; height: number };
  readonly colorScheme?: 'light' | 'dark';
}

export interface TestPage extends Page {
  /** Uncaught exceptions and console errors seen on the page so far. */
  readonly problems: string[];
}

/**
 * A new page (in its own browser context: no shared storage) on the second origin, with the
 * bundle loaded and the host's token set to `user`'s.
 */
export async function openPage(options: OpenPageOptions = {}): Promise<TestPage> {
  const context = await (
    await connectBrowser()
  ).newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1000, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  contexts.add(context);
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = (await context.newPage()) as TestPage;
  const problems: string[] = [];
  Object.defineProperty(page, 'problems', { value: problems });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const query = options.bundleUrl ? `?bundle=${encodeURIComponent(options.bundleUrl)}` : '';
  await page.goto(`${pageOrigin}/pages/${options.page ?? 'embed.html'}${query}`);
  await page.waitForFunction(() => 'signalboxReady' in window);
  await page.evaluate(() => (window as unknown as { signalboxReady: Promise<unknown> }).signalboxReady);
  if (options.user) {
    await setUser(page, options.user);
  }
  return page;
}

interface Host {
  token: string | null;
  events: Array<{ type: string; detail: unknown }>;
  listen(name: string): void;
  setToken(token: string | null): void;
  mount(html: string, apiUrl: string): void;
}

/** Switches the token the page's components send from now on. */
export async function setUser(page: Page, user: DemoUser | null): Promise<void> {
  const value = user ? await token(user) : null;
  await page.evaluate((t) => (window as unknown as { signalboxHost: Host }).signalboxHost.setToken(t), value);
}

/**
 * Puts `html` into the host page; every sb-* element in it gets api-url (unless given) and the
 * host's token provider. Returns a locator of the first element of `html`.
 */
export async function mount(page: Page, html: string, options: { apiUrl?: string } = {}): Promise<Locator> {
  await page.evaluate(
    ([markup, url]) => (window as unknown as { signalboxHost: Host }).signalboxHost.mount(markup, url),
    [html, options.apiUrl ?? apiUrl] as const,
  );
  return page.locator('#root > *').first();
}

/**
 * Holds back the API's answers to the page (the requests still reach the real server) until
 * `release()` is called, so a test can see a loading state; released, they pass through again.
 */
export async function holdAnswers(page: Page): Promise<{ release(): Promise<void> }> {
  let answer: () => void = () => {};
  const held = new Promise<void>((resolve) => (answer = resolve));
  const hold = async (route: Route): Promise<void> => {
    await held;
    // A request the page gave up on meanwhile (an aborted load) cannot continue: let it go.
    await route.continue().catch(() => undefined);
  };
  await page.route('**/graphql', hold);
  return {
    async release() {
      answer();
      await page.unroute('**/graphql', hold);
    },
  };
}

/** Starts recording `name` events on the document; read them with `events()`. */
export async function listen(page: Page, ...names: string[]): Promise<void> {
  await page.evaluate((list) => {
    for (const name of list) (window as unknown as { signalboxHost: Host }).signalboxHost.listen(name);
  }, names);
}

/** The recorded events (see `listen`), oldest first. */
export function events<T = unknown>(page: Page, name?: string): Promise<Array<{ type: string; detail: T }>> {
  return page.evaluate(
    (filter) =>
      (window as unknown as { signalboxHost: Host }).signalboxHost.events.filter(
        (e) => !filter || e.type === filter,
      ) as Array<{ type: string; detail: never }>,
    name ?? null,
  );
}

export interface AccessibleOptions {
  /** CSS selector to check (default the whole page). */
  readonly include?: string;
  /** Rule ids to skip, with a reason in the test. */
  readonly disableRules?: readonly string[];
}

/** Runs axe-core on the page (shadow roots included); fails on serious or critical violations. */
export async function expectAccessible(page: Page, options: AccessibleOptions = {}): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (options.include) builder = builder.include(options.include);
  if (options.disableRules?.length) builder = builder.disableRules([...options.disableRules]);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n'),
    )
    .join('\n');
  assert.equal(bad.length, 0, `axe found serious/critical violations:\n${report}`);
}

/** Saves a PNG of the page or an element as <name>.png in SB_SCREENSHOTS_DIR. */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const dir = required('SB_SCREENSHOTS_DIR');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await target.screenshot({ path, animations: 'disabled', timeout: TIMEOUT });
  return path;
}

/** Polls `check` until it returns a truthy value (bounded by `timeout` ms). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeout = TIMEOUT, interval = 100, message = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${message} not met within ${timeout}ms${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Closes every context this file opened and disconnects from Chromium: call in `after()`. */
export async function closeBrowser(): Promise<void> {
  await Promise.allSettled([...contexts].map((c) => c.close()));
  contexts.clear();
  if (browser) {
    const connected = await browser.catch(() => undefined);
    browser = undefined;
    await connected?.close();
  }
}

/** A unique suffix for names a test creates (keys, titles). */
export function unique(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** The computed value of a CSS property of the element a locator finds (shadow roots pierced). */
export function computedStyle(target: Locator, property: string): Promise<string> {
  return target.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p).trim(), property);
}
